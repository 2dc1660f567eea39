package dev.headroom.spring.boot;

import dev.headroom.ratelimit.Decision;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.HandlerInterceptor;

/** Enforces {@link RateLimited} on Spring MVC handler methods. */
public final class RateLimitedInterceptor implements HandlerInterceptor {

  private final HeadroomRateLimits limits;

  /** Enforces with {@code limits}. */
  public RateLimitedInterceptor(HeadroomRateLimits limits) {
    this.limits = limits;
  }

  @Override
  public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler)
      throws Exception {
    if (!(handler instanceof HandlerMethod method)) {
      return true;
    }
    RateLimited annotation =
        AnnotatedElementUtils.findMergedAnnotation(method.getMethod(), RateLimited.class);
    if (annotation == null) {
      annotation =
          AnnotatedElementUtils.findMergedAnnotation(method.getBeanType(), RateLimited.class);
    }
    if (annotation == null) {
      return true;
    }
    String key = ServletRateLimiting.key(limits, request, annotation.key(), annotation.header());
    Decision decision = limits.limiter(annotation.value()).tryAcquire(key);
    return ServletRateLimiting.apply(limits, annotation.value(), decision, request, response);
  }
}
