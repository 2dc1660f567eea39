package dev.headroom.core.key;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class KeySpaceTest {

  private final KeySpace space = KeySpace.of("myapp", "cache");

  @Test
  void prefixesKeysWithTheNamespace() {
    assertThat(space.prefix()).isEqualTo("myapp:cache:");
    assertThat(space.key("user:42")).isEqualTo("myapp:cache:user:42");
    assertThat(space.child("users").key("42")).isEqualTo("myapp:cache:users:42");
    assertThat(space.userKey("myapp:cache:user:42")).isEqualTo("user:42");
  }

  @Test
  void wrapsTheTagInAHashTagAndEscapesBraces() {
    assertThat(space.taggedKey("user:42", ":log")).isEqualTo("myapp:cache:{user:42}:log");
    assertThat(space.taggedKey("a}b{c%", ":x")).isEqualTo("myapp:cache:{a%7Db%7Bc%25}:x");
    // escaping is one-to-one: distinct tags never collide
    assertThat(space.taggedKey("%7D", "")).isNotEqualTo(space.taggedKey("}", ""));
  }

  @Test
  void patternsKeepTheUsersGlobButEscapeTheRest() {
    assertThat(space.pattern("user:*")).isEqualTo("myapp:cache:user:*");
    assertThat(space.prefixPattern("user:*[a]?\\"))
        .isEqualTo("myapp:cache:user:\\*\\[a\\]\\?\\\\*");
    assertThat(KeySpace.escapeGlob("plain")).isSameAs("plain");
  }

  @Test
  void rejectsEmptyAndOverlongKeysWithAClearMessage() {
    assertThatThrownBy(() -> space.key(""))
        .isInstanceOf(InvalidKeyException.class)
        .hasMessage("key must not be empty");
    String longKey = "x".repeat(1100);
    assertThatThrownBy(() -> space.key(longKey))
        .isInstanceOf(InvalidKeyException.class)
        .hasMessageContaining(
            "1112 bytes of UTF-8, over the limit of 1024 bytes for key space 'myapp:cache:'");
    // multi-byte characters count as their UTF-8 length
    String euros = "\u20ac".repeat(400);
    assertThatThrownBy(() -> space.key(euros)).hasMessageContaining("1212 bytes");
    assertThat(space.withMaxKeyBytes(2000).key(euros)).endsWith(euros);
  }

  @Test
  void rejectsBadNamespaceParts() {
    assertThatThrownBy(() -> KeySpace.of("my app"))
        .isInstanceOf(InvalidKeyException.class)
        .hasMessageContaining("'my app'")
        .hasMessageContaining("U+0020 at index 2");
    assertThatThrownBy(() -> KeySpace.of("a:b")).hasMessageContaining("must not contain ':'");
    assertThatThrownBy(() -> KeySpace.of("{tag}")).hasMessageContaining("braces");
    assertThatThrownBy(KeySpace::of).hasMessageContaining("at least one namespace part");
    assertThatThrownBy(() -> space.withMaxKeyBytes(5))
        .hasMessageContaining("must be larger than the prefix");
  }

  @Test
  void refusesUnpairedSurrogatesBecauseUtf8WouldTurnThemIntoQuestionMarks() {
    // "a", 0xD800, "b" and "a?b" would both be sent as the bytes of "a?b"
    String lone = "a" + (char) 0xD800 + "b";
    assertThatThrownBy(() -> space.key(lone))
        .isInstanceOf(InvalidKeyException.class)
        .hasMessage(
            "key 'a\\uD800b' must be well-formed UTF-16, but has an unpaired surrogate U+D800 at"
                + " index 1 (UTF-8 cannot encode it, so two keys would share one Redis key)");
    String trailing = "x" + (char) 0xDC00;
    assertThatThrownBy(() -> space.key(trailing)).hasMessageContaining("U+DC00 at index 1");
    String reversed = "" + (char) 0xDE00 + (char) 0xD83D;
    assertThatThrownBy(() -> space.key(reversed)).hasMessageContaining("U+DE00 at index 0");
    assertThatThrownBy(() -> space.taggedKey(lone, ":x"))
        .isInstanceOf(InvalidKeyException.class)
        .hasMessageStartingWith("tag 'a\\uD800b'");
    assertThatThrownBy(() -> space.taggedKey("t", lone)).hasMessageStartingWith("suffix ");
    assertThatThrownBy(() -> space.pattern(lone)).hasMessageStartingWith("glob ");
    assertThatThrownBy(() -> space.prefixPattern(lone)).hasMessageStartingWith("literalPrefix ");
    assertThatThrownBy(() -> KeySpace.requireWellFormed("job id", lone))
        .hasMessageStartingWith("job id ");
    assertThatThrownBy(() -> space.taggedKey("", ":x")).hasMessage("tag must not be empty");

    String smiley = "a\uD83D\uDE00b"; // a pair is one code point: fine
    assertThat(space.key(smiley)).isEqualTo("myapp:cache:" + smiley);
    assertThat(space.prefixPattern("")).isEqualTo("myapp:cache:*");
    assertThat(KeySpace.requireWellFormed("id", smiley)).isSameAs(smiley);
  }
}
