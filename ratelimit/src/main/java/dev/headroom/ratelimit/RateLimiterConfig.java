package dev.headroom.ratelimit;

import dev.headroom.core.config.Require;
import dev.headroom.core.key.KeySpace;
import dev.headroom.core.time.TimeSource;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The configuration of a rate limiter: what it counts (the {@link RateLimitPolicy}: algorithm and
 * limits), shadow mode, what a Redis-backed limiter does when Redis fails, where its Redis keys
 * live, how many keys an in-memory limiter keeps, and the meter registry and time source.
 * Immutable; start from {@link #ofDefaults()}, {@link #of(long, Duration)} or {@link #builder()},
 * change one with {@link #toBuilder()}. Validated in {@link Builder#build()}: a bad value fails
 * with a message that names the field, the value and the rule ({@code "fallbackShare must be in (0,
 * 1], was 0.0"}).
 *
 * <pre>{@code
 * RateLimiterConfig search = RateLimiterConfig.builder()
 *     .limit(10, Duration.ofSeconds(1))
 *     .limit(1000, Duration.ofHours(1))
 *     .failureMode(FailureMode.LOCAL_FALLBACK).fallbackShare(0.25)
 *     .build();
 * }</pre>
 */
public final class RateLimiterConfig {

  /** The limit when none is given: 100 per minute. */
  public static final Limit DEFAULT_LIMIT = Limit.perMinute(100);

  /** Default failure mode of Redis-backed limiters: keep limiting on each node. */
  public static final FailureMode DEFAULT_FAILURE_MODE = FailureMode.LOCAL_FALLBACK;

  /** Default share of each limit the node-local fallback limiter gets. */
  public static final double DEFAULT_FALLBACK_SHARE = 1.0;

  /** Default deadline of one Redis decision before the failure mode applies. */
  public static final Duration DEFAULT_REDIS_TIMEOUT = Duration.ofMillis(250);

  /** The longest Redis deadline allowed. */
  public static final Duration MAX_REDIS_TIMEOUT = Duration.ofMinutes(1);

  /** Default key space: {@code headroom:ratelimit:}. */
  public static final KeySpace DEFAULT_KEY_SPACE = KeySpace.of("headroom", "ratelimit");

  /**
   * Default bound on the keys a limiter holds in this process; beyond it the least recently used
   * are evicted. Sized for a service (100 000 keys: about 25 MB for an in-memory sliding counter,
   * see the README), not for a benchmark. An in-memory limiter tracks at most this many keys; a
   * Redis limiter's deny cache at most a tenth of it, and its local fallback (used only while Redis
   * fails) at most this many.
   */
  public static final long DEFAULT_MAX_KEYS = 100_000;

  private static final RateLimiterConfig DEFAULTS = builder().build();

  private final RateLimitPolicy policy;
  private final boolean defaultLimit;
  private final boolean shadow;
  private final FailureMode failureMode;
  private final double fallbackShare;
  private final Duration redisTimeout;
  private final boolean localDenyCache;
  private final KeySpace keySpace;
  private final long maxKeys;
  private final boolean serverTime;
  private final @Nullable MeterRegistry meterRegistry;
  private final TimeSource timeSource;

  private RateLimiterConfig(Builder b, RateLimitPolicy policy, boolean defaultLimit) {
    this.policy = policy;
    this.defaultLimit = defaultLimit;
    this.shadow = b.shadow;
    this.failureMode = b.failureMode;
    this.fallbackShare = b.fallbackShare;
    this.redisTimeout = b.redisTimeout;
    this.localDenyCache = b.localDenyCache;
    this.keySpace = b.keySpace;
    this.maxKeys = b.maxKeys;
    this.serverTime = b.serverTime;
    this.meterRegistry = b.meterRegistry;
    this.timeSource = b.timeSource;
  }

  /**
   * Every setting at its default: 100 per minute by the sliding counter, no meters, the system
   * clock.
   */
  public static RateLimiterConfig ofDefaults() {
    return DEFAULTS;
  }

  /** One limit of {@code permits} per {@code window}, every other setting at its default. */
  public static RateLimiterConfig of(long permits, Duration window) {
    return builder().limit(permits, window).build();
  }

  /** A builder with the defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * A builder starting from this configuration. If it has {@link #DEFAULT_LIMIT} because no limit
   * was given, the builder has none either, so a limit added to it replaces the default.
   */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.policy =
        defaultLimit ? RateLimitPolicy.builder().algorithm(policy.algorithm()) : policy.toBuilder();
    b.shadow = shadow;
    b.failureMode = failureMode;
    b.fallbackShare = fallbackShare;
    b.redisTimeout = redisTimeout;
    b.localDenyCache = localDenyCache;
    b.keySpace = keySpace;
    b.maxKeys = maxKeys;
    b.serverTime = serverTime;
    b.meterRegistry = meterRegistry;
    b.timeSource = timeSource;
    return b;
  }

  /** What the limiter counts: its algorithm and limits. */
  public RateLimitPolicy policy() {
    return policy;
  }

  /** The algorithm, as {@code policy().algorithm()}. */
  public Algorithm algorithm() {
    return policy.algorithm();
  }

  /** The limits, as {@code policy().limits()}; never empty. */
  public List<Limit> limits() {
    return policy.limits();
  }

  /**
   * Whether the limiter decides and counts but never denies (a would-be denial has {@link
   * Decision#shadowDenied()}).
   */
  public boolean shadow() {
    return shadow;
  }

  /**
   * What a Redis-backed limiter does when Redis fails or is slower than {@link #redisTimeout()}.
   */
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

  /** Whether a Redis-backed limiter remembers denials on this node until their retry-after. */
  public boolean localDenyCache() {
    return localDenyCache;
  }

  /** Where Redis keys live. */
  public KeySpace keySpace() {
    return keySpace;
  }

  /**
   * How many keys an in-memory limiter, or a Redis limiter's local fallback, keeps at most; a Redis
   * limiter's deny cache keeps at most a tenth of it (at least 1).
   */
  public long maxKeys() {
    return maxKeys;
  }

  /**
   * Whether Redis-backed limiters read the time from the Redis server (the default, and the only
   * right choice in production: callers' clocks may disagree). When false they send {@link
   * #timeSource()}'s monotonic reading instead: a hook for deterministic tests only.
   */
  public boolean serverTime() {
    return serverTime;
  }

  /** The registry meters are bound to, if any. */
  public Optional<MeterRegistry> meterRegistry() {
    return Optional.ofNullable(meterRegistry);
  }

  /**
   * The clock of every decision and wait: in-memory algorithms, blocking acquires, deny caches and
   * decision timestamps. (Redis-side algorithms read the Redis server's clock; see {@link
   * #serverTime()}.)
   */
  public TimeSource timeSource() {
    return timeSource;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RateLimiterConfig c
        && policy.equals(c.policy)
        && shadow == c.shadow
        && failureMode == c.failureMode
        && Double.compare(fallbackShare, c.fallbackShare) == 0
        && redisTimeout.equals(c.redisTimeout)
        && localDenyCache == c.localDenyCache
        && keySpace.prefix().equals(c.keySpace.prefix())
        && maxKeys == c.maxKeys
        && serverTime == c.serverTime
        && meterRegistry == c.meterRegistry
        && timeSource.equals(c.timeSource);
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        policy,
        shadow,
        failureMode,
        fallbackShare,
        redisTimeout,
        localDenyCache,
        keySpace.prefix(),
        maxKeys,
        serverTime,
        timeSource);
  }

  @Override
  public String toString() {
    return "RateLimiterConfig["
        + policy
        + (shadow ? ", shadow" : "")
        + ", failureMode="
        + failureMode
        + (failureMode == FailureMode.LOCAL_FALLBACK ? " x" + fallbackShare : "")
        + ", redisTimeout="
        + redisTimeout
        + ", localDenyCache="
        + localDenyCache
        + ", keySpace="
        + keySpace.prefix()
        + ", maxKeys="
        + maxKeys
        + ", serverTime="
        + serverTime
        + ", meters="
        + (meterRegistry != null)
        + ", timeSource="
        + timeSource
        + "]";
  }

  /** Builds a {@link RateLimiterConfig}; {@link #build()} checks every value. */
  public static final class Builder {
    private RateLimitPolicy.Builder policy = RateLimitPolicy.builder();
    private boolean shadow;
    private FailureMode failureMode = DEFAULT_FAILURE_MODE;
    private double fallbackShare = DEFAULT_FALLBACK_SHARE;
    private Duration redisTimeout = DEFAULT_REDIS_TIMEOUT;
    private boolean localDenyCache = true;
    private KeySpace keySpace = DEFAULT_KEY_SPACE;
    private long maxKeys = DEFAULT_MAX_KEYS;
    private boolean serverTime = true;
    private @Nullable MeterRegistry meterRegistry;
    private TimeSource timeSource = TimeSource.system();

    private Builder() {}

    /** The algorithm and limits of {@code policy}, replacing those set so far. */
    public Builder policy(RateLimitPolicy policy) {
      this.policy = Require.nonNull("policy", policy).toBuilder();
      return this;
    }

    /** The algorithm (default {@link RateLimitPolicy#DEFAULT_ALGORITHM}). */
    public Builder algorithm(Algorithm algorithm) {
      policy.algorithm(algorithm);
      return this;
    }

    /**
     * Adds a limit of {@code permits} per {@code window}; without any, the limiter has {@link
     * #DEFAULT_LIMIT}.
     *
     * @throws IllegalArgumentException if permits or window is out of range (see {@link Limit})
     */
    public Builder limit(long permits, Duration window) {
      policy.limit(permits, window);
      return this;
    }

    /** Adds a limit; see {@link #limit(long, Duration)}. */
    public Builder limit(Limit limit) {
      policy.limit(limit);
      return this;
    }

    /** Whether the limiter decides and counts but never denies (default false). */
    public Builder shadow(boolean shadow) {
      this.shadow = shadow;
      return this;
    }

    /**
     * What a Redis-backed limiter does when Redis fails (default {@link #DEFAULT_FAILURE_MODE}).
     */
    public Builder failureMode(FailureMode failureMode) {
      this.failureMode = Require.nonNull("failureMode", failureMode);
      return this;
    }

    /** The share of each limit the node-local fallback limiter gets, in (0, 1] (default 1.0). */
    public Builder fallbackShare(double share) {
      this.fallbackShare = share;
      return this;
    }

    /**
     * How long a Redis decision may take before the failure mode applies, up to one minute (default
     * 250 ms).
     */
    public Builder redisTimeout(Duration timeout) {
      this.redisTimeout = Require.nonNull("redisTimeout", timeout);
      return this;
    }

    /**
     * Whether a Redis-backed limiter remembers denials locally until they expire (default true).
     */
    public Builder localDenyCache(boolean enabled) {
      this.localDenyCache = enabled;
      return this;
    }

    /** Where Redis keys live (default {@code headroom:ratelimit:}). */
    public Builder keySpace(KeySpace keySpace) {
      this.keySpace = Require.nonNull("keySpace", keySpace);
      return this;
    }

    /**
     * How many keys one limiter keeps in memory, at least 1 (default 100 000); see {@link
     * RateLimiterConfig#maxKeys()}.
     */
    public Builder maxKeys(long maxKeys) {
      this.maxKeys = maxKeys;
      return this;
    }

    /** See {@link RateLimiterConfig#serverTime()}; keep the default in production. */
    public Builder serverTime(boolean serverTime) {
      this.serverTime = serverTime;
      return this;
    }

    /**
     * Binds the limiter's meters ({@code headroom.ratelimit.*}) to {@code registry} (default:
     * none).
     */
    public Builder meterRegistry(MeterRegistry registry) {
      this.meterRegistry = Require.nonNull("meterRegistry", registry);
      return this;
    }

    /** The clock (default {@link TimeSource#system()}); tests pass a {@code ManualTimeSource}. */
    public Builder timeSource(TimeSource timeSource) {
      this.timeSource = Require.nonNull("timeSource", timeSource);
      return this;
    }

    /**
     * The configuration.
     *
     * @throws IllegalArgumentException naming the field, the value and the rule, if a value is out
     *     of range
     */
    public RateLimiterConfig build() {
      Require.that(
          fallbackShare > 0 && fallbackShare <= 1, "fallbackShare", fallbackShare, "be in (0, 1]");
      Require.positive("redisTimeout", redisTimeout);
      Require.that(
          redisTimeout.compareTo(MAX_REDIS_TIMEOUT) <= 0,
          "redisTimeout",
          redisTimeout,
          "be at most " + MAX_REDIS_TIMEOUT);
      Require.positive("maxKeys", maxKeys);
      return new RateLimiterConfig(this, policy.build(DEFAULT_LIMIT), !policy.hasLimits());
    }
  }
}
