package dev.headroom.batch;

import dev.headroom.core.config.Require;
import dev.headroom.core.time.TimeSource;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import org.jspecify.annotations.Nullable;

/**
 * The configuration of a {@link Debouncer}, with lodash's options: the wait, the leading and
 * trailing edges and maxWait; and where it runs: the {@link TimeSource} every decision is read and
 * every timer scheduled on, the executor of timed runs, and the {@link MeterRegistry} of its
 * meters. Immutable and thread-safe; built with {@link #builder()}, {@link #ofDefaults()} or {@link
 * #toBuilder()}. A bad value fails when it is set, a bad combination in {@link Builder#build()},
 * with an {@link IllegalArgumentException} naming the field, the value and the rule.
 */
public final class DebouncerConfig {

  /** Default {@link #waitTime()}. */
  public static final Duration DEFAULT_WAIT = Duration.ofMillis(300);

  private static final DebouncerConfig DEFAULTS = new Builder().build();

  private final Duration waitTime;
  private final @Nullable Duration maxWait;
  private final boolean leading;
  private final boolean trailing;
  private final @Nullable MeterRegistry meterRegistry;
  private final TimeSource timeSource;
  private final Executor executor;

  private DebouncerConfig(Builder b) {
    this.waitTime = b.waitTime;
    this.maxWait = b.maxWait;
    this.leading = b.leading;
    this.trailing = b.trailing;
    this.meterRegistry = b.meterRegistry;
    this.timeSource = b.timeSource;
    this.executor = b.executor;
  }

  /**
   * The defaults: trailing edge only, 300 ms wait, no maxWait; no meters, the system time source,
   * timed runs on {@link ForkJoinPool#commonPool()}.
   */
  public static DebouncerConfig ofDefaults() {
    return DEFAULTS;
  }

  /** A builder starting from the defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder starting from this configuration's values. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.waitTime = waitTime;
    b.maxWait = maxWait;
    b.leading = leading;
    b.trailing = trailing;
    b.meterRegistry = meterRegistry;
    b.timeSource = timeSource;
    b.executor = executor;
    return b;
  }

  /** How long a key must go without calls before its trailing run (lodash's {@code wait}). */
  public Duration waitTime() {
    return waitTime;
  }

  /** The longest a key's run is put off while calls keep coming; empty for no limit. */
  public Optional<Duration> maxWait() {
    return Optional.ofNullable(maxWait);
  }

  /** Whether the first call of a burst runs the action at once. */
  public boolean leading() {
    return leading;
  }

  /** Whether the action runs once the wait has passed after a burst. */
  public boolean trailing() {
    return trailing;
  }

  /**
   * Where the {@code headroom.debouncer.*} meters go, tagged {@code debouncer=<name>}; empty for
   * none.
   */
  public Optional<MeterRegistry> meterRegistry() {
    return Optional.ofNullable(meterRegistry);
  }

  /** The clock every decision is read on and every timer scheduled on. */
  public TimeSource timeSource() {
    return timeSource;
  }

  /** Where timed runs of the action happen. */
  public Executor executor() {
    return executor;
  }

  @Override
  public String toString() {
    return "DebouncerConfig[wait="
        + waitTime
        + ", maxWait="
        + (maxWait == null ? "none" : maxWait)
        + ", leading="
        + leading
        + ", trailing="
        + trailing
        + "]";
  }

  /** Builds a {@link DebouncerConfig}; each setter checks its value at once. Not thread-safe. */
  public static final class Builder {
    private Duration waitTime = DEFAULT_WAIT;
    private @Nullable Duration maxWait;
    private boolean leading;
    private boolean trailing = true;
    private @Nullable MeterRegistry meterRegistry;
    private TimeSource timeSource = TimeSource.system();
    private Executor executor = ForkJoinPool.commonPool();

    private Builder() {}

    /**
     * How long a key must go without calls before its trailing run (default 300 ms); a throttle's
     * interval.
     *
     * @throws IllegalArgumentException if not positive
     */
    public Builder waitTime(Duration waitTime) {
      this.waitTime = Require.positive("waitTime", waitTime);
      return this;
    }

    /**
     * Run at least this often while calls keep coming (default: no limit); at least the wait,
     * checked in {@link #build()}.
     *
     * @throws IllegalArgumentException if not positive
     */
    public Builder maxWait(Duration maxWait) {
      this.maxWait = Require.positive("maxWait", maxWait);
      return this;
    }

    /**
     * No maxWait (the default): while calls keep coming, a key's trailing run waits for a quiet
     * period.
     */
    public Builder noMaxWait() {
      this.maxWait = null;
      return this;
    }

    /** Run on the leading edge of a burst (default false). */
    public Builder leading(boolean leading) {
      this.leading = leading;
      return this;
    }

    /** Run on the trailing edge of a burst (default true). */
    public Builder trailing(boolean trailing) {
      this.trailing = trailing;
      return this;
    }

    /**
     * Publish the {@code headroom.debouncer.*} counters, tagged {@code debouncer=<name>}, to {@code
     * meterRegistry}; null (the default) for none. One registry holds one live debouncer per name.
     */
    public Builder meterRegistry(@Nullable MeterRegistry meterRegistry) {
      this.meterRegistry = meterRegistry;
      return this;
    }

    /** The clock of every decision and timer (default {@link TimeSource#system()}). */
    public Builder timeSource(TimeSource timeSource) {
      this.timeSource = Require.nonNull("timeSource", timeSource);
      return this;
    }

    /** Where timed runs of the action happen (default {@link ForkJoinPool#commonPool()}). */
    public Builder executor(Executor executor) {
      this.executor = Require.nonNull("executor", executor);
      return this;
    }

    /**
     * The immutable configuration.
     *
     * @throws IllegalArgumentException if leading and trailing are both off (the action would never
     *     run) or maxWait is less than the wait
     */
    public DebouncerConfig build() {
      Require.that(
          leading || trailing,
          "trailing",
          false,
          "be true when leading is false, or the action would never run");
      Require.that(
          maxWait == null || maxWait.compareTo(waitTime) >= 0,
          "maxWait",
          maxWait,
          "be at least waitTime (" + waitTime + ")");
      return new DebouncerConfig(this);
    }
  }
}
