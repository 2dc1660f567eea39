package dev.headroom.spring.boot;

import dev.headroom.ratelimit.Decision;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.springframework.core.Ordered;
import org.springframework.http.server.PathContainer;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;

/**
 * Applies the rules of {@code headroom.ratelimit.rules} to every request: each matching rule (by
 * path pattern and method) counts one permit of its policy under the request's key; the first
 * denial answers 429.
 */
public final class HeadroomRateLimitFilter extends OncePerRequestFilter implements Ordered {

  private final HeadroomRateLimits limits;
  private final List<CompiledRule> rules;
  private final int order;

  /** A filter applying {@code rules}, at {@code order} among the servlet filters. */
  public HeadroomRateLimitFilter(
      HeadroomRateLimits limits, List<HeadroomRateLimitProperties.Rule> rules, int order) {
    this.limits = limits;
    this.order = order;
    List<CompiledRule> compiled = new ArrayList<>();
    for (int i = 0; i < rules.size(); i++) {
      compiled.add(CompiledRule.of(i, rules.get(i), limits));
    }
    this.rules = List.copyOf(compiled);
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
    String method = request.getMethod().toUpperCase(Locale.ROOT);
    for (CompiledRule rule : rules) {
      if (rule.matches(container, method)) {
        String key = ServletRateLimiting.key(limits, request, rule.key, rule.header);
        Decision decision = limits.limiter(rule.policy).tryAcquire(key);
        if (!ServletRateLimiting.apply(limits, rule.policy, decision, request, response)) {
          return;
        }
      }
    }
    chain.doFilter(request, response);
  }

  private record CompiledRule(
      String policy,
      List<PathPattern> paths,
      Set<String> methods,
      RateLimitKey key,
      @Nullable String header) {

    static CompiledRule of(
        int index, HeadroomRateLimitProperties.Rule rule, HeadroomRateLimits limits) {
      String p = "headroom.ratelimit.rules[" + index + "].";
      try {
        limits.limiter(rule.getPolicy());
      } catch (IllegalArgumentException e) {
        throw Props.invalid(p + "policy", rule.getPolicy(), e.getMessage());
      }
      if (rule.getKey() == RateLimitKey.HEADER
          && (rule.getHeader() == null || rule.getHeader().isBlank())) {
        throw Props.invalid(p + "header", rule.getHeader(), "must name a header when key=header");
      }
      List<PathPattern> patterns = new ArrayList<>();
      for (String path : rule.getPaths()) {
        try {
          patterns.add(PathPatternParser.defaultInstance.parse(path));
        } catch (RuntimeException e) {
          throw Props.invalid(p + "paths", path, e.getMessage());
        }
      }
      Set<String> methods =
          rule.getMethods().stream()
              .map(m -> m.trim().toUpperCase(Locale.ROOT))
              .collect(Collectors.toUnmodifiableSet());
      return new CompiledRule(
          rule.getPolicy(), List.copyOf(patterns), methods, rule.getKey(), rule.getHeader());
    }

    boolean matches(PathContainer path, String method) {
      if (!methods.isEmpty() && !methods.contains(method)) {
        return false;
      }
      if (paths.isEmpty()) {
        return true;
      }
      for (PathPattern pattern : paths) {
        if (pattern.matches(path)) {
          return true;
        }
      }
      return false;
    }
  }
}
