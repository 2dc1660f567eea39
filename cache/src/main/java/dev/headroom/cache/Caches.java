package dev.headroom.cache;

import dev.headroom.core.config.Require;
import dev.headroom.core.key.InvalidKeyException;
import dev.headroom.core.key.KeySpace;
import dev.headroom.core.redis.RedisConnector;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Makes {@link Cache}s: {@link #inMemory} (L1 only, the embedded default), {@link #redis} (L1 plus
 * a Redis L2 shared by every process on that Redis) and {@link #create} (Redis when a connector is
 * present, memory otherwise).
 *
 * <pre>{@code
 * Cache<User> users = Caches.create(redis, "users", CacheConfig.ofDefaults(User.class));
 * }</pre>
 *
 * The name is a key-space segment ({@code "users"}, no {@code ':'}), unique per key space: it names
 * the cache's Redis keys, its meters ({@code cache=<name>}) and its health. An in-memory cache
 * never loads a Lettuce class, so it runs without Lettuce on the class path.
 */
public final class Caches {

  private Caches() {}

  /**
   * An L1-only cache.
   *
   * @throws IllegalArgumentException if the name is not a valid key-space segment, or the
   *     configuration disables L1 ({@code maximumSize(0)}), which would leave nothing
   */
  public static <V> Cache<V> inMemory(String name, CacheConfig<V> config) {
    return build(name, config, null);
  }

  /**
   * A two-level cache on {@code connector} (shared, not owned: closing the cache leaves it open).
   * It subscribes to invalidations in the background, retrying while Redis is down: building never
   * fails because of Redis.
   *
   * @throws IllegalArgumentException if the name is not a valid key-space segment
   */
  public static <V> Cache<V> redis(RedisConnector connector, String name, CacheConfig<V> config) {
    return build(name, config, Require.nonNull("connector", connector));
  }

  /**
   * A two-level cache on the connector when there is one ({@link #redis}), else {@link #inMemory}.
   */
  public static <V> Cache<V> create(
      Optional<RedisConnector> redis, String name, CacheConfig<V> config) {
    Require.nonNull("redis", redis);
    return build(name, config, redis.orElse(null));
  }

  private static <V> Cache<V> build(
      String name, CacheConfig<V> config, @Nullable RedisConnector connector) {
    checkName(name);
    Require.nonNull("config", config);
    Require.that(
        config.maximumSize != 0 || config.weigher != null || connector != null,
        "maximumSize",
        0,
        "be at least 1 without Redis (0 disables L1, which leaves nothing)");
    return new TwoLevelCache<>(name, config, connector);
  }

  static void checkName(String name) {
    Require.nonNull("name", name);
    try {
      KeySpace.of(name);
    } catch (InvalidKeyException e) {
      throw new IllegalArgumentException(
          "name must be a valid key-space segment, was '" + name + "': " + e.getMessage(), e);
    }
  }
}
