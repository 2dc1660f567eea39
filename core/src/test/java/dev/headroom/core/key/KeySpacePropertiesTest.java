package dev.headroom.core.key;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Distinct keys never share a Redis key: Redis sees the UTF-8 bytes of a key, so the property is
 * stated on those bytes. Keys are drawn from an alphabet rich in the characters that matter: glob
 * and tag characters, the escape character, '?' (what UTF-8 makes of a lone surrogate), both halves
 * of a surrogate pair, and a two-byte character.
 */
class KeySpacePropertiesTest {

  private static final KeySpace SPACE = KeySpace.of("app", "c");

  @Provide
  Arbitrary<String> keys() {
    return Arbitraries.of('a', '?', '{', '}', '%', '*', '\\', ':', '\u00e9', '\uD83D', '\uDE00')
        .list()
        .ofMinSize(1)
        .ofMaxSize(6)
        .map(
            chars -> {
              StringBuilder sb = new StringBuilder();
              chars.forEach(sb::append);
              return sb.toString();
            });
  }

  @Property(tries = 2000)
  void aKeyIsAcceptedExactlyWhenUtf8KeepsIt(@ForAll("keys") String key) {
    boolean survivesUtf8 =
        new String(key.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8).equals(key);
    if (survivesUtf8) {
      assertThat(SPACE.key(key)).isEqualTo("app:c:" + key);
      assertThat(SPACE.taggedKey(key, key)).startsWith("app:c:{");
      assertThat(SPACE.prefixPattern(key)).endsWith("*");
    } else {
      assertThatThrownBy(() -> SPACE.key(key)).isInstanceOf(InvalidKeyException.class);
      assertThatThrownBy(() -> SPACE.taggedKey(key, "")).isInstanceOf(InvalidKeyException.class);
      assertThatThrownBy(() -> SPACE.taggedKey("t", key)).isInstanceOf(InvalidKeyException.class);
      assertThatThrownBy(() -> SPACE.prefixPattern(key)).isInstanceOf(InvalidKeyException.class);
    }
  }

  @Property(tries = 5000)
  void distinctValidKeysMapToDistinctRedisKeys(@ForAll("keys") String a, @ForAll("keys") String b) {
    if (a.equals(b) || !valid(a) || !valid(b)) {
      return;
    }
    assertThat(bytes(SPACE.key(a))).isNotEqualTo(bytes(SPACE.key(b)));
    assertThat(bytes(SPACE.taggedKey(a, ":x"))).isNotEqualTo(bytes(SPACE.taggedKey(b, ":x")));
    assertThat(bytes(SPACE.taggedKey("t", a))).isNotEqualTo(bytes(SPACE.taggedKey("t", b)));
    assertThat(bytes(SPACE.prefixPattern(a))).isNotEqualTo(bytes(SPACE.prefixPattern(b)));
  }

  @Property(tries = 2000)
  void aTagAndSuffixPairMapsToOneRedisKey(
      @ForAll("keys") String tagA,
      @ForAll("keys") String suffixA,
      @ForAll("keys") String tagB,
      @ForAll("keys") String suffixB) {
    if ((tagA.equals(tagB) && suffixA.equals(suffixB))
        || !valid(tagA)
        || !valid(tagB)
        || !valid(suffixA)
        || !valid(suffixB)) {
      return;
    }
    assertThat(
            Arrays.equals(
                bytes(SPACE.taggedKey(tagA, suffixA)), bytes(SPACE.taggedKey(tagB, suffixB))))
        .isFalse();
  }

  private static boolean valid(String key) {
    try {
      SPACE.key(key);
      return true;
    } catch (InvalidKeyException e) {
      return false;
    }
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
