package dev.headroom.ratelimit;

import dev.headroom.core.config.Require;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What a limiter counts: an {@link Algorithm} and one or more {@link Limit limits} checked together
 * (all or nothing). It is the part of a {@link RateLimiterConfig} that a service names and reuses;
 * {@link #presets()} offers five common ones. Immutable and validated when built: a bad value fails
 * with a message that names the field, the value and the rule.
 *
 * <pre>{@code
 * RateLimitPolicy search = RateLimitPolicy.builder()
 *     .algorithm(Algorithm.SLIDING_COUNTER)
 *     .limit(10, Duration.ofSeconds(1))
 *     .limit(1000, Duration.ofHours(1))
 *     .build();
 * }</pre>
 */
public final class RateLimitPolicy {

  /** Default algorithm: the sliding counter (O(1) per key, close to exact). */
  public static final Algorithm DEFAULT_ALGORITHM = Algorithm.SLIDING_COUNTER;

  /**
   * The most permits one sliding-log request may ask for. The log keeps one Redis sorted-set member
   * per permit, so a single huge request would block Redis while it writes them (a million took
   * seconds and a 125 MB key); the other algorithms keep O(1) state per key and have no such cap.
   */
  public static final long MAX_SLIDING_LOG_PERMITS = 1000;

  private static final Map<String, RateLimitPolicy> PRESETS = presetMap();

  private final Algorithm algorithm;
  private final List<Limit> limits;
  private final long smallestPermits;

  private RateLimitPolicy(Algorithm algorithm, List<Limit> limits) {
    this.algorithm = algorithm;
    this.limits = List.copyOf(limits);
    this.smallestPermits = this.limits.stream().mapToLong(Limit::permits).min().orElseThrow();
  }

  /** A builder with the {@link #DEFAULT_ALGORITHM} and no limit yet. */
  public static Builder builder() {
    return new Builder();
  }

  /** One limit of {@code permits} per {@code window} with the {@link #DEFAULT_ALGORITHM}. */
  public static RateLimitPolicy of(long permits, Duration window) {
    return builder().limit(permits, window).build();
  }

  /** One limit of {@code permits} per {@code window} with {@code algorithm}. */
  public static RateLimitPolicy of(Algorithm algorithm, long permits, Duration window) {
    return builder().algorithm(algorithm).limit(permits, window).build();
  }

  /**
   * Five common policies by name, in this order: {@code api} 100/min, {@code strict} 20/min, {@code
   * login} 5 per 15 min, {@code ai} 30/min, {@code payment} 10/min. {@code strict}, {@code login}
   * and {@code payment} use the exact sliding log; {@code api} and {@code ai} the sliding counter.
   * Nothing uses them unless asked: pass them to {@link RateLimiterRegistry#withPolicies(Map)}, or
   * pick one. Unmodifiable.
   */
  public static Map<String, RateLimitPolicy> presets() {
    return PRESETS;
  }

  private static Map<String, RateLimitPolicy> presetMap() {
    Map<String, RateLimitPolicy> m = new LinkedHashMap<>();
    m.put("api", of(100, Duration.ofMinutes(1)));
    m.put("strict", of(Algorithm.SLIDING_LOG, 20, Duration.ofMinutes(1)));
    m.put("login", of(Algorithm.SLIDING_LOG, 5, Duration.ofMinutes(15)));
    m.put("ai", of(30, Duration.ofMinutes(1)));
    m.put("payment", of(Algorithm.SLIDING_LOG, 10, Duration.ofMinutes(1)));
    return Collections.unmodifiableMap(m);
  }

  /** A builder starting from this policy. */
  public Builder toBuilder() {
    Builder b = builder().algorithm(algorithm);
    limits.forEach(b::limit);
    return b;
  }

  /** The algorithm. */
  public Algorithm algorithm() {
    return algorithm;
  }

  /**
   * The limits, in the order they were added; never empty. All must admit a request for it to pass.
   */
  public List<Limit> limits() {
    return limits;
  }

  /** The longest window among the limits. */
  public Duration longestWindow() {
    return limits.stream().map(Limit::window).max(Comparator.naturalOrder()).orElseThrow();
  }

  /**
   * The smallest permit count among the limits: the most one request may ask for (for the sliding
   * log, also at most {@link #MAX_SLIDING_LOG_PERMITS}).
   */
  public long smallestPermits() {
    return smallestPermits;
  }

  /**
   * This policy with every limit scaled by {@code share} (rounded down, at least 1 permit), as the
   * node-local fallback limiter uses it.
   */
  public RateLimitPolicy scaled(double share) {
    Builder b = builder().algorithm(algorithm);
    for (Limit l : limits) {
      b.limit(Math.max(1, (long) Math.floor(l.permits() * share)), l.window());
    }
    return b.build();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RateLimitPolicy p && algorithm == p.algorithm && limits.equals(p.limits);
  }

  @Override
  public int hashCode() {
    return Objects.hash(algorithm, limits);
  }

  /** Renders as {@code SLIDING_LOG [5/PT15M]}. */
  @Override
  public String toString() {
    return algorithm + " " + limits;
  }

  /** Builds a {@link RateLimitPolicy}; {@link #build()} checks the whole. */
  public static final class Builder {
    private Algorithm algorithm = DEFAULT_ALGORITHM;
    private final List<Limit> limits = new ArrayList<>();

    private Builder() {}

    /** The algorithm (default {@link #DEFAULT_ALGORITHM}). */
    public Builder algorithm(Algorithm algorithm) {
      this.algorithm = Require.nonNull("algorithm", algorithm);
      return this;
    }

    /**
     * Adds a limit of {@code permits} per {@code window}.
     *
     * @throws IllegalArgumentException if permits or window is out of range (see {@link Limit}),
     *     named as {@code limits[i].permits} or {@code limits[i].window}
     */
    public Builder limit(long permits, Duration window) {
      Require.nonNull("limits[" + limits.size() + "].window", window);
      try {
        return limit(new Limit(permits, window));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("limits[" + limits.size() + "]." + e.getMessage(), e);
      }
    }

    /** Adds a limit. */
    public Builder limit(Limit limit) {
      limits.add(Require.nonNull("limits[" + limits.size() + "]", limit));
      return this;
    }

    boolean hasLimits() {
      return !limits.isEmpty();
    }

    /** The policy, with {@code whenEmpty} as its one limit if none was added. */
    RateLimitPolicy build(Limit whenEmpty) {
      return limits.isEmpty() ? builder().algorithm(algorithm).limit(whenEmpty).build() : build();
    }

    /**
     * The policy.
     *
     * @throws IllegalArgumentException if there is no limit, two windows are less than a
     *     microsecond apart (the same window at Redis's resolution), or a token bucket would refill
     *     faster than one permit per nanosecond (its resolution)
     */
    public RateLimitPolicy build() {
      Require.that(!limits.isEmpty(), "limits", limits, "hold at least one limit");
      for (int i = 0; i < limits.size(); i++) {
        Limit l = limits.get(i);
        for (int j = 0; j < i; j++) {
          // Redis keeps each limit's state under its window in whole microseconds: windows
          // closer than that would share one state there
          Require.that(
              limits.get(j).windowMicros() != l.windowMicros(),
              "limits[" + i + "].window",
              l.window(),
              "differ from the window of limits["
                  + j
                  + "] ("
                  + limits.get(j)
                  + ") by at least a microsecond; keep the stricter limit");
        }
        if (algorithm == Algorithm.TOKEN_BUCKET) {
          Require.that(
              l.permits() <= l.windowNanos(),
              "limits[" + i + "]",
              l,
              "refill at most one permit per nanosecond, the token bucket's resolution; use a longer window");
        }
      }
      return new RateLimitPolicy(algorithm, limits);
    }
  }
}
