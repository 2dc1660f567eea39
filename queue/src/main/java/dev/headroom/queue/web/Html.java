package dev.headroom.queue.web;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * Escaping for the page. Every value that comes from a job, a queue, a request or an error goes
 * through {@link #text} before it reaches the HTML, in element text or in a double-quoted attribute
 * (the only two contexts the page writes values into; no value is ever written into a script, a
 * style, an unquoted attribute or a URL scheme). Escaping the five characters {@code & < > " '} is
 * sufficient for those contexts (OWASP's rule #1 and #2); control characters other than tab and
 * newline are shown as U+FFFD so binary payloads cannot confuse the reader either.
 */
final class Html {

  private Html() {}

  /** {@code value} safe for element text and double-quoted attribute values. */
  static String text(String value) {
    StringBuilder out = new StringBuilder(value.length() + 16);
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      switch (c) {
        case '&' -> out.append("&amp;");
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&#39;");
        default -> {
          if (Character.isISOControl(c) && c != '\n' && c != '\t') {
            out.append('\uFFFD');
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.toString();
  }

  /** {@code value} encoded for a query parameter (then escaped as text by the caller). */
  static String param(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }

  /** {@code value} cut to {@code max} characters, with an ellipsis when cut. */
  static String cut(String value, int max) {
    return value.length() <= max ? value : value.substring(0, max) + "…";
  }
}
