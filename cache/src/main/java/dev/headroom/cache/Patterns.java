package dev.headroom.cache;

import java.util.Objects;

/**
 * The rules of {@link Cache#invalidatePattern(String)}, the same for L1-only and two-level caches.
 */
final class Patterns {

  private Patterns() {}

  /**
   * The literal key prefix a pattern stands for.
   *
   * @throws IllegalArgumentException if the pattern is not {@code prefix*} as documented
   */
  static String prefix(String cacheName, String pattern, int depth) {
    Objects.requireNonNull(pattern, "pattern");
    String where = "cache '" + cacheName + "': pattern '" + pattern + "' ";
    if (pattern.equals("*")) {
      throw new IllegalArgumentException(where + "would remove every entry; use clear() for that");
    }
    if (!pattern.endsWith("*")) {
      throw new IllegalArgumentException(
          where + "must be a prefix ending in ':' followed by '*', such as 'user:*'");
    }
    String prefix = pattern.substring(0, pattern.length() - 1);
    if (!prefix.endsWith(":")) {
      throw new IllegalArgumentException(
          where
              + "must end its prefix at a segment separator: "
              + "the character before the final '*' must be ':', such as 'user:*' or 'user:42:*'");
    }
    int segments = 0;
    for (int i = 0; i < prefix.length(); i++) {
      char c = prefix.charAt(i);
      if (c == '*' || c == '?' || c == '[' || c == ']' || c == '\\') {
        throw new IllegalArgumentException(
            where
                + "has the glob character '"
                + c
                + "' at index "
                + i
                + "; only a final '*' is supported and the prefix is matched literally");
      }
      if (c == ':') {
        segments++;
      }
    }
    if (segments > depth) {
      throw new IllegalArgumentException(
          where
              + "names "
              + segments
              + " key segments, more than this cache's "
              + "pattern depth of "
              + depth
              + " (see CacheConfig.Builder.patternDepth)");
    }
    return prefix;
  }
}
