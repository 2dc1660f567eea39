package dev.headroom.ratelimit;

import dev.headroom.core.config.Require;
import dev.headroom.core.redis.RedisConnector;
import dev.headroom.ratelimit.memory.InMemoryRateLimiter;
import dev.headroom.ratelimit.redis.RedisRateLimiter;
import java.util.Optional;

/**
 * Makes rate limiters: {@link #inMemory} for one process, {@link #redis} for a limit shared by
 * every process on one Redis (standalone, Sentinel or Cluster), and {@link #create} for Redis when
 * a connector is given and memory otherwise. Every limiter honours the same {@link RateLimiter}
 * contract; argument checks, shadow mode, decision meters and waiting are applied here, the same
 * way for every backend. The in-memory path needs no Redis client on the class path.
 *
 * <p>A name is 1 to 64 letters, digits, {@code . _ -}, starting with a letter or digit: it tags the
 * limiter's meters and is part of its Redis keys. Two live limiters with one name cannot share a
 * meter registry (the second is refused); limiters on one Redis with the same name and key space
 * share their budgets, by design.
 */
public final class RateLimiters {

  private RateLimiters() {}

  /**
   * An in-memory limiter: lock-free or per-key locked state in a bounded map that forgets keys idle
   * for longer than their window, so any number of distinct keys costs bounded memory.
   *
   * @throws IllegalArgumentException if the name breaks its rule or is taken in the meter registry
   */
  public static RateLimiter inMemory(String name, RateLimiterConfig config) {
    return MeteredRateLimiter.create(
        name, config, meters -> InMemoryRateLimiter.create(name, config));
  }

  /**
   * A Redis-backed limiter: one Lua script round trip per decision (several limits included), with
   * time read from the Redis server. When Redis fails or is slower than the configured timeout, the
   * configured {@link FailureMode} decides. The connector is shared, not owned: closing the limiter
   * leaves it open.
   *
   * @throws IllegalArgumentException if the name breaks its rule or is taken in the meter registry
   */
  public static RateLimiter redis(RedisConnector connector, String name, RateLimiterConfig config) {
    Require.nonNull("connector", connector);
    return MeteredRateLimiter.create(
        name, config, meters -> RedisRateLimiter.create(connector, name, config, meters));
  }

  /**
   * {@link #redis} on the connector when {@code redis} holds one, else {@link #inMemory}: pass
   * {@code RedisConnector.fromEnvironment()} to follow {@code REDIS_URL}.
   */
  public static RateLimiter create(
      Optional<RedisConnector> redis, String name, RateLimiterConfig config) {
    Require.nonNull("redis", redis);
    return redis.isPresent() ? redis(redis.get(), name, config) : inMemory(name, config);
  }
}
