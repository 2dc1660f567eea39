package dev.headroom.ratelimit;

import dev.headroom.core.key.KeySpace;
import dev.headroom.core.time.TimeSource;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Immutable options shared by the limiters of one backend: where Redis keys live, the time source,
 * the meter registry, and how many keys an in-memory limiter keeps. Start from {@link #defaults()}
 * or {@link #builder()}; change one with {@link #mutate()}.
 */
public final class RateLimiterOptions {

  /** Default key space: {@code headroom:ratelimit:}. */
  public static final KeySpace DEFAULT_KEY_SPACE = KeySpace.of("headroom", "ratelimit");
  /** Default bound on keys one in-memory limiter tracks; beyond it the least recently used are evicted. */
  public static final long DEFAULT_MAX_KEYS = 1_000_000;

  private static final RateLimiterOptions DEFAULTS = builder().build();

  private final KeySpace keySpace;
  private final TimeSource timeSource;
  private final @Nullable MeterRegistry meterRegistry;
  private final long maxKeys;
  private final boolean serverTime;

  private RateLimiterOptions(Builder b) {
    this.keySpace = b.keySpace;
    this.timeSource = b.timeSource;
    this.meterRegistry = b.meterRegistry;
    this.maxKeys = b.maxKeys;
    this.serverTime = b.serverTime;
  }

  /** The defaults: {@link #DEFAULT_KEY_SPACE}, the system clock, no meters, {@link #DEFAULT_MAX_KEYS}, server time on Redis. */
  public static RateLimiterOptions defaults() {
    return DEFAULTS;
  }

  /** A builder with the defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder starting from these options. */
  public Builder mutate() {
    Builder b = new Builder().keySpace(keySpace).timeSource(timeSource).maxKeys(maxKeys).serverTime(serverTime);
    b.meterRegistry = meterRegistry;
    return b;
  }

  /** Where Redis keys live. */
  public KeySpace keySpace() {
    return keySpace;
  }

  /** The time source of in-memory limiters, deadlines, deny caches and decision timestamps. */
  public TimeSource timeSource() {
    return timeSource;
  }

  /** The registry meters are bound to, if any. */
  public Optional<MeterRegistry> meterRegistry() {
    return Optional.ofNullable(meterRegistry);
  }

  /** How many keys one in-memory limiter keeps at most. */
  public long maxKeys() {
    return maxKeys;
  }

  /**
   * Whether Redis-backed limiters read the time from the Redis server (the default, and the only
   * right choice in production: callers' clocks may disagree). When false they send
   * {@link #timeSource()}'s monotonic reading instead: a hook for deterministic tests only.
   */
  public boolean serverTime() {
    return serverTime;
  }

  @Override
  public String toString() {
    return "RateLimiterOptions[keySpace=" + keySpace.prefix() + ", timeSource=" + timeSource + ", meters="
        + (meterRegistry != null) + ", maxKeys=" + maxKeys + ", serverTime=" + serverTime + "]";
  }

  /** Builds {@link RateLimiterOptions}; each setter checks its value at once. */
  public static final class Builder {
    private KeySpace keySpace = DEFAULT_KEY_SPACE;
    private TimeSource timeSource = TimeSource.system();
    private @Nullable MeterRegistry meterRegistry;
    private long maxKeys = DEFAULT_MAX_KEYS;
    private boolean serverTime = true;

    private Builder() {}

    /** Where Redis keys live (default {@code headroom:ratelimit:}). */
    public Builder keySpace(KeySpace keySpace) {
      this.keySpace = Objects.requireNonNull(keySpace, "keySpace");
      return this;
    }

    /** The time source (default the system clock); tests pass a {@code ManualTimeSource}. */
    public Builder timeSource(TimeSource timeSource) {
      this.timeSource = Objects.requireNonNull(timeSource, "timeSource");
      return this;
    }

    /** Binds meters {@code headroom.ratelimit.*} to {@code registry}. */
    public Builder meterRegistry(MeterRegistry registry) {
      this.meterRegistry = Objects.requireNonNull(registry, "meterRegistry");
      return this;
    }

    /**
     * How many keys one in-memory limiter keeps (default one million).
     *
     * @throws IllegalArgumentException if below 1
     */
    public Builder maxKeys(long maxKeys) {
      if (maxKeys < 1) {
        throw new IllegalArgumentException("maxKeys must be at least 1, was " + maxKeys);
      }
      this.maxKeys = maxKeys;
      return this;
    }

    /** See {@link RateLimiterOptions#serverTime()}; keep the default in production. */
    public Builder serverTime(boolean serverTime) {
      this.serverTime = serverTime;
      return this;
    }

    /** The options. */
    public RateLimiterOptions build() {
      return new RateLimiterOptions(this);
    }
  }
}
