package dev.headroom.cdn;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/*
 * Why paths are parsed rather than concatenated.
 *
 * A path that reaches a URL must mean the same thing to us, to the CDN and to the origin. The
 * attacks on that are all about two readers disagreeing: "%2e%2e" that one layer decodes to ".."
 * after another has checked it, an encoded "/" or "\" that turns one segment into two, "//host"
 * or "https://host" that makes a relative path absolute, a "?" that starts a query the signer
 * never saw. So a path is parsed once, strictly, into decoded segments:
 *
 *   1. raw text: no control characters, no "\", no "?" or "#", no scheme ("x:"), no leading "//";
 *   2. split on "/" (one optional leading "/"); an empty segment ("a//b", "a/") is an error;
 *   3. each segment is percent-decoded (a "%" must start a valid escape; the bytes must be UTF-8);
 *   4. decoded segments are checked again: no "." or "..", no "/" or "\", no control characters.
 *
 * The canonical encoded form re-encodes every decoded segment per RFC 3986, leaving only
 * unreserved characters (ALPHA / DIGIT / "-" / "." / "_" / "~") bare. Decoding before encoding is
 * what prevents double encoding: "a%20b" and "a b" are the same path, "a%20b" is never "a%2520b".
 * Unicode file names become percent-encoded UTF-8. No Unicode normalization is applied: NFC and
 * NFD spellings of a name are different paths, as they are on most file systems.
 */

/**
 * A validated asset path: a non-empty list of decoded segments, with a canonical encoded form that
 * is safe to put in any URL. Immutable and thread-safe.
 *
 * <p>Parse with {@link #of(String)}. The input may be plain text ({@code "covers/Été 1.jpg"}) or
 * already percent-encoded ({@code "covers/%C3%89t%C3%A9%201.jpg"}): both give the same path.
 */
public final class AssetPath {

  /** The longest accepted input, in characters. */
  public static final int MAX_LENGTH = 4096;

  private static final String HEX = "0123456789ABCDEF";

  private final String encoded;

  /*
   * Derived from encoded on first use (most paths are only ever routed, which needs neither), each
   * published by a data race: a String and an immutable list are safe to read that way.
   */
  private int hash;
  private @Nullable List<String> segments;
  private @Nullable String extension;

  private AssetPath(String encoded, @Nullable List<String> segments, int hash) {
    this.encoded = encoded;
    this.segments = segments;
    this.hash = hash;
  }

  /**
   * Parses and validates a path such as {@code "/img/a.png"} or {@code "img/a.png"} (a leading
   * slash is optional and ignored).
   *
   * @throws InvalidAssetPathException if the path is empty, too long, or unsafe: a {@code .} or
   *     {@code ..} segment in any encoding, a backslash, a control character, an absolute URL or
   *     {@code //host}, a query or fragment, an empty segment, an encoded slash, a malformed
   *     percent-escape, or text that is not valid Unicode
   * @throws NullPointerException if {@code path} is null
   */
  public static AssetPath of(String path) {
    Objects.requireNonNull(path, "path");
    AssetPath plain = ofPlain(path);
    return plain != null ? plain : ofGeneral(path);
  }

