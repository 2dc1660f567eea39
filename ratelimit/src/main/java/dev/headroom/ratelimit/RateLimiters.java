package dev.headroom.ratelimit;

import dev.headroom.ratelimit.memory.InMemoryRateLimiter;
import java.util.Objects;

/**
 * Creates rate limiters: {@link #inMemory(RateLimitPolicy)} for one process,
 * {@link #redis(RedisConnector, RateLimitPolicy)} for a limit shared by every process on one Redis
 * (standalone, Sentinel or Cluster). Both honour the same {@link RateLimiter} contract; shadow
 * policies and decision meters are applied here, the same way for both.
 */
public final class RateLimiters {

  private RateLimiters() {}

  /** An in-memory limiter with default options. */
  public static RateLimiter inMemory(RateLimitPolicy policy) {
    return inMemory(policy, RateLimiterOptions.defaults());
  }

  /**
   * An in-memory limiter: lock-free or per-key locked state in a bounded map that forgets keys idle
   * for longer than their window, so any number of distinct keys costs bounded memory.
   */
  public static RateLimiter inMemory(RateLimitPolicy policy, RateLimiterOptions options) {
    Objects.requireNonNull(policy, "policy");
    Objects.requireNonNull(options, "options");
    return Governed.wrap(InMemoryRateLimiter.create(policy, options), options);
  }
}
