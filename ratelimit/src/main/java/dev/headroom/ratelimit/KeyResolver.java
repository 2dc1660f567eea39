package dev.headroom.ratelimit;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Function;

/**
 * Turns a request into the key a limiter counts under: an IP, a user id, an endpoint, or a
 * composite of them. Keys are plain strings; the Redis backend puts them in its key space with glob
 * and hash-tag characters escaped, so any text is safe. Build one per limiter and reuse it.
 *
 * <pre>{@code
 * KeyResolver<HttpServletRequest> perUserAndEndpoint = KeyResolver.composite(
 *     KeyResolver.user(r -> r.getRemoteUser()),
 *     KeyResolver.endpoint(HttpServletRequest::getMethod, HttpServletRequest::getRequestURI));
 * limiter.tryAcquire(perUserAndEndpoint.resolve(request));
 * }</pre>
 *
 * @param <R> the request type
 */
@FunctionalInterface
public interface KeyResolver<R> {

  /**
   * The key for {@code request}; never null or empty.
   *
   * @throws IllegalArgumentException if the request lacks what the key is made of
   */
  String resolve(R request);

  /**
   * {@code ip:<address>}: the client address, trimmed and lower-cased, without IPv6 brackets or a
   * zone id, and with an IPv4-mapped IPv6 address reduced to IPv4, so one client has one key.
   */
  static <R> KeyResolver<R> ip(Function<? super R, ? extends String> remoteAddress) {
    Objects.requireNonNull(remoteAddress, "remoteAddress");
    return request -> "ip:" + normalizeIp(required("ip", remoteAddress.apply(request)));
  }

  /** {@code user:<id>}: the authenticated user's id, as given. */
  static <R> KeyResolver<R> user(Function<? super R, ? extends String> userId) {
    Objects.requireNonNull(userId, "userId");
    return request -> "user:" + required("user", userId.apply(request));
  }

  /**
   * {@code endpoint:<METHOD> <path>}: the method upper-cased, the path without its query string.
   */
  static <R> KeyResolver<R> endpoint(
      Function<? super R, ? extends String> method, Function<? super R, ? extends String> path) {
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(path, "path");
    return request -> {
      String p = required("endpoint", path.apply(request));
      int q = p.indexOf('?');
      return "endpoint:"
          + required("endpoint", method.apply(request)).toUpperCase(Locale.ROOT)
          + " "
          + (q >= 0 ? p.substring(0, q) : p);
    };
  }

  /**
   * All parts' keys joined by {@code '|'}, with {@code '|'} and {@code '\'} inside a part escaped,
   * so different part values can never produce the same key.
   *
   * @throws IllegalArgumentException if there are no parts
   */
  @SafeVarargs
  static <R> KeyResolver<R> composite(KeyResolver<? super R>... parts) {
    Objects.requireNonNull(parts, "parts");
    List<KeyResolver<? super R>> list = new ArrayList<>(parts.length);
    for (KeyResolver<? super R> part : parts) {
      list.add(Objects.requireNonNull(part, "composite key resolver part"));
    }
    return composite(list);
  }

  /** Like {@link #composite(KeyResolver[])}. */
  static <R> KeyResolver<R> composite(List<? extends KeyResolver<? super R>> parts) {
    List<? extends KeyResolver<? super R>> copy = List.copyOf(parts);
    if (copy.isEmpty()) {
      throw new IllegalArgumentException(
          "a composite key resolver needs at least one part, was empty");
    }
    return request -> {
      StringBuilder sb = new StringBuilder();
      for (KeyResolver<? super R> part : copy) {
        if (sb.length() > 0) {
          sb.append('|');
        }
        String k = required("composite", part.resolve(request));
        sb.append(k.replace("\\", "\\\\").replace("|", "\\|"));
      }
      return sb.toString();
    };
  }

  private static String required(String resolver, String value) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(
          "the "
              + resolver
              + " key resolver got "
              + (value == null ? "null" : "a blank value")
              + " from the request; a rate-limit key must not be empty");
    }
    return value;
  }

  private static String normalizeIp(String raw) {
    String s = raw.strip().toLowerCase(Locale.ROOT);
    if (s.startsWith("[")) {
      int end = s.indexOf(']');
      s = end > 0 ? s.substring(1, end) : s.substring(1);
    }
    int zone = s.indexOf('%');
    if (zone >= 0 && s.indexOf(':') >= 0) {
      s = s.substring(0, zone);
    }
    if (s.startsWith("::ffff:") && s.indexOf('.') > 0) {
      s = s.substring("::ffff:".length());
    }
    return s;
  }
}