  /**
   * The common case of {@link #of} in two passes and one allocation for the text: a path of
   * printable characters without escapes, {@code :}, {@code \\}, {@code ?} or {@code #}, without
   * empty or dot segments. Null for anything else, which {@link #ofGeneral} parses (and rejects
   * with its precise message). Its result is the same as {@link #ofGeneral}'s.
   */
  private static @Nullable AssetPath ofPlain(String path) {
    int n = path.length();
    if (n == 0 || n > MAX_LENGTH) {
      return null;
    }
    int start = path.charAt(0) == '/' ? 1 : 0;
    int length = 1; // the leading '/' that the encoded form always has
    int segmentStart = start;
    for (int i = start; i <= n; i++) {
      char c = i < n ? path.charAt(i) : '/';
      if (c == '/') {
        int size = i - segmentStart;
        if (size == 0
            || (path.charAt(segmentStart) == '.'
                && (size == 1 || (size == 2 && path.charAt(segmentStart + 1) == '.')))) {
          return null; // empty, "." or ".." segment
        }
        segmentStart = i + 1;
        length++;
      } else if (isUnreserved(c)) {
        length++;
      } else if (c < 0x80) {
        if (c < ' ' || c == 0x7F || c == '%' || c == ':' || c == '\\' || c == '?' || c == '#') {
          return null;
        }
        length += 3;
      } else if (c <= 0x9F || Character.isSurrogate(c)) {
        return null; // a C1 control character, or one half of a pair: ofGeneral decides
      } else {
        length += c < 0x800 ? 6 : 9;
      }
    }
    length--; // the '/' counted for the end of the text
    if (start == 1 && length == n) {
      return new AssetPath(path, null, path.hashCode()); // already canonical
    }
    byte[] out = new byte[length];
    out[0] = '/';
    int at = 1;
    int hash = '/';
    for (int i = start; i < n; i++) {
      char c = path.charAt(i);
      if (c == '/' || isUnreserved(c)) {
        out[at++] = (byte) c;
        hash = 31 * hash + c;
      } else if (c < 0x80) {
        hash = putEscape(out, at, c, hash);
        at += 3;
      } else if (c < 0x800) {
        hash = putEscape(out, at, 0xC0 | (c >> 6), hash);
        hash = putEscape(out, at + 3, 0x80 | (c & 0x3F), hash);
        at += 6;
      } else {
        hash = putEscape(out, at, 0xE0 | (c >> 12), hash);
        hash = putEscape(out, at + 3, 0x80 | ((c >> 6) & 0x3F), hash);
        hash = putEscape(out, at + 6, 0x80 | (c & 0x3F), hash);
        at += 9;
      }
    }
    // the hash is String.hashCode of the text, computed while it was written
    return new AssetPath(new String(out, StandardCharsets.ISO_8859_1), null, hash);
  }

  /** Writes {@code %XY} for byte {@code b} at {@code at}; returns {@code hash} updated with it. */
  private static int putEscape(byte[] out, int at, int b, int hash) {
    char hi = HEX.charAt(b >> 4);
    char lo = HEX.charAt(b & 0xF);
    out[at] = '%';
    out[at + 1] = (byte) hi;
    out[at + 2] = (byte) lo;
    return ((hash * 31 + '%') * 31 + hi) * 31 + lo;
  }

  /** {@link #of} in general: every check, in order, with its message. */
  private static AssetPath ofGeneral(String path) {
    if (path.isEmpty() || path.equals("/")) {
      throw new InvalidAssetPathException(
          path, "it is empty; expected a path such as img/logo.png");
    }
    if (path.length() > MAX_LENGTH) {
      throw new InvalidAssetPathException(path, "it is longer than " + MAX_LENGTH + " characters");
    }
    checkRaw(path);
    int start = path.charAt(0) == '/' ? 1 : 0;
    List<String> segments = new ArrayList<>();
    StringBuilder encoded = new StringBuilder(path.length() + 8);
    int from = start;
    while (true) {
      int slash = path.indexOf('/', from);
      String raw = slash < 0 ? path.substring(from) : path.substring(from, slash);
      if (raw.isEmpty()) {
        throw new InvalidAssetPathException(
            path, "it has an empty segment ('//' or a trailing '/')");
      }
      // A segment without escapes is its raw text, whose characters checkRaw has checked already.
      boolean escaped = raw.indexOf('%') >= 0;
      String segment = escaped ? decodeSegment(path, raw) : raw;
      if (escaped) {
        checkDecoded(path, segment);
      } else {
        checkDotSegment(path, segment);
      }
      segments.add(segment);
      encoded.append('/');
      appendEncoded(encoded, path, segment);
      if (slash < 0) {
        break;
      }
      from = slash + 1;
    }
    String text = encoded.toString();
    return new AssetPath(text, Collections.unmodifiableList(segments), 0);
  }

