package dev.headroom.core.backoff;

/**
 * How a {@link Backoff} randomizes its delays, so that many clients retrying after one failure do
 * not retry in lock step. With {@code exp = min(cap, base * multiplier^(attempt-1))}:
 */
public enum Jitter {
  /** No randomness: {@code exp}. */
  NONE,
  /** Uniform in {@code [0, exp]}: spreads retries the most. */
  FULL,
  /**
   * {@code exp/2} plus uniform in {@code [0, exp/2]}: never shorter than half the exponential
   * delay.
   */
  EQUAL,
  /**
   * Uniform in {@code [base, previous * 3]}, capped: grows from the previous delay rather than the
   * attempt number, so it needs the previous delay ({@link Backoff.Schedule} keeps it).
   */
  DECORRELATED
}
