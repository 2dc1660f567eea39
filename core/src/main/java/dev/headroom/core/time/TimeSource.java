package dev.headroom.core.time;

import java.time.Duration;
import java.time.Instant;

/**
 * The one clock of every time-dependent Headroom class: a monotonic nanosecond reading for
 * measuring intervals, a wall-clock reading for timestamps that leave the process, and the timers
 * that fire on that same clock (batch windows, debouncers, retry delays, blocking acquires).
 *
 * <p>Implementations must be thread-safe. Use {@link #system()} in production and {@link
 * ManualTimeSource} in tests, so tests move time instead of sleeping: a manual source fires its
 * timers when it is advanced past them.
 */
public interface TimeSource {

  /**
   * A monotonic reading in nanoseconds, for intervals only: its origin is arbitrary and it never
   * goes backwards.
   */
  long nanoTime();

  /** Milliseconds since the epoch (wall clock; may jump when the clock is adjusted). */
  long currentTimeMillis();

  /** The wall clock as an {@link Instant}. */
  default Instant now() {
    return Instant.ofEpochMilli(currentTimeMillis());
  }

  /**
   * Runs {@code task} once, no earlier than {@code delayNanos} on this clock from now. A delay of
   * zero or less runs it as soon as possible, never on the calling thread's stack. Tasks must be
   * short: they run on a shared timer thread (or the thread that advances a manual source) and hand
   * real work to an executor.
   *
   * @return a handle that cancels the task if it has not started
   */
  Cancellable schedule(Runnable task, long delayNanos);

  /** Like {@link #schedule(Runnable, long)} with a {@link Duration}. */
  default Cancellable schedule(Runnable task, Duration delay) {
    return schedule(task, delay.toNanos());
  }

  /**
   * The system clocks ({@link System#nanoTime()}, {@link System#currentTimeMillis()}) and one
   * process-wide daemon timer thread, started on first use.
   */
  static TimeSource system() {
    return SystemTimeSource.INSTANCE;
  }
}
