package dev.headroom.core.key;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * A namespace for Redis keys, such as {@code myapp:cache:}. Every key a primitive writes goes
 * through a key space, which guarantees three things:
 *
 * <ul>
 *   <li><b>Namespacing</b>: {@link #key(String)} prefixes the namespace, so two primitives or two
 *       applications on one Redis never collide.
 *   <li><b>Cluster safety</b>: {@link #taggedKey(String, String)} puts a part in a hash tag ({@code
 *       {…}}) so all keys built from that tag hash to one slot and one Lua script may touch them
 *       together on Redis Cluster. Braces inside the tag are escaped, so a user's text can never
 *       end the tag early.
 *   <li><b>Pattern safety</b>: {@link #pattern(String)} and {@link #prefixPattern(String)} escape
 *       the glob characters {@code * ? [ ] \} of everything that is not meant as a pattern, so a
 *       user's key can never widen a {@code SCAN MATCH} or {@code PSUBSCRIBE} pattern.
 * </ul>
 *
 * <p><b>One key, one Redis key.</b> Keys are sent to Redis as UTF-8, and UTF-8 has no encoding for
 * an unpaired UTF-16 surrogate (such as the char 0xD800 alone): Java's encoder writes {@code '?'}
 * instead, so two different keys would share one Redis key. Every text a key space builds a key or
 * pattern from (key, tag, suffix, glob, literal prefix) must therefore be well-formed UTF-16, else
 * it is refused with an {@link InvalidKeyException} naming the text, the index of the unpaired
 * surrogate and the rule. For well-formed text the mapping is one-to-one: distinct keys give
 * distinct Redis keys, byte for byte. {@link #requireWellFormed} applies the same rule to text that
 * reaches Redis without a key space (a pub/sub message, a job id stored as a value).
 *
 * <p>A full key longer than {@link #maxKeyBytes()} bytes of UTF-8 (default {@value
 * #DEFAULT_MAX_KEY_BYTES}) is rejected with {@link InvalidKeyException}. Immutable and thread-safe.
 */
public final class KeySpace {

  /** Default limit on a full key's length in UTF-8 bytes: 1 KiB. */
  public static final int DEFAULT_MAX_KEY_BYTES = 1024;

  private static final char SEPARATOR = ':';

  private final String prefix;
  private final int maxKeyBytes;

  private KeySpace(String prefix, int maxKeyBytes) {
    this.prefix = prefix;
    this.maxKeyBytes = maxKeyBytes;
  }

  /**
   * A key space from namespace parts joined by {@code ':'}: {@code of("myapp", "cache")} has the
   * prefix {@code myapp:cache:}.
   *
   * @throws InvalidKeyException if there is no part, or a part is empty, contains {@code ':'},
   *     braces, whitespace or control characters
   */
  public static KeySpace of(String... namespace) {
    Objects.requireNonNull(namespace, "namespace");
    if (namespace.length == 0) {
      throw new InvalidKeyException("a key space needs at least one namespace part");
    }
    StringBuilder sb = new StringBuilder();
    for (String part : namespace) {
      sb.append(checkNamespacePart(part)).append(SEPARATOR);
    }
    return new KeySpace(sb.toString(), DEFAULT_MAX_KEY_BYTES);
  }

  /** This key space extended by more namespace parts: {@code of("app").child("cache")}. */
  public KeySpace child(String... namespace) {
    StringBuilder sb = new StringBuilder(prefix);
    for (String part : namespace) {
      sb.append(checkNamespacePart(part)).append(SEPARATOR);
    }
    return new KeySpace(sb.toString(), maxKeyBytes);
  }

  /**
   * This key space with another limit on full key length.
   *
   * @throws IllegalArgumentException if {@code maxKeyBytes} is not larger than the prefix
   */
  public KeySpace withMaxKeyBytes(int maxKeyBytes) {
    int prefixBytes = utf8Length(prefix);
    if (maxKeyBytes <= prefixBytes) {
      throw new IllegalArgumentException(
          "maxKeyBytes must be larger than the prefix '"
              + prefix
              + "' ("
              + prefixBytes
              + " bytes), was "
              + maxKeyBytes);
    }
    return new KeySpace(prefix, maxKeyBytes);
  }

  /** The prefix every key of this space starts with, ending in {@code ':'}. */
  public String prefix() {
    return prefix;
  }

  /** The limit on a full key's length in UTF-8 bytes. */
  public int maxKeyBytes() {
    return maxKeyBytes;
  }

  /**
   * The full key for a user key: the prefix followed by {@code key} as given.
   *
   * @throws InvalidKeyException if {@code key} is empty or not well-formed UTF-16, or the full key
   *     is too long
   */
  public String key(String key) {
    checkUserKey("key", key);
    return checkLength(prefix + key);
  }

  /**
   * A key whose tag part is a Redis Cluster hash tag: {@code prefix{tag}suffix}. All keys with the
   * same tag land in one slot. Braces and {@code '%'} in {@code tag} are percent-escaped, so the
   * mapping stays one-to-one and the tag can never be cut short.
   *
   * @throws InvalidKeyException if {@code tag} is empty, {@code tag} or {@code suffix} is not
   *     well-formed UTF-16, or the full key is too long
   */
  public String taggedKey(String tag, String suffix) {
    checkUserKey("tag", tag);
    requireWellFormed("suffix", suffix);
    return checkLength(prefix + '{' + escapeTag(tag) + '}' + suffix);
  }

  /**
   * A {@code SCAN MATCH}/{@code PSUBSCRIBE} pattern: the escaped prefix followed by {@code glob},
   * whose glob characters keep their meaning ({@code pattern("user:*")} matches every key of this
   * space that starts with {@code user:}, and nothing outside the space).
   *
   * @throws InvalidKeyException if {@code glob} is empty or not well-formed UTF-16
   */
  public String pattern(String glob) {
    checkUserKey("glob", glob);
    return checkLength(escapeGlob(prefix) + glob);
  }

  /**
   * A pattern matching every key of this space that starts with {@code literalPrefix}, taken
   * literally: glob characters in it are escaped. An empty prefix matches the whole space.
   *
   * @throws InvalidKeyException if {@code literalPrefix} is not well-formed UTF-16, or the pattern
   *     is too long
   */
  public String prefixPattern(String literalPrefix) {
    requireWellFormed("literalPrefix", literalPrefix);
    return checkLength(escapeGlob(prefix + literalPrefix) + '*');
  }

  /** A pattern matching every key of this space. */
  public String allKeysPattern() {
    return escapeGlob(prefix) + '*';
  }

  /** Whether a full key belongs to this space. */
  public boolean contains(String fullKey) {
    return fullKey.startsWith(prefix);
  }

  /**
   * The user key of a full key of this space (the inverse of {@link #key(String)}).
   *
   * @throws InvalidKeyException if {@code fullKey} is not in this space
   */
  public String userKey(String fullKey) {
    if (!contains(fullKey)) {
      throw new InvalidKeyException(
          "key '" + abbreviate(fullKey) + "' is not in key space '" + prefix + "'");
    }
    return fullKey.substring(prefix.length());
  }

  /**
   * Escapes the Redis glob characters {@code * ? [ ] \} with a backslash, so they match only
   * themselves.
   */
  public static String escapeGlob(String text) {
    StringBuilder sb = null;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      boolean special = c == '*' || c == '?' || c == '[' || c == ']' || c == '\\';
      if (special && sb == null) {
        sb = new StringBuilder(text.length() + 8).append(text, 0, i);
      }
      if (sb != null) {
        if (special) {
          sb.append('\\');
        }
        sb.append(c);
      }
    }
    return sb == null ? text : sb.toString();
  }

  private static String escapeTag(String tag) {
    if (tag.indexOf('{') < 0 && tag.indexOf('}') < 0 && tag.indexOf('%') < 0) {
      return tag;
    }
    return tag.replace("%", "%25").replace("{", "%7B").replace("}", "%7D");
  }

  private static String checkNamespacePart(String part) {
    Objects.requireNonNull(part, "namespace part");
    if (part.isEmpty()) {
      throw new InvalidKeyException("a key space namespace part must not be empty");
    }
    for (int i = 0; i < part.length(); i++) {
      char c = part.charAt(i);
      if (c == SEPARATOR
          || c == '{'
          || c == '}'
          || Character.isWhitespace(c)
          || Character.isISOControl(c)) {
        throw new InvalidKeyException(
            "key space namespace part '"
                + part
                + "' must not contain ':', braces, whitespace or control characters (found "
                + describe(c)
                + " at index "
                + i
                + ")");
      }
    }
    return part;
  }

  private static void checkUserKey(String what, String key) {
    Objects.requireNonNull(key, what);
    if (key.isEmpty()) {
      throw new InvalidKeyException(what + " must not be empty");
    }
    requireWellFormed(what, key);
  }

  /**
   * Answers {@code text} if it is well-formed UTF-16 (every surrogate paired), the rule every key
   * space applies to the text of its keys: only such text survives UTF-8, the encoding of Redis
   * keys and messages, unchanged.
   *
   * @param what what the text is, for the message ({@code "key"}, {@code "job id"})
   * @throws InvalidKeyException naming {@code what}, the text (with its surrogates escaped), the
   *     index of the first unpaired surrogate and the rule
   */
  public static String requireWellFormed(String what, String text) {
    Objects.requireNonNull(text, what);
    int n = text.length();
    for (int i = 0; i < n; i++) {
      char c = text.charAt(i);
      if (!Character.isSurrogate(c)) {
        continue;
      }
      if (Character.isHighSurrogate(c)
          && i + 1 < n
          && Character.isLowSurrogate(text.charAt(i + 1))) {
        i++;
        continue;
      }
      throw new InvalidKeyException(
          what
              + " '"
              + showSurrogates(abbreviate(text))
              + "' must be well-formed UTF-16, but has an unpaired surrogate "
              + String.format("U+%04X", (int) c)
              + " at index "
              + i
              + " (UTF-8 cannot encode it, so two keys would share one Redis key)");
    }
    return text;
  }

  private static String showSurrogates(String text) {
    StringBuilder sb = new StringBuilder(text.length() + 12);
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (Character.isSurrogate(c)) {
        sb.append(String.format("\\u%04X", (int) c));
      } else {
        sb.append(c);
      }
    }
    return sb.toString();
  }

  private String checkLength(String fullKey) {
    // A char is at most 3 bytes of UTF-8 (a surrogate pair is 4 bytes for 2 chars): skip the count
    // when it cannot matter.
    if (fullKey.length() * 3 > maxKeyBytes) {
      int bytes = utf8Length(fullKey);
      if (bytes > maxKeyBytes) {
        throw new InvalidKeyException(
            "key '"
                + abbreviate(fullKey)
                + "' is "
                + bytes
                + " bytes of UTF-8, over the limit of "
                + maxKeyBytes
                + " bytes for key space '"
                + prefix
                + "'");
      }
    }
    return fullKey;
  }

  private static int utf8Length(String s) {
    return s.getBytes(StandardCharsets.UTF_8).length;
  }

  private static String abbreviate(String key) {
    return key.length() <= 64 ? key : key.substring(0, 61) + "...";
  }

  private static String describe(char c) {
    return Character.isISOControl(c) || Character.isWhitespace(c)
        ? String.format("U+%04X", (int) c)
        : "'" + c + "'";
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof KeySpace other
        && prefix.equals(other.prefix)
        && maxKeyBytes == other.maxKeyBytes;
  }

  @Override
  public int hashCode() {
    return prefix.hashCode() * 31 + maxKeyBytes;
  }

  @Override
  public String toString() {
    return "KeySpace[" + prefix + "]";
  }
}
