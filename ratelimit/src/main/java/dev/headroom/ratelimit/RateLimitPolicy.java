package dev.headroom.ratelimit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A named rate-limit policy: the algorithm, one or more {@link Limit limits} checked together (all
 * or nothing), shadow mode, and what a Redis-backed limiter does when Redis fails. Immutable and
 * validated when built: a bad value fails in {@link Builder#build()} (or the setter) with a message
 * that names the policy, the field, the value and the rule.
 *
 * <pre>{@code
 * RateLimitPolicy search = RateLimitPolicy.builder("search")
 *     .algorithm(Algorithm.SLIDING_COUNTER)
 *     .limit(10, Duration.ofSeconds(1))
 *     .limit(1000, Duration.ofHours(1))
 *     .failureMode(FailureMode.LOCAL_FALLBACK).fallbackShare(0.25)
 *     .build();
 * }</pre>
 */
public final class RateLimitPolicy {

  /** Default algorithm: the sliding counter (O(1) per key, close to exact). */
  public static final Algorithm DEFAULT_ALGORITHM = Algorithm.SLIDING_COUNTER;
  /** Default failure mode of Redis-backed limiters: keep limiting on each node. */
  public static final FailureMode DEFAULT_FAILURE_MODE = FailureMode.LOCAL_FALLBACK;
  /** Default share of each limit the node-local fallback limiter gets. */
  public static final double DEFAULT_FALLBACK_SHARE = 1.0;
  /** Default deadline of one Redis decision before the failure mode applies. */
  public static final Duration DEFAULT_REDIS_TIMEOUT = Duration.ofMillis(250);

  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

  private final String name;
  private final Algorithm algorithm;
  private final List<Limit> limits;
  private final boolean shadow;
  private final FailureMode failureMode;
  private final double fallbackShare;
  private final Duration redisTimeout;
  private final boolean localDenyCache;
  private final long smallestPermits;

  private RateLimitPolicy(Builder b) {
    this.name = b.name;
    this.algorithm = b.algorithm;
    this.limits = List.copyOf(b.limits);
    this.shadow = b.shadow;
    this.failureMode = b.failureMode;
    this.fallbackShare = b.fallbackShare;
    this.redisTimeout = b.redisTimeout;
    this.localDenyCache = b.localDenyCache;
    this.smallestPermits = limits.stream().mapToLong(Limit::permits).min().orElseThrow();
  }

  /**
   * A builder for a policy named {@code name}: 1 to 64 letters, digits, {@code . _ -}, starting
   * with a letter or digit (it appears in Redis keys and meter tags).
   *
   * @throws IllegalArgumentException if the name breaks that rule
   */
  public static Builder builder(String name) {
    return new Builder(name);
  }

  /** A policy with one limit and every other setting at its default. */
  public static RateLimitPolicy of(String name, long permits, Duration window) {
    return builder(name).limit(permits, window).build();
  }

  /** A builder starting from {@code prototype}'s settings, under a new name. */
  public static Builder from(RateLimitPolicy prototype, String name) {
    Builder b = builder(name).algorithm(prototype.algorithm).shadow(prototype.shadow)
        .failureMode(prototype.failureMode).fallbackShare(prototype.fallbackShare)
        .redisTimeout(prototype.redisTimeout).localDenyCache(prototype.localDenyCache);
    prototype.limits.forEach(b::limit);
    return b;
  }

  /** A builder starting from this policy's settings, same name. */
  public Builder toBuilder() {
    return from(this, name);
  }

  /**
   * The policies every registry starts with (users may override any of them):
   * {@code api} 100/min, {@code strict} 20/min, {@code login} 5 per 15 min, {@code ai} 30/min,
   * {@code payment} 10/min. {@code login}, {@code strict} and {@code payment} use the exact sliding
   * log; {@code api} and {@code ai} the sliding counter.
   */
  public static List<RateLimitPolicy> defaults() {
    return List.of(
        builder("api").limit(100, Duration.ofMinutes(1)).build(),
        builder("strict").algorithm(Algorithm.SLIDING_LOG).limit(20, Duration.ofMinutes(1)).build(),
        builder("login").algorithm(Algorithm.SLIDING_LOG).limit(5, Duration.ofMinutes(15)).build(),
        builder("ai").limit(30, Duration.ofMinutes(1)).build(),
        builder("payment").algorithm(Algorithm.SLIDING_LOG).limit(10, Duration.ofMinutes(1)).build());
  }

  /** The policy's name. */
  public String name() {
    return name;
  }

  /** The algorithm. */
  public Algorithm algorithm() {
    return algorithm;
  }

  /** The limits, in the order they were added; never empty. All must admit a request for it to pass. */
  public List<Limit> limits() {
    return limits;
  }

  /** The longest window among the limits. */
  public Duration longestWindow() {
    return limits.stream().map(Limit::window).max(Comparator.naturalOrder()).orElseThrow();
  }

  /** Whether this is a shadow policy: it decides and counts, but never denies. */
  public boolean shadow() {
    return shadow;
  }

  /** What a Redis-backed limiter does when Redis fails or is too slow. */
  public FailureMode failureMode() {
    return failureMode;
  }

  /** The share of each limit the node-local fallback limiter gets, in (0, 1]. */
  public double fallbackShare() {
    return fallbackShare;
  }

  /** How long a Redis-backed limiter waits for Redis before applying the failure mode. */
  public Duration redisTimeout() {
    return redisTimeout;
  }

  /** Whether a Redis-backed limiter remembers denials locally until they expire (default true). */
  public boolean localDenyCache() {
    return localDenyCache;
  }

  /**
   * Checks a call's arguments against this policy: {@code key} non-null and non-empty, {@code permits}
   * from 1 to the smallest limit (a request for more could never be granted).
   *
   * @throws NullPointerException if key is null
   * @throws IllegalArgumentException otherwise; the message names the policy and the value
   */
  public void checkRequest(String key, long permits) {
    if (key == null) {
      throw new NullPointerException("policy '" + name + "': key must not be null");
    }
    if (key.isEmpty()) {
      throw new IllegalArgumentException("policy '" + name + "': key must not be empty");
    }
    if (permits < 1) {
      throw new IllegalArgumentException("policy '" + name + "': permits must be at least 1, was " + permits);
    }
    if (permits > smallestPermits) {
      throw new IllegalArgumentException("policy '" + name + "': permits must not exceed the smallest limit ("
          + smallestPermits + "), was " + permits + "; such a request could never be granted");
    }
  }

  /**
   * This policy with every limit scaled by {@code share} (rounded down, at least 1 permit), as the
   * node-local fallback limiter uses it.
   */
  public RateLimitPolicy scaled(double share) {
    Builder b = toBuilder();
    b.limits.clear();
    for (Limit l : limits) {
      b.limit(Math.max(1, (long) Math.floor(l.permits() * share)), l.window());
    }
    return b.build();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RateLimitPolicy p && name.equals(p.name) && algorithm == p.algorithm
        && limits.equals(p.limits) && shadow == p.shadow && failureMode == p.failureMode
        && Double.compare(fallbackShare, p.fallbackShare) == 0 && redisTimeout.equals(p.redisTimeout)
        && localDenyCache == p.localDenyCache;
  }

  @Override
  public int hashCode() {
    return Objects.hash(name, algorithm, limits, shadow, failureMode, fallbackShare, redisTimeout, localDenyCache);
  }

  @Override
  public String toString() {
    return "RateLimitPolicy[" + name + ", " + algorithm + ", limits=" + limits + (shadow ? ", shadow" : "")
        + ", failureMode=" + failureMode + (failureMode == FailureMode.LOCAL_FALLBACK ? " x" + fallbackShare : "")
        + ", redisTimeout=" + redisTimeout + ", localDenyCache=" + localDenyCache + "]";
  }

  /** Builds a {@link RateLimitPolicy}; setters check their value at once, {@link #build()} checks the whole. */
  public static final class Builder {
    private final String name;
    private Algorithm algorithm = DEFAULT_ALGORITHM;
    private final List<Limit> limits = new ArrayList<>();
    private boolean shadow;
    private FailureMode failureMode = DEFAULT_FAILURE_MODE;
    private double fallbackShare = DEFAULT_FALLBACK_SHARE;
    private Duration redisTimeout = DEFAULT_REDIS_TIMEOUT;
    private boolean localDenyCache = true;

    private Builder(String name) {
      Objects.requireNonNull(name, "policy name");
      if (!NAME.matcher(name).matches()) {
        throw new IllegalArgumentException("policy name must be 1 to 64 letters, digits, '.', '_' or '-',"
            + " starting with a letter or digit, was '" + name + "'");
      }
      this.name = name;
    }

    /** The algorithm (default {@link #DEFAULT_ALGORITHM}). */
    public Builder algorithm(Algorithm algorithm) {
      this.algorithm = Objects.requireNonNull(algorithm, "algorithm");
      return this;
    }

    /**
     * Adds a limit of {@code permits} per {@code window}.
     *
     * @throws IllegalArgumentException if permits or window is out of range (see {@link Limit})
     */
    public Builder limit(long permits, Duration window) {
      Objects.requireNonNull(window, "policy '" + name + "': window");
      try {
        return limit(new Limit(permits, window));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("policy '" + name + "': limits[" + limits.size() + "]." + e.getMessage(), e);
      }
    }

    /** Adds a limit. */
    public Builder limit(Limit limit) {
      Objects.requireNonNull(limit, "policy '" + name + "': limit");
      for (Limit l : limits) {
        if (l.window().equals(limit.window())) {
          throw new IllegalArgumentException("policy '" + name + "': two limits with the same window " + limit.window()
              + " (" + l + " and " + limit + "); keep the stricter one");
        }
      }
      limits.add(limit);
      return this;
    }

    /** Whether the policy decides and counts but never denies (default false). */
    public Builder shadow(boolean shadow) {
      this.shadow = shadow;
      return this;
    }

    /** What a Redis-backed limiter does when Redis fails (default {@link #DEFAULT_FAILURE_MODE}). */
    public Builder failureMode(FailureMode failureMode) {
      this.failureMode = Objects.requireNonNull(failureMode, "failureMode");
      return this;
    }

    /**
     * The share of each limit the node-local fallback limiter gets (default 1.0).
     *
     * @throws IllegalArgumentException unless {@code 0 < share <= 1}
     */
    public Builder fallbackShare(double share) {
      if (!(share > 0 && share <= 1)) {
        throw new IllegalArgumentException("policy '" + name + "': fallbackShare must be in (0, 1], was " + share);
      }
      this.fallbackShare = share;
      return this;
    }

    /**
     * How long a Redis decision may take before the failure mode applies (default 250 ms).
     *
     * @throws IllegalArgumentException unless positive and at most one minute
     */
    public Builder redisTimeout(Duration timeout) {
      Objects.requireNonNull(timeout, "policy '" + name + "': redisTimeout");
      if (timeout.isNegative() || timeout.isZero() || timeout.compareTo(Duration.ofMinutes(1)) > 0) {
        throw new IllegalArgumentException("policy '" + name + "': redisTimeout must be positive and at most PT1M, was "
            + timeout);
      }
      this.redisTimeout = timeout;
      return this;
    }

    /** Whether a Redis-backed limiter remembers denials locally until they expire (default true). */
    public Builder localDenyCache(boolean enabled) {
      this.localDenyCache = enabled;
      return this;
    }

    /**
     * The policy.
     *
     * @throws IllegalArgumentException if no limit was added, or a token bucket would refill faster
     *     than one permit per nanosecond (its resolution)
     */
    public RateLimitPolicy build() {
      if (limits.isEmpty()) {
        throw new IllegalArgumentException("policy '" + name + "': limits must not be empty; add at least one limit");
      }
      for (int i = 0; i < limits.size(); i++) {
        Limit l = limits.get(i);
        if (algorithm == Algorithm.TOKEN_BUCKET && l.permits() > l.windowNanos()) {
          throw new IllegalArgumentException("policy '" + name + "': limits[" + i + "] " + l + " refills faster than one"
              + " permit per nanosecond, the token bucket's resolution; use a longer window");
        }
      }
      return new RateLimitPolicy(this);
    }
  }
}
