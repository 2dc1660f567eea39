package dev.headroom.spring.boot;

import dev.headroom.ratelimit.Decision;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.Principal;
import java.util.Collections;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** The servlet side of rate limiting: request keys, headers and the 429 answer. */
final class ServletRateLimiting {

  private ServletRateLimiting() {}

  static String key(
      HeadroomRateLimits limits,
      HttpServletRequest request,
      RateLimitKey kind,
      @Nullable String header) {
    Principal principal = kind == RateLimitKey.PRINCIPAL ? request.getUserPrincipal() : null;
    return RateLimitRules.key(
        kind,
        header,
        principal == null ? null : principal.getName(),
        request::getHeader,
        () -> clientIp(limits, request));
  }

  static String clientIp(HeadroomRateLimits limits, HttpServletRequest request) {
    return limits
        .clientAddress()
        .resolve(
            request.getRemoteAddr(),
            headers(request, "X-Forwarded-For"),
            headers(request, "Forwarded"));
  }

  private static List<String> headers(HttpServletRequest request, String name) {
    var values = request.getHeaders(name);
    return values == null ? List.of() : Collections.list(values);
  }

  /** Applies {@code decision}: its headers always; for a denial the 429 answer. */
  static boolean apply(
      HeadroomRateLimits limits,
      String policy,
      Decision decision,
      HttpServletRequest request,
      HttpServletResponse response)
      throws IOException {
    limits.headers(decision).forEach(response::setHeader);
    if (decision.allowed()) {
      return true;
    }
    response.setStatus(429);
    response.setContentType("application/problem+json");
    response.setCharacterEncoding(StandardCharsets.UTF_8.name());
    response
        .getWriter()
        .write(HeadroomRateLimits.problem(policy, decision, request.getRequestURI()));
    return false;
  }
}
