package dev.headroom.testkit.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.headroom.core.key.KeySpace;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.StringLength;

/**
 * KeySpace's glob escaping against {@link RedisGlob}, the oracle that {@link KeySpaceRedisTest}
 * checks against a real Redis.
 */
class KeySpaceGlobTest {

  private final KeySpace space = KeySpace.of("myapp", "cache");

  @Property
  void anEscapedLiteralMatchesOnlyItself(
      @ForAll @StringLength(max = 12) String literal,
      @ForAll @StringLength(max = 12) String other) {
    String pattern = KeySpace.escapeGlob(literal);
    assertThat(RedisGlob.matches(pattern, literal)).isTrue();
    if (!other.equals(literal)) {
      assertThat(RedisGlob.matches(pattern, other)).isFalse();
    }
  }

  @Property
  void aPrefixPatternMatchesExactlyTheKeysWithThatPrefix(
      @ForAll @StringLength(max = 8) String literal,
      @ForAll @StringLength(max = 8) String rest,
      @ForAll @StringLength(max = 16) String candidate) {
    String pattern = space.prefixPattern(literal);
    assertThat(RedisGlob.matches(pattern, space.prefix() + literal + rest)).isTrue();
    assertThat(RedisGlob.matches(pattern, candidate))
        .isEqualTo(candidate.startsWith(space.prefix() + literal));
  }
}
