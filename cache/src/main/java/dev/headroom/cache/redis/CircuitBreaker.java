package dev.headroom.cache.redis;

import dev.headroom.core.time.TimeSource;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A small circuit breaker in front of Redis: CLOSED lets every call through and counts consecutive
 * failures; at the threshold it goes OPEN and refuses calls for the open duration; then the first
 * caller becomes a probe (HALF_OPEN): its success closes the breaker, its failure opens it again. A
 * probe that never reports is replaced after another open duration.
 *
 * <p>{@link #allow()} on a closed breaker is one volatile read, and {@link #onSuccess()} two when
 * there were no failures, so the breaker costs nothing measurable on the L2 hit path. Transitions
 * are synchronized (they are rare). Thread-safe.
 */
public final class CircuitBreaker {

  /** The breaker's state. */
  public enum State {
    /** Calls go through. */
    CLOSED,
    /** Calls are refused until the open duration has passed. */
    OPEN,
    /** One probe call is in flight. */
    HALF_OPEN
  }

  /** Told when the breaker opens and when it closes again after having been open. */
  public interface Listener {
    /** The breaker opened after failures. */
    void onOpen();

    /** The breaker closed after a successful probe. */
    void onClose();
  }

  private final int threshold;
  private final long openNanos;
  private final TimeSource time;
  private final Listener listener;
  private final AtomicInteger failures = new AtomicInteger();
  private volatile State state = State.CLOSED;
  private long since;

  /** A closed breaker. */
  public CircuitBreaker(int threshold, long openNanos, TimeSource time, Listener listener) {
    this.threshold = threshold;
    this.openNanos = openNanos;
    this.time = time;
    this.listener = listener;
  }

  /**
   * Whether a call may be sent now; a true answer must be followed by {@link #onSuccess()} or
   * {@link #onFailure()}.
   */
  public boolean allow() {
    return state == State.CLOSED || tryProbe();
  }

  private synchronized boolean tryProbe() {
    if (state == State.CLOSED) {
      return true;
    }
    long now = time.nanoTime();
    if (now - since >= openNanos) {
      state = State.HALF_OPEN;
      since = now;
      return true;
    }
    return false;
  }

  /**
   * A call succeeded. Only a success while HALF_OPEN (the probe's) closes the breaker; while OPEN a
   * success is ignored: it is the late answer of a call sent before the breaker opened, and closing
   * on it would let a slow Redis make the breaker flap (and clear L1 on every close).
   */
  public void onSuccess() {
    State s = state;
    if (s == State.CLOSED) {
      if (failures.get() != 0) {
        failures.set(0);
      }
    } else if (s == State.HALF_OPEN) {
      boolean closed;
      synchronized (this) {
        closed = state == State.HALF_OPEN;
        if (closed) {
          state = State.CLOSED;
          failures.set(0);
        }
      }
      if (closed) {
        listener.onClose();
      }
    }
  }

  /** A call failed or timed out. */
  public void onFailure() {
    int n = failures.incrementAndGet();
    if (state == State.HALF_OPEN || (state == State.CLOSED && n >= threshold)) {
      boolean opened;
      synchronized (this) {
        opened = state == State.CLOSED;
        state = State.OPEN;
        since = time.nanoTime();
      }
      if (opened) {
        listener.onOpen();
      }
    }
  }

  /** The current state. */
  public State state() {
    return state;
  }
}
