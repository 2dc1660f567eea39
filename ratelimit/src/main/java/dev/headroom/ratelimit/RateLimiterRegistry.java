package dev.headroom.ratelimit;

import dev.headroom.core.health.Health;
import dev.headroom.core.health.HealthCheck;
import dev.headroom.core.health.HealthStatus;
import dev.headroom.core.redis.RedisConnector;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Named rate limiters, one per policy, created once when the registry is built: a service defines
 * its policies in one place and looks limiters up by name ({@code registry.get("login")}).
 * Starts from {@link RateLimitPolicy#defaults()} ({@code api}, {@code strict}, {@code login},
 * {@code ai}, {@code payment}); a policy added with the same name overrides a default.
 *
 * <pre>{@code
 * RateLimiterRegistry limits = RateLimiterRegistry.builder(policy -> RateLimiters.redis(connector, policy))
 *     .policy(RateLimitPolicy.of("search", 50, Duration.ofSeconds(1)))
 *     .build();
 * Decision d = limits.get("login").tryAcquire(clientIp);
 * }</pre>
 *
 * Its health is the worst of its limiters'. Immutable and thread-safe.
 */
public final class RateLimiterRegistry implements HealthCheck {

  private final Map<String, RateLimiter> limiters;

  private RateLimiterRegistry(Map<String, RateLimiter> limiters) {
    this.limiters = Collections.unmodifiableMap(limiters);
  }

  /** The default policies, in memory. */
  public static RateLimiterRegistry inMemory() {
    return builder(RateLimiters::inMemory).build();
  }

  /** The default policies on Redis, with default options. */
  public static RateLimiterRegistry redis(RedisConnector connector) {
    Objects.requireNonNull(connector, "connector");
    return builder(policy -> RateLimiters.redis(connector, policy)).build();
  }

  /** The default policies, each limiter made by {@code factory} (such as {@code p -> RateLimiters.inMemory(p, options)}). */
  public static RateLimiterRegistry of(Function<RateLimitPolicy, RateLimiter> factory) {
    return builder(factory).build();
  }

  /** A builder whose limiters {@code factory} makes. */
  public static Builder builder(Function<RateLimitPolicy, RateLimiter> factory) {
    return new Builder(factory);
  }

  /**
   * The limiter of the named policy.
   *
   * @throws IllegalArgumentException if there is no such policy; the message lists the known ones
   */
  public RateLimiter get(String name) {
    RateLimiter l = limiters.get(Objects.requireNonNull(name, "name"));
    if (l == null) {
      throw new IllegalArgumentException("no rate-limit policy named '" + name + "'; known: " + limiters.keySet());
    }
    return l;
  }

  /** The limiter of the named policy, if there is one. */
  public Optional<RateLimiter> find(String name) {
    return Optional.ofNullable(limiters.get(name));
  }

  /** The policy names, in the order they were defined. */
  public Set<String> names() {
    return limiters.keySet();
  }

  /** The policies, in the order they were defined. */
  public List<RateLimitPolicy> policies() {
    List<RateLimitPolicy> out = new ArrayList<>();
    limiters.values().forEach(l -> out.add(l.policy()));
    return List.copyOf(out);
  }

  @Override
  public String name() {
    return "ratelimit";
  }

  /** The worst status of the limiters, with each DEGRADED or DOWN limiter's health in the details. */
  @Override
  public Health health() {
    HealthStatus status = HealthStatus.UP;
    Map<String, Object> details = new LinkedHashMap<>();
    for (RateLimiter l : limiters.values()) {
      Health h = l.health();
      status = status.worst(h.status());
      if (h.status() != HealthStatus.UP) {
        details.put(l.policy().name(), h.details());
      }
    }
    return Health.of(status, details);
  }

  @Override
  public String toString() {
    return "RateLimiterRegistry" + limiters.keySet();
  }

  /** Builds a {@link RateLimiterRegistry}. */
  public static final class Builder {
    private final Function<RateLimitPolicy, RateLimiter> factory;
    private final Map<String, RateLimitPolicy> policies = new LinkedHashMap<>();

    private Builder(Function<RateLimitPolicy, RateLimiter> factory) {
      this.factory = Objects.requireNonNull(factory, "factory");
      RateLimitPolicy.defaults().forEach(p -> policies.put(p.name(), p));
    }

    /** Adds a policy, replacing a default or earlier one of the same name. */
    public Builder policy(RateLimitPolicy policy) {
      Objects.requireNonNull(policy, "policy");
      policies.put(policy.name(), policy);
      return this;
    }

    /** Drops the default policies (policies added so far under other names stay). */
    public Builder withoutDefaults() {
      RateLimitPolicy.defaults().forEach(d -> policies.remove(d.name(), d));
      return this;
    }

    /**
     * Creates a limiter for each policy.
     *
     * @throws IllegalStateException if the factory returns null or a limiter for another policy
     */
    public RateLimiterRegistry build() {
      Map<String, RateLimiter> out = new LinkedHashMap<>();
      for (RateLimitPolicy p : policies.values()) {
        RateLimiter l = factory.apply(p);
        if (l == null || !l.policy().equals(p)) {
          throw new IllegalStateException("the limiter factory must return a limiter for policy '" + p.name()
              + "', returned " + l);
        }
        out.put(p.name(), l);
      }
      return new RateLimiterRegistry(out);
    }
  }
}
