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
}
