package dev.headroom.cache;

import dev.headroom.core.health.Health;
import dev.headroom.core.health.HealthCheck;
import dev.headroom.core.health.HealthStatus;
import dev.headroom.core.redis.RedisConnector;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * Named caches of one service, with shared defaults: a Redis connector and a meter registry that
 * every cache built through {@link #create(CacheBuilder)} gets unless its builder set its own.
 *
 * <pre>{@code
 * CacheRegistry caches = CacheRegistry.create(connector, meterRegistry);   // or CacheRegistry.inMemory()
 * Cache<User> users = caches.create(Cache.builder("users", User.class).ttl(TtlTier.LONG));
 * Cache<?> same = caches.get("users");
 * }</pre>
 *
 * Its health is the worst of its caches'; closing it closes them. Thread-safe.
 */
public final class CacheRegistry implements HealthCheck, AutoCloseable {

  private final @Nullable RedisConnector connector;
  private final @Nullable MeterRegistry meterRegistry;
  private final Map<String, Cache<?>> caches = Collections.synchronizedMap(new LinkedHashMap<>());
  private final Set<String> names = ConcurrentHashMap.newKeySet();

  private CacheRegistry(@Nullable RedisConnector connector, @Nullable MeterRegistry meterRegistry) {
    this.connector = connector;
    this.meterRegistry = meterRegistry;
  }

  /** A registry whose caches are L1 only unless their builders set a connector. */
  public static CacheRegistry inMemory() {
    return new CacheRegistry(null, null);
  }

  /** A registry whose caches use {@code connector} for L2 and publish meters to {@code meterRegistry} (either may be null). */
  public static CacheRegistry create(@Nullable RedisConnector connector, @Nullable MeterRegistry meterRegistry) {
    return new CacheRegistry(connector, meterRegistry);
  }

  /**
   * Builds a cache with the registry's defaults and registers it.
   *
   * @throws IllegalArgumentException if a cache of that name is already registered
   */
  public <V> Cache<V> create(CacheBuilder<V> builder) {
    Objects.requireNonNull(builder, "builder");
    claim(builder.name());
    try {
      if (!builder.hasRedis() && connector != null) {
        builder.redis(connector);
      }
      if (!builder.hasMeterRegistry() && meterRegistry != null) {
        builder.meterRegistry(meterRegistry);
      }
      Cache<V> cache = builder.build();
      caches.put(cache.cacheName(), cache);
      return cache;
    } catch (RuntimeException e) {
      names.remove(builder.name());
      throw e;
    }
  }

  /**
   * Registers a cache built elsewhere.
   *
   * @throws IllegalArgumentException if a cache of that name is already registered
   */
  public <V> Cache<V> register(Cache<V> cache) {
    Objects.requireNonNull(cache, "cache");
    claim(cache.cacheName());
    caches.put(cache.cacheName(), cache);
    return cache;
  }

  private void claim(String name) {
    if (!names.add(name)) {
      throw new IllegalArgumentException("a cache named '" + name + "' is already registered");
    }
  }

  /**
   * The cache of that name.
   *
   * @throws IllegalArgumentException if there is none; the message lists the known names
   */
  public Cache<?> get(String name) {
    Cache<?> c = caches.get(Objects.requireNonNull(name, "name"));
    if (c == null) {
      throw new IllegalArgumentException("no cache named '" + name + "'; known: " + names());
    }
    return c;
  }

  /** The cache of that name, if registered. */
  public Optional<Cache<?>> find(String name) {
    return Optional.ofNullable(caches.get(Objects.requireNonNull(name, "name")));
  }

  /** The names, in registration order. */
  public List<String> names() {
    synchronized (caches) {
      return List.copyOf(caches.keySet());
    }
  }

  @Override
  public String name() {
    return "cache";
  }

  /** The worst status of the caches, with each cache that is not UP in the details. */
  @Override
  public Health health() {
    List<Cache<?>> all;
    synchronized (caches) {
      all = new ArrayList<>(caches.values());
    }
    HealthStatus status = HealthStatus.UP;
    Map<String, Object> details = new LinkedHashMap<>();
    for (Cache<?> c : all) {
      Health h = c.health();
      status = status.worst(h.status());
      if (h.status() != HealthStatus.UP) {
        details.put(c.cacheName(), h.details());
      }
    }
    details.put("caches", all.size());
    return Health.of(status, details);
  }

  /** Closes every cache (flushing write-behind queues); the connector stays open. */
  @Override
  public void close() {
    List<Cache<?>> all;
    synchronized (caches) {
      all = new ArrayList<>(caches.values());
    }
    all.forEach(Cache::close);
  }

  @Override
  public String toString() {
    return "CacheRegistry" + names();
  }
}
