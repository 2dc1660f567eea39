package dev.headroom.spring.boot;

import dev.headroom.ratelimit.Decision;
import dev.headroom.ratelimit.RateLimitHeaders;
import dev.headroom.ratelimit.RateLimitPolicy;
import dev.headroom.ratelimit.RateLimiter;
import dev.headroom.ratelimit.RateLimiterRegistry;
import java.util.Map;

/**
 * Finds the limiter of a policy name (declared under {@code headroom.ratelimit.policies}, else a
 * preset) and writes the 429 problem body. Shared by the servlet filter and {@link RateLimited}.
 */
public final class HeadroomRateLimits {

  private final RateLimiterRegistry registry;
  private final Map<String, RateLimitPolicy> policies;
  private final ClientAddress clientAddress;
  private final boolean legacyHeaders;

  HeadroomRateLimits(
      RateLimiterRegistry registry,
      Map<String, RateLimitPolicy> policies,
      ClientAddress clientAddress,
      boolean legacyHeaders) {
    this.registry = registry;
    this.policies = Map.copyOf(policies);
    this.clientAddress = clientAddress;
    this.legacyHeaders = legacyHeaders;
  }

  /** The limiter counting {@code policy}; unknown names are refused, naming the known ones. */
  public RateLimiter limiter(String policy) {
    return registry
        .find(policy)
        .orElseGet(
            () -> {
              RateLimitPolicy p = policies.get(policy);
              if (p == null) {
                p = RateLimitPolicy.presets().get(policy);
              }
              if (p == null) {
                throw new IllegalArgumentException(
                    "no rate-limit policy named '"
                        + policy
                        + "': declare headroom.ratelimit.policies."
                        + policy
                        + " or use a preset "
                        + RateLimitPolicy.presets().keySet());
              }
              return registry.getOrCreate(policy, p);
            });
  }

  /** Resolves client addresses behind the trusted proxies. */
  public ClientAddress clientAddress() {
    return clientAddress;
  }

  /** The headers to send with {@code decision}. */
  public Map<String, String> headers(Decision decision) {
    return legacyHeaders
        ? decision.headers(RateLimitHeaders.Style.RATELIMIT, RateLimitHeaders.Style.X_RATELIMIT)
        : decision.headers();
  }

  /** The RFC 9457 problem body of a denied request. */
  public static String problem(String policy, Decision decision, String instance) {
    long retry = Math.max(1, (decision.retryAfter().toMillis() + 999) / 1000);
    return "{\"type\":\"about:blank\",\"title\":\"Too Many Requests\",\"status\":429,"
        + "\"detail\":\"rate limit '"
        + json(policy)
        + "' exceeded; retry after "
        + retry
        + " s\",\"instance\":\""
        + json(instance)
        + "\",\"policy\":\""
        + json(policy)
        + "\",\"retryAfter\":"
        + retry
        + "}";
  }

  private static String json(String s) {
    StringBuilder sb = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        default -> {
          if (c < 0x20) {
            sb.append(String.format("\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    return sb.toString();
  }
}
