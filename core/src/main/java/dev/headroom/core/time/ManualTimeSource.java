package dev.headroom.core.time;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A time source that moves only when told to, for tests and simulations. Both readings advance
 * together with {@link #advance(Duration)}; the wall clock alone can be set with
 * {@link #setWallClock(Instant)} to simulate a clock adjustment. Thread-safe.
 */
public final class ManualTimeSource implements TimeSource {

  private final AtomicLong nanos;
  private final AtomicLong wallMillis;

  private ManualTimeSource(long nanos, long wallMillis) {
    this.nanos = new AtomicLong(nanos);
    this.wallMillis = new AtomicLong(wallMillis);
  }

  /** Starts at wall-clock time {@code 2026-01-01T00:00:00Z} and an arbitrary nano origin. */
  public static ManualTimeSource create() {
    return startingAt(Instant.parse("2026-01-01T00:00:00Z"));
  }

  /** Starts at the given wall-clock time. */
  public static ManualTimeSource startingAt(Instant wallClock) {
    Objects.requireNonNull(wallClock, "wallClock");
    return new ManualTimeSource(1_000_000_000L, wallClock.toEpochMilli());
  }

  /**
   * Moves both readings forward.
   *
   * @throws IllegalArgumentException if {@code amount} is negative: monotonic time never goes back
   */
  public ManualTimeSource advance(Duration amount) {
    Objects.requireNonNull(amount, "amount");
    if (amount.isNegative()) {
      throw new IllegalArgumentException("amount must not be negative: " + amount);
    }
    nanos.addAndGet(amount.toNanos());
    wallMillis.addAndGet(amount.toMillis());
    return this;
  }

  /** Sets the wall clock only (monotonic time is unaffected), as a clock adjustment would. */
  public ManualTimeSource setWallClock(Instant wallClock) {
    wallMillis.set(wallClock.toEpochMilli());
    return this;
  }

  @Override
  public long nanoTime() {
    return nanos.get();
  }

  @Override
  public long currentTimeMillis() {
    return wallMillis.get();
  }

  @Override
  public String toString() {
    return "ManualTimeSource[" + now() + "]";
  }
}
