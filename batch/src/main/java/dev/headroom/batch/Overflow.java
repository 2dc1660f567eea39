package dev.headroom.batch;

import java.time.Duration;
import java.util.Objects;

/**
 * What {@code load} does when the batcher already holds its {@linkplain
 * BatcherConfig#maxPendingKeys() maximum of pending keys}. Immutable.
 *
 * <ul>
 *   <li>{@link #block(Duration)}: the caller waits up to the timeout for room; if none comes, the
 *       returned future fails with {@link BatcherFullException}. The calling thread blocks: not a
 *       policy for loads issued from callbacks that run on an I/O thread (Lettuce's event loop
 *       completes the futures of a Redis loader) or on the timer thread.
 *   <li>{@link #failFast()}: {@code load} throws {@link BatcherFullException} at once.
 *   <li>{@link #reject()}: {@code load} returns at once a future already failed with {@link
 *       BatcherFullException}; nothing is thrown, which suits asynchronous callers.
 * </ul>
 *
 * A key already waiting in the open window (or in the result cache) is never refused: joining it
 * takes no room.
 */
public final class Overflow {

  /** The kinds of policy. */
  public enum Kind {
    /** Wait for room, up to a timeout. */
    BLOCK,
    /** Throw from {@code load}. */
    FAIL_FAST,
    /** Return a failed future. */
    REJECT
  }

  private static final Overflow FAIL_FAST = new Overflow(Kind.FAIL_FAST, Duration.ZERO);
  private static final Overflow REJECT = new Overflow(Kind.REJECT, Duration.ZERO);

  private final Kind kind;
  private final Duration timeout;

  private Overflow(Kind kind, Duration timeout) {
    this.kind = kind;
    this.timeout = timeout;
  }

  /**
   * Wait up to {@code timeout} for room.
   *
   * @throws IllegalArgumentException if {@code timeout} is negative
   */
  public static Overflow block(Duration timeout) {
    Objects.requireNonNull(timeout, "timeout");
    if (timeout.isNegative()) {
      throw new IllegalArgumentException(
          "overflow block timeout must not be negative, was " + timeout);
    }
    return new Overflow(Kind.BLOCK, timeout);
  }

  /** Throw {@link BatcherFullException} from {@code load}. */
  public static Overflow failFast() {
    return FAIL_FAST;
  }

  /** Return a future already failed with {@link BatcherFullException}. */
  public static Overflow reject() {
    return REJECT;
  }

  /** The kind. */
  public Kind kind() {
    return kind;
  }

  /** How long {@link Kind#BLOCK} waits; zero for the other kinds. */
  public Duration timeout() {
    return timeout;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Overflow other && kind == other.kind && timeout.equals(other.timeout);
  }

  @Override
  public int hashCode() {
    return kind.hashCode() * 31 + timeout.hashCode();
  }

  @Override
  public String toString() {
    return kind == Kind.BLOCK
        ? "block(" + timeout + ")"
        : kind == Kind.FAIL_FAST ? "failFast()" : "reject()";
  }
}
