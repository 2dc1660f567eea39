package dev.headroom.spring.boot;

import dev.headroom.ratelimit.Decision;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.List;
import org.springframework.core.Ordered;
import org.springframework.http.server.PathContainer;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Applies the rules of {@code headroom.ratelimit.rules} to every request: each matching rule (by
 * path pattern and method) counts one permit of its policy under the request's key; the first
 * denial answers 429. {@link HeadroomRateLimitWebFilter} does the same for WebFlux.
 */
public final class HeadroomRateLimitFilter extends OncePerRequestFilter implements Ordered {

  private final HeadroomRateLimits limits;
  private final RateLimitRules rules;
  private final int order;

  /**
   * A filter applying {@code rules}, at {@code order} among the servlet filters.
   *
   * @throws InvalidHeadroomPropertyException if a rule names an unknown policy, a bad path pattern,
   *     or {@code key=header} without a header
   */
  public HeadroomRateLimitFilter(
      HeadroomRateLimits limits, List<HeadroomRateLimitProperties.Rule> rules, int order) {
    this.limits = limits;
    this.order = order;
    this.rules = RateLimitRules.compile(limits, rules);
  }

  @Override
  public int getOrder() {
    return order;
  }

  @Override
  protected boolean shouldNotFilter(HttpServletRequest request) {
    return rules.isEmpty();
  }

  @Override
  protected void doFilterInternal(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    String path = request.getRequestURI().substring(request.getContextPath().length());
    PathContainer container = PathContainer.parsePath(path.isEmpty() ? "/" : path);
    for (RateLimitRules.Rule rule : rules.matching(container, request.getMethod())) {
      String key = ServletRateLimiting.key(limits, request, rule.key(), rule.header());
      Decision decision = limits.limiter(rule.policy()).tryAcquire(key);
      if (!ServletRateLimiting.apply(limits, rule.policy(), decision, request, response)) {
        return;
      }
    }
    chain.doFilter(request, response);
  }
}
