package dev.headroom.spring.boot;

import dev.headroom.monitoring.RequestMetrics;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.core.Ordered;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Records every request in {@link RequestMetrics} under its route template ({@code /users/{id}}, as
 * Spring MVC matched it), never the raw path, so the number of series stays bounded; a request no
 * handler matched is recorded as {@code UNMATCHED}.
 */
public final class RequestMetricsFilter extends OncePerRequestFilter implements Ordered {

  /** The endpoint of requests no handler matched. */
  public static final String UNMATCHED = "UNMATCHED";

  private static final String BEST_MATCHING_PATTERN =
      "org.springframework.web.servlet.HandlerMapping.bestMatchingPattern";

  private final RequestMetrics metrics;

  /** Records into {@code metrics}. */
  public RequestMetricsFilter(RequestMetrics metrics) {
    this.metrics = metrics;
  }

  @Override
  public int getOrder() {
    return Ordered.HIGHEST_PRECEDENCE + 20;
  }

  @Override
  protected void doFilterInternal(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    RequestMetrics.Sample sample = metrics.start();
    int status = 500;
    try {
      chain.doFilter(request, response);
      status = response.getStatus();
    } finally {
      Object pattern = request.getAttribute(BEST_MATCHING_PATTERN);
      String route = pattern instanceof String s && !s.isEmpty() ? s : UNMATCHED;
      sample.stop(route, request.getMethod(), status);
    }
  }
}
