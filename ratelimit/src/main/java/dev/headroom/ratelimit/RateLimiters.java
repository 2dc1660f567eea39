package dev.headroom.ratelimit;

import dev.headroom.core.redis.RedisConnector;
import dev.headroom.ratelimit.memory.InMemoryRateLimiter;
import dev.headroom.ratelimit.redis.RedisRateLimiter;
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

  /** A Redis-backed limiter with default options. */
  public static RateLimiter redis(RedisConnector connector, RateLimitPolicy policy) {
    return redis(connector, policy, RateLimiterOptions.defaults());
  }

  /**
   * A Redis-backed limiter: one Lua script round trip per decision (composite limits included),
   * with time read from the Redis server. When Redis fails or is slower than the policy's timeout,
   * the policy's {@link FailureMode} decides. The connector is shared, not owned.
   */
  public static RateLimiter redis(RedisConnector connector, RateLimitPolicy policy, RateLimiterOptions options) {
    Objects.requireNonNull(connector, "connector");
    Objects.requireNonNull(policy, "policy");
    Objects.requireNonNull(options, "options");
    return Governed.wrap(RedisRateLimiter.create(connector, policy, options), options);
  }
}
