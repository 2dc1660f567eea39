package dev.headroom.ratelimit;

/**
 * What a Redis-backed limiter decides when Redis is unreachable or slower than the configured
 * {@linkplain RateLimiterConfig#redisTimeout() timeout}. Every such decision is counted ({@code
 * headroom.ratelimit.fallbacks}) and marks the limiter's health DEGRADED until Redis answers again.
 */
public enum FailureMode {
  /** Admit every request: availability over protection. */
  FAIL_OPEN,
  /** Deny every request: protection over availability. */
  FAIL_CLOSED,
  /**
   * Decide with an in-memory limiter on this node whose limits are the configured ones scaled by
   * {@linkplain RateLimiterConfig#fallbackShare() the fallback share} (for N nodes, a share of 1/N
   * keeps the total near the limit).
   */
  LOCAL_FALLBACK
}
