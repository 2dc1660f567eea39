package dev.headroom.core.time;

import java.time.Instant;

/**
 * Where every time-dependent Headroom class reads the time: a monotonic nanosecond reading for
 * measuring intervals and a wall-clock reading for timestamps that leave the process.
 *
 * <p>Implementations must be thread-safe. Use {@link #system()} in production and
 * {@link ManualTimeSource} in tests, so tests move time instead of sleeping.
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

  /** The system clocks: {@link System#nanoTime()} and {@link System#currentTimeMillis()}. */
  static TimeSource system() {
    return SystemTimeSource.INSTANCE;
  }
}
