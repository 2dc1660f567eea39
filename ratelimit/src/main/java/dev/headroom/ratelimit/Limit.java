package dev.headroom.ratelimit;

import java.time.Duration;
import java.util.Objects;

/**
 * One limit: at most {@code permits} per {@code window}, such as 100 per minute. A policy combines
 * one or more (checked together, all or nothing). Immutable.
 *
 * @param permits how many permits the window holds; at least 1
 * @param window the window's length; from {@link #MIN_WINDOW} to {@link #MAX_WINDOW}
 */
public record Limit(long permits, Duration window) {

  /**
   * The shortest window: anything shorter is below the resolution of Redis expiry and network
   * latency.
   */
  public static final Duration MIN_WINDOW = Duration.ofMillis(1);

  /** The longest window: 366 days. */
  public static final Duration MAX_WINDOW = Duration.ofDays(366);

  /**
   * The largest permit count: large enough for any real limit, small enough for exact arithmetic in
   * Lua (2^40).
   */
  public static final long MAX_PERMITS = 1L << 40;

  /**
   * Creates a limit.
   *
   * @throws IllegalArgumentException if permits or window is out of range; the message names the
   *     value and the rule
   */
  public Limit {
    Objects.requireNonNull(window, "window");
    if (permits < 1 || permits > MAX_PERMITS) {
      throw new IllegalArgumentException(
          "permits must be between 1 and " + MAX_PERMITS + ", was " + permits);
    }
    if (window.compareTo(MIN_WINDOW) < 0) {
      throw new IllegalArgumentException(
          "window must be at least " + MIN_WINDOW + ", was " + window);
    }
    if (window.compareTo(MAX_WINDOW) > 0) {
      throw new IllegalArgumentException(
          "window must be at most " + MAX_WINDOW + ", was " + window);
    }
  }

  /** {@code permits} per {@code window}. */
  public static Limit of(long permits, Duration window) {
    return new Limit(permits, window);
  }

  /** {@code permits} per second. */
  public static Limit perSecond(long permits) {
    return new Limit(permits, Duration.ofSeconds(1));
  }

  /** {@code permits} per minute. */
  public static Limit perMinute(long permits) {
    return new Limit(permits, Duration.ofMinutes(1));
  }

  /** {@code permits} per hour. */
  public static Limit perHour(long permits) {
    return new Limit(permits, Duration.ofHours(1));
  }

  /** The window in nanoseconds. */
  public long windowNanos() {
    return window.toNanos();
  }

  /** The window in whole microseconds (at least 1000: windows are at least a millisecond). */
  public long windowMicros() {
    return window.toNanos() / 1000;
  }

  /** Renders as {@code 100/PT1M}. */
  @Override
  public String toString() {
    return permits + "/" + window;
  }
}
