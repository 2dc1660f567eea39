package dev.headroom.testkit.core;

/**
 * A test oracle: Redis's glob matching ({@code stringmatchlen} in util.c) for {@code *}, {@code ?},
 * {@code [...]} with ranges and {@code ^}, and {@code \} escapes. The real-Redis test in {@code
 * KeySpaceRedisTest} checks that this oracle and Redis agree on the cases that matter. Public for
 * that test, which reaches it through core's test jar (in a package of its own: core's module owns
 * dev.headroom.core.key, so a test-jar class there would be hidden from testkit).
 */
public final class RedisGlob {

  private RedisGlob() {}

  /** Whether Redis would match {@code text} against the glob {@code pattern}. */
  public static boolean matches(String pattern, String text) {
    return match(pattern, 0, text, 0);
  }

  @SuppressWarnings("fallthrough")
  private static boolean match(String p, int pi, String s, int si) {
    while (pi < p.length()) {
      char c = p.charAt(pi);
      switch (c) {
        case '*':
          while (pi + 1 < p.length() && p.charAt(pi + 1) == '*') {
            pi++;
          }
          if (pi + 1 == p.length()) {
            return true;
          }
          for (int k = si; k <= s.length(); k++) {
            if (match(p, pi + 1, s, k)) {
              return true;
            }
          }
          return false;
        case '?':
          if (si >= s.length()) {
            return false;
          }
          si++;
          pi++;
          break;
        case '[':
          {
            if (si >= s.length()) {
              return false;
            }
            pi++;
            boolean not = pi < p.length() && p.charAt(pi) == '^';
            if (not) {
              pi++;
            }
            boolean hit = false;
            while (pi < p.length() && p.charAt(pi) != ']') {
              if (p.charAt(pi) == '\\' && pi + 1 < p.length()) {
                pi++;
                hit |= p.charAt(pi) == s.charAt(si);
              } else if (pi + 2 < p.length() && p.charAt(pi + 1) == '-') {
                char lo = p.charAt(pi);
                char hi = p.charAt(pi + 2);
                if (lo > hi) {
                  char t = lo;
                  lo = hi;
                  hi = t;
                }
                pi += 2;
                hit |= s.charAt(si) >= lo && s.charAt(si) <= hi;
              } else {
                hit |= p.charAt(pi) == s.charAt(si);
              }
              pi++;
            }
            if (not) {
              hit = !hit;
            }
            if (!hit) {
              return false;
            }
            si++;
            pi++;
            break;
          }
        case '\\':
          if (pi + 1 < p.length()) {
            pi++;
          }
        // fall through: compare the escaped character literally
        default:
          if (si >= s.length() || p.charAt(pi) != s.charAt(si)) {
            return false;
          }
          si++;
          pi++;
      }
    }
    return si == s.length();
  }
}
