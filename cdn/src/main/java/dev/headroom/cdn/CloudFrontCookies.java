package dev.headroom.cdn;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * CloudFront signed cookies: three name-value pairs ({@code CloudFront-Expires} or {@code
 * CloudFront-Policy}, {@code CloudFront-Signature}, {@code CloudFront-Key-Pair-Id}), and a fourth,
 * {@code CloudFront-Hash-Algorithm}, for SHA-256 signatures, to send as one {@code Set-Cookie}
 * header each. Immutable.
 */
public final class CloudFrontCookies {

  /** The cookie carrying a canned policy's expiry. */
  public static final String EXPIRES = "CloudFront-Expires";

  /** The cookie carrying a custom policy. */
  public static final String POLICY = "CloudFront-Policy";

  /** The cookie carrying the signature. */
  public static final String SIGNATURE = "CloudFront-Signature";

  /** The cookie carrying the key pair id. */
  public static final String KEY_PAIR_ID = "CloudFront-Key-Pair-Id";

  /** The cookie naming the signature's hash, sent only for SHA-256 ({@code SHA256}). */
  public static final String HASH_ALGORITHM = "CloudFront-Hash-Algorithm";

  private final Map<String, String> values;

  CloudFrontCookies(Map<String, String> values) {
    this.values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
  }

  /** The cookies by name, in the order above. */
  public Map<String, String> values() {
    return values;
  }

  /**
   * The {@code Set-Cookie} header values, with {@code Domain} and {@code Path} (CloudFront's domain
   * or your alternate domain, and the path the cookies should be sent for) and the {@code Secure;
   * HttpOnly} attributes. No {@code Expires}: the cookies end with the browser session, as AWS
   * recommends.
   */
  public List<String> setCookieHeaders(String domain, String path) {
    Objects.requireNonNull(domain, "domain");
    Objects.requireNonNull(path, "path");
    if (!domain.matches("[A-Za-z0-9.-]{1,253}")
        || !path.matches("/[A-Za-z0-9._~%!$&'()*+,=:@/-]*")) {
      throw new IllegalArgumentException(
          "domain='"
              + domain
              + "', path='"
              + path
              + "' are rejected: expected a"
              + " host name such as d111111abcdef8.cloudfront.net and a path starting with /");
    }
    return values.entrySet().stream()
        .map(
            e ->
                e.getKey()
                    + "="
                    + e.getValue()
                    + "; Domain="
                    + domain
                    + "; Path="
                    + path
                    + "; Secure; HttpOnly")
        .toList();
  }

  @Override
  public String toString() {
    return "CloudFrontCookies" + values.keySet();
  }
}
