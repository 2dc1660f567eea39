package dev.headroom.cdn;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/*
 * The HMAC URL token format, shared by HmacSigner and HmacVerifier.
 *
 * A signed URL is the URL with these query parameters appended, in this order:
 *
 *   exp=<epoch seconds>          expiry, exclusive (required)
 *   st=<epoch seconds>           start, inclusive (optional)
 *   ip=<address>/<prefix>        client address or CIDR block, canonical form (optional)
 *   acl=<encoded path prefix>    grant every path at or below this prefix (optional)
 *   kid=<key id>                 which key signed (required)
 *   sig=<base64url, unpadded>    HMAC-SHA256 of the message below (required, last)
 *
 * The message is eight lines joined by "\n" (no field can contain a newline):
 *
 *   HR-HMAC-SHA256-1 | kid | exp | st | ip | acl | path | query
 *
 * where an absent optional field is the empty string, "path" is the canonical encoded path
 * (AssetPath.encoded(), so a proxy that re-encodes the path does not break the token) and "query"
 * is the raw query without the token parameters, in its original order. With an acl, path and
 * query are empty: the token is for a tree of files (an HLS stream's segments, an album), not one URL.
 *
 * What is covered and why:
 *   - every token field is inside the MAC, so changing exp, st, ip, acl or kid breaks the signature,
 *     and so does choosing another key id (the other key computes another MAC);
 *   - the path and the other query parameters are inside the MAC, so an image transform or a
 *     version cannot be changed on a signed URL;
 *   - the host is not, so one token works on every host a path is sharded to, and behind a CDN
 *     that rewrites the Host header;
 *   - a token parameter given twice makes the URL malformed, so "...&exp=1&exp=9999999999" cannot
 *     confuse a parser that takes the last value.
 * Values are compared as sent (raw), then parsed; the verifier compares MACs in constant time.
 */

/** The HMAC URL token format. Stateless. */
final class HmacToken {

  static final String VERSION = "HR-HMAC-SHA256-1";
  static final String EXPIRES = "exp";
  static final String START = "st";
  static final String IP = "ip";
  static final String ACL = "acl";
  static final String KEY_ID = "kid";
  static final String SIGNATURE = "sig";
  static final Set<String> NAMES = Set.of(EXPIRES, START, IP, ACL, KEY_ID, SIGNATURE);

  private HmacToken() {}

  private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();

  /** The signature of the token fields over a path and query (both empty with an acl). */
  static String signature(
      HmacKey key, String exp, String st, String ip, String acl, String path, String query) {
    String[] fields = {VERSION, key.id(), exp, st, ip, acl, path, query};
    int capacity = fields.length - 1;
    for (String field : fields) {
      capacity += isAscii(field) ? field.length() : field.length() * 3;
    }
    byte[] message = new byte[capacity];
    int length = 0;
    for (int f = 0; f < fields.length; f++) {
      if (f > 0) {
        message[length++] = '\n';
      }
      length = putUtf8(message, length, fields[f]);
    }
    return BASE64URL.encodeToString(key.mac(message, length));
  }

  private static boolean isAscii(String text) {
    for (int i = 0; i < text.length(); i++) {
      if (text.charAt(i) >= 0x80) {
        return false;
      }
    }
    return true;
  }

  /**
   * Writes {@code text} as UTF-8 at {@code at}, which has room for three bytes per character;
   * returns the end. ASCII is copied as is; other text is encoded as {@link String#getBytes} does.
   */
  private static int putUtf8(byte[] out, int at, String text) {
    int n = at;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c >= 0x80) {
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        System.arraycopy(utf8, 0, out, at, utf8.length);
        return at + utf8.length;
      }
      out[n++] = (byte) c;
    }
    return n;
  }

  /**
   * Whether a raw query has a token parameter: what {@code new Query(rawQuery).anyToken} says,
   * without splitting the query.
   */
  static boolean hasTokenParameter(String rawQuery) {
    int from = 0;
    while (true) {
      int amp = rawQuery.indexOf('&', from);
      int end = amp < 0 ? rawQuery.length() : amp;
      int eq = rawQuery.indexOf('=', from);
      int nameEnd = eq < 0 || eq > end ? end : eq;
      int length = nameEnd - from;
      for (String name : ORDER) {
        if (name.length() == length && rawQuery.regionMatches(from, name, 0, length)) {
          return true;
        }
      }
      if (amp < 0) {
        return false;
      }
      from = amp + 1;
    }
  }

  private static final String[] ORDER = {EXPIRES, START, IP, ACL, KEY_ID, SIGNATURE};

  /** A raw query split into the token parameters and the rest. */
  static final class Query {
    final List<String> rest = new ArrayList<>();
    final String[] values = new String[6];
    @Nullable String duplicate;
    boolean anyToken;

    private final @Nullable String raw;

    Query(@Nullable String rawQuery) {
      this.raw = rawQuery;
      if (rawQuery == null) {
        return;
      }
      for (String piece : rawQuery.split("&", -1)) {
        int eq = piece.indexOf('=');
        String name = eq < 0 ? piece : piece.substring(0, eq);
        int index = index(name);
        if (index < 0) {
          rest.add(piece);
        } else {
          anyToken = true;
          if (values[index] != null) {
            duplicate = name;
          }
          values[index] = eq < 0 ? "" : piece.substring(eq + 1);
        }
      }
    }

    /** The raw value of a token parameter, or null. */
    @Nullable String get(String name) {
      return values[index(name)];
    }

    /** The other parameters, raw, in their order. */
    String rest() {
      return anyToken || raw == null ? String.join("&", rest) : raw;
    }

    private static int index(String name) {
      return switch (name) {
        case EXPIRES -> 0;
        case START -> 1;
        case IP -> 2;
        case ACL -> 3;
        case KEY_ID -> 4;
        case SIGNATURE -> 5;
        default -> -1;
      };
    }
  }
}
