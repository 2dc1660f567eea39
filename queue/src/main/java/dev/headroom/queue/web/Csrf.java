package dev.headroom.queue.web;

import dev.headroom.core.http.RouteRequest;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/*
 * Defence against cross-site request forgery, without server-side sessions (the route is stateless
 * and may run on several instances), in three layers, every one of which must pass:
 *
 * 1. Actions are POST only; a GET never changes anything.
 * 2. The request's origin (the Origin header, or the Referer's origin when a browser sent no
 *    Origin) must be the page's own host or an allowed origin. A request carrying neither is
 *    refused: browsers send Origin on every cross-origin POST and Referer on same-origin ones
 *    (the page asks for `Referrer-Policy: same-origin`).
 * 3. A signed double-submit token (OWASP's "signed double-submit cookie"): the page gives each
 *    browser a random cookie (HttpOnly, SameSite=Strict, Path = the page) and puts
 *    HMAC-SHA256(secret, cookie) in a hidden field of every form. A post must carry both, and the
 *    field must be the MAC of the cookie. Another site can neither read the field nor, lacking the
 *    secret, forge a field that matches a cookie it planted (say from a sibling subdomain).
 */
final class Csrf {

  static final String COOKIE = "headroom_csrf";
  static final String FIELD = "csrf";

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final int COOKIE_BYTES = 32;

  private final SecretKeySpec key;
  private final Set<String> allowedOrigins;

  Csrf(Optional<String> secret, Set<String> allowedOrigins) {
    byte[] keyBytes;
    if (secret.isPresent()) {
      keyBytes = secret.get().getBytes(StandardCharsets.UTF_8);
    } else {
      keyBytes = new byte[32];
      RANDOM.nextBytes(keyBytes);
    }
    this.key = new SecretKeySpec(keyBytes, "HmacSHA256");
    this.allowedOrigins = allowedOrigins;
  }

  /** The browser's cookie value if it has a well-formed one. */
  static Optional<String> cookie(RouteRequest request) {
    return request.cookie(COOKIE).filter(Csrf::wellFormed);
  }

  /** A fresh cookie value. */
  static String newCookie() {
    byte[] bytes = new byte[COOKIE_BYTES];
    RANDOM.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  /** The Set-Cookie header value for {@code value}. */
  static String setCookie(String value, RouteRequest request) {
    String path = request.contextPath().isEmpty() ? "/" : request.contextPath();
    return COOKIE
        + "="
        + value
        + "; Path="
        + path
        + "; HttpOnly; SameSite=Strict"
        + (request.secure() ? "; Secure" : "");
  }

  /** The form token for cookie {@code value}. */
  String token(String cookie) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(key);
      return Base64.getUrlEncoder()
          .withoutPadding()
          .encodeToString(mac.doFinal(cookie.getBytes(StandardCharsets.US_ASCII)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is unavailable", e);
    }
  }

  /** Why {@code request} is refused as a possible forgery, or empty if it passes. */
  Optional<String> refusal(RouteRequest request) {
    if (!sameOrigin(request)) {
      return Optional.of("cross-origin request refused");
    }
    Optional<String> cookie = cookie(request);
    Optional<String> field = request.formParam(FIELD);
    if (cookie.isEmpty() || field.isEmpty()) {
      return Optional.of("missing anti-forgery token");
    }
    byte[] expected = token(cookie.get()).getBytes(StandardCharsets.US_ASCII);
    byte[] given = field.get().getBytes(StandardCharsets.UTF_8);
    if (!MessageDigest.isEqual(expected, given)) {
      return Optional.of("invalid anti-forgery token");
    }
    return Optional.empty();
  }

  private boolean sameOrigin(RouteRequest request) {
    Optional<String> origin = request.header("Origin").filter(o -> !o.equals("null"));
    Optional<String> source =
        origin.isPresent() ? origin : request.header("Referer").flatMap(Csrf::originOf);
    if (source.isEmpty()) {
      return false;
    }
    String from = source.get().toLowerCase(Locale.ROOT);
    if (allowedOrigins.contains(from)) {
      return true;
    }
    Optional<String> host = request.header("Host").map(h -> h.toLowerCase(Locale.ROOT));
    return host.isPresent()
        && originOf(from).map(o -> authority(o).equals(host.get())).orElse(false);
  }

  private static Optional<String> originOf(String url) {
    try {
      URI uri = new URI(url);
      if (uri.getScheme() == null || uri.getRawAuthority() == null) {
        return Optional.empty();
      }
      return Optional.of(uri.getScheme() + "://" + uri.getRawAuthority());
    } catch (URISyntaxException e) {
      return Optional.empty();
    }
  }

  private static String authority(String origin) {
    return origin.substring(origin.indexOf("://") + 3);
  }

  private static boolean wellFormed(String value) {
    return value.length() == 43 && value.chars().allMatch(Csrf::base64Url);
  }

  private static boolean base64Url(int c) {
    return (c >= 'a' && c <= 'z')
        || (c >= 'A' && c <= 'Z')
        || (c >= '0' && c <= '9')
        || c == '-'
        || c == '_';
  }
}