  /** The decoded segments, in order; never empty. */
  public List<String> segments() {
    List<String> known = segments;
    if (known == null) {
      known = decodeSegments(encoded);
      segments = known;
    }
    return known;
  }

  /** The segments of a canonical encoded form, which has no invalid escape or text. */
  private static List<String> decodeSegments(String encoded) {
    List<String> out = new ArrayList<>();
    int from = 1;
    while (true) {
      int slash = encoded.indexOf('/', from);
      String raw = slash < 0 ? encoded.substring(from) : encoded.substring(from, slash);
      out.add(decodeSegment(encoded, raw));
      if (slash < 0) {
        return Collections.unmodifiableList(out);
      }
      from = slash + 1;
    }
  }

  /**
   * The canonical encoded form with a leading slash, such as {@code "/covers/%C3%89t%C3%A9.jpg"}:
   * every segment percent-encoded per RFC 3986, only unreserved characters left bare.
   */
  public String encoded() {
    return encoded;
  }

  /**
   * The decoded segments joined by {@code "/"}, without a leading slash: the path as a file name.
   */
  public String value() {
    return String.join("/", segments());
  }

  /** The last decoded segment. */
  public String fileName() {
    List<String> all = segments();
    return all.get(all.size() - 1);
  }

  /** The file name's extension in lower case, without the dot; empty if there is none. */
  public String extension() {
    String known = extension;
    if (known == null) {
      known = extensionOf(encoded);
      extension = known;
    }
    return known;
  }

  /**
   * The extension read from the encoded form: a '.' is never escaped and no escape contains one, so
   * the last '.' of the encoded file name is the last '.' of the decoded one.
   */
  private static String extensionOf(String encoded) {
    int slash = encoded.lastIndexOf('/');
    int dot = encoded.lastIndexOf('.');
    if (dot <= slash + 1 || dot == encoded.length() - 1) {
      return "";
    }
    String extension = decodeSegment(encoded, encoded.substring(dot + 1));
    for (int i = 0; i < extension.length(); i++) {
      char c = extension.charAt(i);
      if ((c >= 'A' && c <= 'Z') || c >= 0x80) {
        return extension.toLowerCase(Locale.ROOT);
      }
    }
    return extension; // no character that lower-casing would change
  }

  /** Whether this path is {@code prefix} or lies below it, segment by segment. */
  public boolean startsWith(AssetPath prefix) {
    // segment by segment on the encoded forms: an encoded segment never contains '/'
    String p = prefix.encoded;
    return encoded.startsWith(p)
        && (encoded.length() == p.length() || encoded.charAt(p.length()) == '/');
  }

  /**
   * The path {@code prefix/segment/rest} (prefix and segment optional), equal to what {@link #of}
   * gives for that text, built from parts that were parsed already. Null when {@code segment} is
   * not a plain segment of unreserved characters, or the text would be longer than {@link
   * #MAX_LENGTH}: {@link #of} decides those.
   */
  static @Nullable AssetPath join(
      @Nullable AssetPath prefix, @Nullable String segment, AssetPath rest) {
    int length =
        rest.encoded.length()
            + (prefix == null ? 0 : prefix.encoded.length())
            + (segment == null ? 0 : segment.length() + 1);
    if (length > MAX_LENGTH || (segment != null && !isPlainSegment(segment))) {
      return null;
    }
    if (prefix == null && segment == null) {
      return rest;
    }
    String text =
        (prefix == null ? "" : prefix.encoded)
            + (segment == null ? "" : "/" + segment)
            + rest.encoded;
    return new AssetPath(text, null, 0);
  }

