package dev.headroom.cache.redis;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One invalidation message on a cache's pub/sub channel. Text form: {@code
 * 1|<publisher>|<sequence>|<op>|<body>}, where op is {@code K} (body: each key as {@code
 * <length>:<key>}), {@code P} (body: the prefix) or {@code C} (empty body). Length-prefixed keys
 * let a key contain any character, the separator included.
 *
 * @param publisher the id of the publishing cache instance
 * @param sequence the publisher's sequence number, from 1, one per message it tried to send
 * @param op what is invalidated
 * @param keys the keys, for {@link Op#KEYS}
 * @param prefix the key prefix, for {@link Op#PREFIX}
 */
public record Invalidation(
    String publisher, long sequence, Op op, List<String> keys, String prefix) {

  /** What a message invalidates. */
  public enum Op {
    /** The listed keys. */
    KEYS,
    /** Every key starting with the prefix. */
    PREFIX,
    /** Everything. */
    CLEAR
  }

  /** Checks and copies the arguments. */
  public Invalidation {
    Objects.requireNonNull(publisher, "publisher");
    Objects.requireNonNull(op, "op");
    keys = List.copyOf(keys);
    Objects.requireNonNull(prefix, "prefix");
  }

  /** The text form. */
  public String encode() {
    StringBuilder sb =
        new StringBuilder(64)
            .append("1|")
            .append(publisher)
            .append('|')
            .append(sequence)
            .append('|');
    switch (op) {
      case KEYS -> {
        sb.append("K|");
        for (String k : keys) {
          sb.append(k.length()).append(':').append(k);
        }
      }
      case PREFIX -> sb.append("P|").append(prefix);
      case CLEAR -> sb.append("C|");
      default -> throw new AssertionError(op);
    }
    return sb.toString();
  }

  /**
   * Parses the text form.
   *
   * @throws IllegalArgumentException if it is not a valid message
   */
  public static Invalidation decode(String text) {
    try {
      if (!text.startsWith("1|")) {
        throw new IllegalArgumentException("unknown message version");
      }
      int p1 = text.indexOf('|', 2);
      int p2 = text.indexOf('|', p1 + 1);
      int p3 = text.indexOf('|', p2 + 1);
      if (p1 < 0 || p2 < 0 || p3 != p2 + 2) {
        throw new IllegalArgumentException("missing fields");
      }
      String publisher = text.substring(2, p1);
      long seq = Long.parseLong(text.substring(p1 + 1, p2));
      char op = text.charAt(p2 + 1);
      String body = text.substring(p3 + 1);
      return switch (op) {
        case 'K' -> new Invalidation(publisher, seq, Op.KEYS, keys(body), "");
        case 'P' -> new Invalidation(publisher, seq, Op.PREFIX, List.of(), body);
        case 'C' -> new Invalidation(publisher, seq, Op.CLEAR, List.of(), "");
        default -> throw new IllegalArgumentException("unknown op '" + op + "'");
      };
    } catch (RuntimeException e) {
      String shown = text.length() > 80 ? text.substring(0, 77) + "..." : text;
      throw new IllegalArgumentException(
          "not an invalidation message (" + e.getMessage() + "): " + shown, e);
    }
  }

  private static List<String> keys(String body) {
    List<String> keys = new ArrayList<>();
    int i = 0;
    while (i < body.length()) {
      int colon = body.indexOf(':', i);
      int len = Integer.parseInt(body.substring(i, colon));
      keys.add(body.substring(colon + 1, colon + 1 + len));
      i = colon + 1 + len;
    }
    return keys;
  }
}
