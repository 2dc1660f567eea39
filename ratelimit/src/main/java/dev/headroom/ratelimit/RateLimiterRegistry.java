package dev.headroom.ratelimit;

import dev.headroom.core.config.Require;
import dev.headroom.core.health.Health;
import dev.headroom.core.health.HealthCheck;
import dev.headroom.core.health.HealthStatus;
import dev.headroom.core.redis.RedisConnector;
import dev.headroom.core.registry.Registry;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Named rate limiters on one backend (Redis when a connector is given, memory otherwise) with one
 * default configuration: a service defines its limiters in one place and looks them up by name
 * ({@code registry.get("login")}). It starts empty: {@link RateLimitPolicy#presets()} are added
 * only when asked, with {@link #withPolicies(Map)}.
 *
 * <pre>{@code
 * RateLimiterRegistry limiters = RateLimiterRegistry.create(RedisConnector.fromEnvironment(), config)
 *     .withPolicies(RateLimitPolicy.presets());
 * Decision d = limiters.get("login").tryAcquire(clientIp);
 * }</pre>
 *
 * Listeners, {@code remove} and {@code close()} (which closes every limiter, not the connector)
 * come from {@link Registry}. Its health is the worst of its limiters'. Thread-safe.
 */
public final class RateLimiterRegistry extends Registry<RateLimiter> implements HealthCheck {

  private final @Nullable RedisConnector redis;
  private final RateLimiterConfig defaults;

  private RateLimiterRegistry(@Nullable RedisConnector redis, RateLimiterConfig defaults) {
    super("rate limiter");
    this.redis = redis;
    this.defaults = Require.nonNull("defaults", defaults);
  }

  /**
   * An empty registry whose limiters are on Redis when {@code redis} holds a connector, else in
   * memory, each made from {@code defaults} unless given its own configuration.
   */
  public static RateLimiterRegistry create(
      Optional<RedisConnector> redis, RateLimiterConfig defaults) {
    return new RateLimiterRegistry(Require.nonNull("redis", redis).orElse(null), defaults);
  }

  /** An empty registry of in-memory limiters. */
  public static RateLimiterRegistry inMemory(RateLimiterConfig defaults) {
    return new RateLimiterRegistry(null, defaults);
  }

  /** An empty registry of limiters on {@code connector} (shared, not owned). */
  public static RateLimiterRegistry redis(RedisConnector connector, RateLimiterConfig defaults) {
    return new RateLimiterRegistry(Require.nonNull("connector", connector), defaults);
  }

  /** The configuration of limiters created without their own. */
  public RateLimiterConfig defaults() {
    return defaults;
  }

  /** The limiter named {@code name}, created with {@link #defaults()} if there is none yet. */
  public RateLimiter getOrCreate(String name) {
    return getOrCreate(name, defaults);
  }

  /**
   * The limiter named {@code name}, created with {@code config} if there is none yet (an existing
   * one keeps its own).
   */
  public RateLimiter getOrCreate(String name, RateLimiterConfig config) {
    Require.nonNull("config", config);
    return getOrCreate(
        name,
        n ->
            redis != null
                ? RateLimiters.redis(redis, n, config)
                : RateLimiters.inMemory(n, config));
  }

  /**
   * The limiter named {@code name}, created with {@link #defaults()} counting {@code policy} if
   * there is none yet (an existing one keeps its own).
   */
  public RateLimiter getOrCreate(String name, RateLimitPolicy policy) {
    return getOrCreate(
        name, defaults.toBuilder().policy(Require.nonNull("policy", policy)).build());
  }

  /**
   * Creates a limiter for each named policy, as {@link #getOrCreate(String, RateLimitPolicy)} does
   * (a name already held keeps its limiter), and answers this registry. Pass {@link
   * RateLimitPolicy#presets()} for the five common ones.
   */
  public RateLimiterRegistry withPolicies(Map<String, RateLimitPolicy> policies) {
    Require.nonNull("policies", policies).forEach(this::getOrCreate);
    return this;
  }

  @Override
  public String name() {
    return "ratelimit";
  }

  /**
   * The worst status of the limiters, with each DEGRADED or DOWN limiter's health details under its
   * name.
   */
  @Override
  public Health health() {
    HealthStatus status = HealthStatus.UP;
    Map<String, Object> details = new LinkedHashMap<>();
    for (RateLimiter l : all()) {
      Health h = l.health();
      status = status.worst(h.status());
      if (h.status() != HealthStatus.UP) {
        details.put(l.name(), h.details());
      }
    }
    return Health.of(status, details);
  }
}
