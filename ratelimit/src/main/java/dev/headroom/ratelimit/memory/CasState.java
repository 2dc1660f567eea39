package dev.headroom.ratelimit.memory;

import dev.headroom.ratelimit.Decision;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * Base of the lock-free states: an immutable {@code long[]} snapshot replaced by compare-and-set.
 * A decision reads the snapshot, computes the next one and publishes it with one CAS, retrying
 * from a fresh read if another thread won. A denial publishes nothing. The array is never written
 * after publication. The decision's time was read before the snapshot, so a snapshot may come from
 * a slightly later instant (another thread's); the steps then treat "now" as no earlier than the
 * snapshot's window.
 */
abstract class CasState extends KeyState {

  private static final VarHandle STATE;

  static {
    try {
      STATE = MethodHandles.lookup().findVarHandle(CasState.class, "state", long[].class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  @SuppressWarnings("unused") // accessed through STATE
  private volatile long[] state;
  private final int stride;

  CasState(int limits, int stride) {
    this.state = initial(limits, stride);
    this.stride = stride;
  }

  @Override
  final Decision decide(long permits, long now, InMemoryRateLimiter ctx) {
    int n = ctx.permits.length;
    Binding b = new Binding();
    while (true) {
      long[] cur = read();
      b.clear();
      long[] next = new long[stride * n];
      for (int i = 0; i < n; i++) {
        step(cur, next, stride * i, now, permits, ctx.permits[i], ctx.windowNanos[i], i, b);
      }
      if (b.denied || publish(cur, next)) {
        return ctx.decision(b, now);
      }
    }
  }

  /**
   * Decides limit {@code i} (whose slots start at {@code at}) for {@code permits} at {@code now}:
   * reports it to {@code b} and writes the slots it would have once admitted to {@code next}.
   */
  abstract void step(long[] cur, long[] next, int at, long now, long permits, long limit, long window, int i, Binding b);

  /** A snapshot of {@code stride} longs per limit whose first, the window index, is "never". */
  static long[] initial(int limits, int stride) {
    long[] s = new long[stride * limits];
    for (int i = 0; i < limits; i++) {
      s[stride * i] = Long.MIN_VALUE;
    }
    return s;
  }

  private long[] read() {
    return (long[]) STATE.getAcquire(this);
  }

  private boolean publish(long[] expected, long[] next) {
    return STATE.compareAndSet(this, expected, next);
  }
}
