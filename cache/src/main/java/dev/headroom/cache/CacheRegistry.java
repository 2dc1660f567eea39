package dev.headroom.cache;

import dev.headroom.core.config.Require;
import dev.headroom.core.health.Health;
import dev.headroom.core.health.HealthCheck;
import dev.headroom.core.health.HealthStatus;
import dev.headroom.core.redis.RedisConnector;
import dev.headroom.core.registry.Registry;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The named caches of one service, on one optional Redis connector: {@link #getOrCreate} makes a
 * cache the first time its name is asked for (two-level when the registry has a connector, L1 only
 * otherwise) and answers the same cache afterwards. Listing, listeners, {@link #add} of a cache
 * made elsewhere, {@link #remove} and {@link #close()} come from core's {@link Registry}.
 *
 * <pre>{@code
 * CacheRegistry caches = CacheRegistry.create(redis);          // Optional<RedisConnector>
 * Cache<User> users = caches.getOrCreate("users", CacheConfig.ofDefaults(User.class));
 * Cache<?> same = caches.get("users");
 * }</pre>
 *
 * Its health is the worst of its caches'; closing it closes them (the connector stays open).
 * Thread-safe.
 */
public final class CacheRegistry extends Registry<Cache<?>> implements HealthCheck {

  private final @Nullable RedisConnector connector;
  private volatile List<Cache<?>> closedCaches = List.of();

  private CacheRegistry(@Nullable RedisConnector connector) {
    super("cache");
    this.connector = connector;
  }

  /** A registry whose caches are L1 only. */
  public static CacheRegistry inMemory() {
    return new CacheRegistry(null);
  }

  /**
   * A registry whose caches use the connector for L2 when there is one, and are L1 only otherwise.
   */
  public static CacheRegistry create(Optional<RedisConnector> redis) {
    return new CacheRegistry(Require.nonNull("redis", redis).orElse(null));
  }

  /**
   * The cache named {@code name}, made with {@code config} if there is none yet ({@link
   * Caches#create}). A cache already registered under that name is answered as it is: its
   * configuration is not compared with {@code config}, so use one value type per name.
   *
   * @throws IllegalArgumentException if the name is not a valid cache name or the config is refused
   * @throws IllegalStateException if the registry is closed
   */
  @SuppressWarnings("unchecked")
  public <V> Cache<V> getOrCreate(String name, CacheConfig<V> config) {
    Require.nonNull("config", config);
    return (Cache<V>)
        getOrCreate(name, n -> Caches.create(Optional.ofNullable(connector), n, config));
  }

  /**
   * Adds a cache made elsewhere under its own name.
   *
   * @throws IllegalArgumentException if a cache of that name is registered, or {@code name} is not
   *     the cache's name
   */
  @Override
  public Cache<?> add(String name, Cache<?> cache) {
    Require.nonNull("cache", cache);
    Require.that(
        cache.name().equals(name), "name", name, "be the cache's name '" + cache.name() + "'");
    return super.add(name, cache);
  }

  /** Whether the caches made here have a Redis L2. */
  public boolean isTwoLevel() {
    return connector != null;
  }

  @Override
  public String name() {
    return "cache";
  }

  /**
   * The worst status of the caches, with each cache that is not UP in the details; DOWN once
   * closed.
   */
  @Override
  public Health health() {
    List<Cache<?>> caches = all();
    if (caches.isEmpty()) {
      caches = closedCaches;
    }
    HealthStatus status = HealthStatus.UP;
    Map<String, Object> details = new LinkedHashMap<>();
    for (Cache<?> c : caches) {
      Health h = c.health();
      status = status.worst(h.status());
      if (h.status() != HealthStatus.UP) {
        details.put(c.name(), h.details());
      }
    }
    details.put("caches", caches.size());
    return Health.of(status, details);
  }

  /** Closes every cache (flushing write-behind queues), newest first; the connector stays open. */
  @Override
  public void close() {
    List<Cache<?>> caches = all();
    if (!caches.isEmpty()) {
      closedCaches = caches;
    }
    super.close();
  }
}