  private static boolean isPlainSegment(String segment) {
    if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
      return false;
    }
    for (int i = 0; i < segment.length(); i++) {
      if (!isUnreserved(segment.charAt(i))) {
        return false;
      }
    }
    return true;
  }

  /** Percent-encodes one decoded segment per RFC 3986, leaving only unreserved characters bare. */
  static String encodeSegment(String segment) {
    StringBuilder out = new StringBuilder(segment.length() + 8);
    appendEncoded(out, segment, segment);
    return out.toString();
  }

  private static void checkRaw(String path) {
    if (path.startsWith("//")) {
      throw new InvalidAssetPathException(path, "a scheme-relative '//host' is not a path");
    }
    int colon = path.indexOf(':');
    if (colon > 0 && isScheme(path, colon)) {
      throw new InvalidAssetPathException(
          path, "an absolute URL ('" + path.substring(0, colon + 1) + "') is not a path");
    }
    for (int i = 0; i < path.length(); i++) {
      char c = path.charAt(i);
      if (c >= ' ' && c < 0x7F && c != '\\' && c != '?' && c != '#') {
        continue; // the common case: printable ASCII
      }
      if (isControl(c)) {
        throw new InvalidAssetPathException(path, "it contains a control character at index " + i);
      }
      if (c == '\\') {
        throw new InvalidAssetPathException(path, "it contains a backslash at index " + i);
      }
      if (c == '?' || c == '#') {
        throw new InvalidAssetPathException(
            path,
            "it contains '"
                + c
                + "' at index "
                + i
                + ": a query or fragment cannot be part of a path");
      }
    }
  }

  private static boolean isScheme(String path, int colon) {
    if (!isAsciiLetter(path.charAt(0))) {
      return false;
    }
    for (int i = 1; i < colon; i++) {
      char c = path.charAt(i);
      if (!(isAsciiLetter(c) || (c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.')) {
        return false;
      }
    }
    return true;
  }

  private static String decodeSegment(String path, String raw) {
    if (raw.indexOf('%') < 0) {
      return raw;
    }
    String ascii = decodeAscii(path, raw);
    return ascii != null ? ascii : decodeUtf8(path, raw);
  }

  /**
   * {@code raw} decoded when it is ASCII text whose escapes all stand for ASCII bytes (as {@code
   * "a%20b"}): then every byte is one character and no charset is involved. Null as soon as a
   * character or an escaped byte is not ASCII; {@link #decodeUtf8} decides those.
   */
  static @Nullable String decodeAscii(String path, String raw) {
    StringBuilder out = new StringBuilder(raw.length());
    for (int i = 0; i < raw.length(); ) {
      char c = raw.charAt(i);
      if (c >= 0x80) {
        return null;
      }
      if (c == '%') {
        int b = escapedByte(path, raw, i);
        if (b >= 0x80) {
          return null;
        }
        out.append((char) b);
        i += 3;
      } else {
        out.append(c);
        i++;
      }
    }
    return out.toString();
  }

  /** The byte of the escape at {@code raw[i]}, which is a '%'. */
  private static int escapedByte(String path, String raw, int i) {
    int hi = i + 2 < raw.length() ? Character.digit(raw.charAt(i + 1), 16) : -1;
    int lo = hi >= 0 ? Character.digit(raw.charAt(i + 2), 16) : -1;
    if (hi < 0 || lo < 0) {
      throw new InvalidAssetPathException(
          path, "'%' must start a percent-escape such as %20" + " (write %25 for a literal '%')");
    }
    return hi << 4 | lo;
  }

  /**
   * {@code raw} decoded in general: text to UTF-8, escapes to bytes, then strict UTF-8 decoding.
   */
  static String decodeUtf8(String path, String raw) {
    ByteBuffer bytes = ByteBuffer.allocate(raw.length() * 4);
    CharsetEncoder encoder = strictEncoder();
    for (int i = 0; i < raw.length(); ) {
      char c = raw.charAt(i);
      if (c == '%') {
        bytes.put((byte) escapedByte(path, raw, i));
        i += 3;
      } else {
        int end = i;
        while (end < raw.length() && raw.charAt(end) != '%') {
          end++;
        }
        try {
          bytes.put(encoder.encode(CharBuffer.wrap(raw, i, end)));
        } catch (CharacterCodingException e) {
          throw new InvalidAssetPathException(
              path, "it is not valid Unicode (an unpaired surrogate)");
        }
        i = end;
      }
    }
    bytes.flip();
    CharsetDecoder decoder =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    try {
      return decoder.decode(bytes).toString();
    } catch (CharacterCodingException e) {
      throw new InvalidAssetPathException(path, "its percent-escapes do not decode as UTF-8");
    }
  }

  private static void checkDotSegment(String path, String segment) {
    if (segment.equals(".") || segment.equals("..")) {
      throw new InvalidAssetPathException(
          path, "a '" + segment + "' segment (in any encoding) is not allowed");
    }
  }

  private static void checkDecoded(String path, String segment) {
    checkDotSegment(path, segment);
    for (int i = 0; i < segment.length(); i++) {
      char c = segment.charAt(i);
      if (c == '/' || c == '\\') {
        throw new InvalidAssetPathException(path, "an encoded '" + c + "' would split a segment");
      }
      if (isControl(c)) {
        throw new InvalidAssetPathException(path, "it contains an encoded control character");
      }
    }
  }

  private static void appendEncoded(StringBuilder out, String path, String segment) {
    for (int i = 0; i < segment.length(); i++) {
      char c = segment.charAt(i);
      if (isUnreserved(c)) {
        out.append(c);
      } else if (c < 0x80) {
        appendByte(out, c);
      } else if (c < 0x800) {
        appendByte(out, 0xC0 | (c >> 6));
        appendByte(out, 0x80 | (c & 0x3F));
      } else if (!Character.isSurrogate(c)) {
        appendByte(out, 0xE0 | (c >> 12));
        appendByte(out, 0x80 | ((c >> 6) & 0x3F));
        appendByte(out, 0x80 | (c & 0x3F));
      } else if (Character.isHighSurrogate(c)
          && i + 1 < segment.length()
          && Character.isLowSurrogate(segment.charAt(i + 1))) {
        int cp = Character.toCodePoint(c, segment.charAt(++i));
        appendByte(out, 0xF0 | (cp >> 18));
        appendByte(out, 0x80 | ((cp >> 12) & 0x3F));
        appendByte(out, 0x80 | ((cp >> 6) & 0x3F));
        appendByte(out, 0x80 | (cp & 0x3F));
      } else {
        throw new InvalidAssetPathException(
            path, "it is not valid Unicode (an unpaired surrogate)");
      }
    }
  }

  private static CharsetEncoder strictEncoder() {
    return StandardCharsets.UTF_8
        .newEncoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT);
  }

  private static void appendByte(StringBuilder out, int b) {
    out.append('%').append(HEX.charAt(b >> 4)).append(HEX.charAt(b & 0xF));
  }

  static boolean isUnreserved(char c) {
    return isAsciiLetter(c)
        || (c >= '0' && c <= '9')
        || c == '-'
        || c == '.'
        || c == '_'
        || c == '~';
  }

  private static boolean isAsciiLetter(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  }

  private static boolean isControl(char c) {
    return c < 0x20 || (c >= 0x7F && c <= 0x9F);
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof AssetPath other
        && hashCode() == other.hashCode()
        && encoded.equals(other.encoded);
  }

  @Override
  public int hashCode() {
    int h = hash;
    if (h == 0) {
      h = encoded.hashCode();
      hash = h;
    }
    return h;
  }

  /** The {@linkplain #encoded() encoded} form. */
  @Override
  public String toString() {
    return encoded;
  }
}
