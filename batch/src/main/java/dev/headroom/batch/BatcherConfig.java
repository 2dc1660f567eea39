package dev.headroom.batch;

import dev.headroom.core.backoff.Backoff;
import dev.headroom.core.config.Require;
import dev.headroom.core.time.TimeSource;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * The policy of a {@link Batcher}: when a window is handed to the loader, how many loader calls and
 * pending keys it may have, what happens when it is full, how long a loader call may take, which
 * failures are retried, whether results are cached; and where it runs: the {@link TimeSource} its
 * windows, timeouts and retry delays are timed and scheduled on, the executor the loader is called
 * on, and the {@link MeterRegistry} its meters go to. Immutable and thread-safe; built with {@link
 * #builder()}, {@link #ofDefaults()} or {@link #toBuilder()}. Every value is checked when it is
 * set, and the combination when {@link Builder#build()} is called; a bad value fails there with an
 * {@link IllegalArgumentException} naming the field, the value and the rule.
 */
public final class BatcherConfig {

  /** Default {@link #maxBatchSize()}. */
  public static final int DEFAULT_MAX_BATCH_SIZE = 100;

  /** Default {@link #maxLinger()}. */
  public static final Duration DEFAULT_MAX_LINGER = Duration.ofMillis(5);

  /** Default {@link #maxInFlight()}: no limit (bounded by {@link #maxPendingKeys()} only). */
  public static final int DEFAULT_MAX_IN_FLIGHT = Integer.MAX_VALUE;

  /** Default {@link #maxPendingKeys()}. */
  public static final int DEFAULT_MAX_PENDING_KEYS = 10_000;

  /** Default {@link #loaderTimeout()}. */
  public static final Duration DEFAULT_LOADER_TIMEOUT = Duration.ofSeconds(30);

  private static final BatcherConfig DEFAULTS = new Builder().build();

  private final int maxBatchSize;
  private final @Nullable Duration maxLinger;
  private final int maxInFlight;
  private final int maxPendingKeys;
  private final Overflow overflow;
  private final @Nullable Duration loaderTimeout;
  private final @Nullable Backoff retry;
  private final Predicate<Throwable> retryOn;
  private final boolean cacheResults;
  private final @Nullable MeterRegistry meterRegistry;
  private final TimeSource timeSource;
  private final Executor executor;

  private BatcherConfig(Builder b) {
    this.maxBatchSize = b.maxBatchSize;
    this.maxLinger = b.maxLinger;
    this.maxInFlight = b.maxInFlight;
    this.maxPendingKeys = b.maxPendingKeys;
    this.overflow = b.overflow;
    this.loaderTimeout = b.loaderTimeout;
    this.retry = b.retry;
    this.retryOn = b.retryOn;
    this.cacheResults = b.cacheResults;
    this.meterRegistry = b.meterRegistry;
    this.timeSource = b.timeSource;
    this.executor = b.executor;
  }

  /**
   * The defaults: batches of up to 100 keys, 5 ms linger, no in-flight limit, 10 000 pending keys,
   * reject when full, 30 s loader timeout, no retry, no cache; no meters, the system time source,
   * the loader called on {@link ForkJoinPool#commonPool()}.
   */
  public static BatcherConfig ofDefaults() {
    return DEFAULTS;
  }

  /** A builder starting from the defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder starting from this configuration's values. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.maxBatchSize = maxBatchSize;
    b.maxLinger = maxLinger;
    b.maxInFlight = maxInFlight;
    b.maxPendingKeys = maxPendingKeys;
    b.overflow = overflow;
    b.loaderTimeout = loaderTimeout;
    b.retry = retry;
    b.retryOn = retryOn;
    b.cacheResults = cacheResults;
    b.meterRegistry = meterRegistry;
    b.timeSource = timeSource;
    b.executor = executor;
    return b;
  }

  /** The most distinct keys in one loader call; a window that reaches it is dispatched at once. */
  public int maxBatchSize() {
    return maxBatchSize;
  }

  /**
   * How long after its first key a window is dispatched if it has not filled; empty for a size-only
   * batcher, whose partial windows wait for {@link Batcher#dispatch()}.
   */
  public Optional<Duration> maxLinger() {
    return Optional.ofNullable(maxLinger);
  }

  /** The most loader calls running at once; windows beyond it wait in order. */
  public int maxInFlight() {
    return maxInFlight;
  }

  /** The most distinct keys accepted and not yet answered (waiting, queued or being loaded). */
  public int maxPendingKeys() {
    return maxPendingKeys;
  }

  /** What {@code load} does when {@link #maxPendingKeys()} is reached. */
  public Overflow overflow() {
    return overflow;
  }

  /**
   * How long one loader call may take before its keys fail with {@link BatchTimeoutException},
   * counted from when the call is handed to the executor (time spent waiting for an executor thread
   * counts); empty for no limit.
   */
  public Optional<Duration> loaderTimeout() {
    return Optional.ofNullable(loaderTimeout);
  }

  /** The retry policy for failed keys; empty when failures are final at once. */
  public Optional<Backoff> retry() {
    return Optional.ofNullable(retry);
  }

  /** Which failures are retried (given the loader's error, or a {@link BatchTimeoutException}). */
  public Predicate<Throwable> retryOn() {
    return retryOn;
  }

  /** Whether results are kept for the batcher's lifetime and answered again without loading. */
  public boolean cacheResults() {
    return cacheResults;
  }

  /**
   * Where the batcher's {@code headroom.batch.*} meters go, tagged {@code batcher=<name>}; empty
   * (the default) for no meters, and then no time is read for them.
   */
  public Optional<MeterRegistry> meterRegistry() {
    return Optional.ofNullable(meterRegistry);
  }

  /**
   * The clock every decision is read on and every timer scheduled on: window lingers, loader
   * timeouts and retry delays (and the times the meters record).
   */
  public TimeSource timeSource() {
    return timeSource;
  }

  /** Where the loader is called. */
  public Executor executor() {
    return executor;
  }

  @Override
  public String toString() {
    return "BatcherConfig[maxBatchSize="
        + maxBatchSize
        + ", maxLinger="
        + (maxLinger == null ? "none" : maxLinger)
        + ", maxInFlight="
        + (maxInFlight == Integer.MAX_VALUE ? "unlimited" : maxInFlight)
        + ", maxPendingKeys="
        + maxPendingKeys
        + ", overflow="
        + overflow
        + ", loaderTimeout="
        + (loaderTimeout == null ? "none" : loaderTimeout)
        + ", retry="
        + (retry == null ? "none" : retry)
        + ", cacheResults="
        + cacheResults
        + "]";
  }

  /** Builds a {@link BatcherConfig}; each setter checks its value at once. Not thread-safe. */
  public static final class Builder {
    private int maxBatchSize = DEFAULT_MAX_BATCH_SIZE;
    private @Nullable Duration maxLinger = DEFAULT_MAX_LINGER;
    private int maxInFlight = DEFAULT_MAX_IN_FLIGHT;
    private int maxPendingKeys = DEFAULT_MAX_PENDING_KEYS;
    private Overflow overflow = Overflow.reject();
    private @Nullable Duration loaderTimeout = DEFAULT_LOADER_TIMEOUT;
    private @Nullable Backoff retry;
    private Predicate<Throwable> retryOn = t -> true;
    private boolean cacheResults;
    private @Nullable MeterRegistry meterRegistry;
    private TimeSource timeSource = TimeSource.system();
    private Executor executor = ForkJoinPool.commonPool();

    private Builder() {}

    /**
     * The most distinct keys in one loader call (default 100); use {@link Integer#MAX_VALUE} for a
     * time-only batcher.
     *
     * @throws IllegalArgumentException if not at least 1
     */
    public Builder maxBatchSize(int maxBatchSize) {
      this.maxBatchSize = Require.positive("maxBatchSize", maxBatchSize);
      return this;
    }

    /**
     * Dispatch a window this long after its first key if it has not filled (default 5 ms). Zero
     * dispatches on the next timer tick, coalescing only what arrives meanwhile.
     *
     * @throws IllegalArgumentException if negative
     */
    public Builder maxLinger(Duration maxLinger) {
      this.maxLinger = Require.nonNegative("maxLinger", maxLinger);
      return this;
    }

    /**
     * No time trigger: a window is dispatched when it fills or on {@link Batcher#dispatch()} only.
     * A key loaded from a callback then waits for the next {@code dispatch()} too.
     */
    public Builder noLinger() {
      this.maxLinger = null;
      return this;
    }

    /**
     * The most loader calls running at once (default: no limit).
     *
     * @throws IllegalArgumentException if not at least 1
     */
    public Builder maxInFlight(int maxInFlight) {
      this.maxInFlight = Require.positive("maxInFlight", maxInFlight);
      return this;
    }

    /**
     * The most distinct keys accepted and not yet answered (default 10 000).
     *
     * @throws IllegalArgumentException if not at least 1
     */
    public Builder maxPendingKeys(int maxPendingKeys) {
      this.maxPendingKeys = Require.positive("maxPendingKeys", maxPendingKeys);
      return this;
    }

    /**
     * What {@code load} does when the pending keys are at their maximum (default {@link
     * Overflow#reject()}).
     */
    public Builder overflow(Overflow overflow) {
      this.overflow = Require.nonNull("overflow", overflow);
      return this;
    }

    /**
     * How long one loader call may take (default 30 s).
     *
     * @throws IllegalArgumentException if not positive
     */
    public Builder loaderTimeout(Duration loaderTimeout) {
      this.loaderTimeout = Require.positive("loaderTimeout", loaderTimeout);
      return this;
    }

    /** No loader timeout: a loader that never answers holds its keys (and their room) forever. */
    public Builder noLoaderTimeout() {
      this.loaderTimeout = null;
      return this;
    }

    /**
     * Reload the keys that failed, after the backoff's delays, up to its {@linkplain
     * Backoff#maxAttempts() attempts}; every failure is retried.
     */
    public Builder retry(Backoff retry) {
      return retry(retry, t -> true);
    }

    /** Like {@link #retry(Backoff)}, retrying only failures that {@code retryOn} accepts. */
    public Builder retry(Backoff retry, Predicate<Throwable> retryOn) {
      this.retry = Require.nonNull("retry", retry);
      this.retryOn = Require.nonNull("retryOn", retryOn);
      return this;
    }

    /** Failures are final at once (the default). */
    public Builder noRetry() {
      this.retry = null;
      this.retryOn = t -> true;
      return this;
    }

    /**
     * Keep every successful result for the batcher's lifetime, DataLoader style (default off). The
     * cache has no bound and no expiry: use it with one batcher per request.
     */
    public Builder cacheResults(boolean cacheResults) {
      this.cacheResults = cacheResults;
      return this;
    }

    /**
     * Publish the {@code headroom.batch.*} meters, tagged {@code batcher=<name>}, to {@code
     * meterRegistry}; null (the default) for none. One registry holds one live batcher per name: a
     * second one is refused until the first is closed, which removes its meters.
     */
    public Builder meterRegistry(@Nullable MeterRegistry meterRegistry) {
      this.meterRegistry = meterRegistry;
      return this;
    }

    /**
     * The clock of every decision and timer (default {@link TimeSource#system()}, one shared daemon
     * timer thread); tests give a {@code ManualTimeSource} and move it.
     */
    public Builder timeSource(TimeSource timeSource) {
      this.timeSource = Require.nonNull("timeSource", timeSource);
      return this;
    }

    /**
     * Where the loader is called (default {@link ForkJoinPool#commonPool()}). A loader that blocks
     * (JDBC) wants an executor of its own, sized like its connection pool; {@code Runnable::run}
     * calls it on the thread that filled the window or on the timer thread.
     */
    public Builder executor(Executor executor) {
      this.executor = Require.nonNull("executor", executor);
      return this;
    }

    /**
     * The immutable configuration.
     *
     * @throws IllegalArgumentException if the values contradict each other: without a linger,
     *     {@code maxPendingKeys} must be at least {@code maxBatchSize}, or a window could never
     *     fill
     */
    public BatcherConfig build() {
      Require.that(
          maxLinger != null || maxBatchSize == Integer.MAX_VALUE || maxPendingKeys >= maxBatchSize,
          "maxPendingKeys",
          maxPendingKeys,
          "be at least maxBatchSize ("
              + maxBatchSize
              + ") when there is no linger, or a window could never fill");
      return new BatcherConfig(this);
    }
  }
}
