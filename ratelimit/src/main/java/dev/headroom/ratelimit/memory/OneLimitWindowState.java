package dev.headroom.ratelimit.memory;

import dev.headroom.ratelimit.Decision;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.locks.LockSupport;

/*
 * Sliding counter or fixed window for a policy of exactly one limit (the common case), deciding
 * with one compare-and-set on a counter and allocating nothing but the Decision.
 *
 * The state is the current aligned window: its index, the final count of the window before it (the
 * sliding counter's "previous"; the fixed window ignores it) and the permits admitted in it so far.
 * Index and previous count are immutable fields of a Window object, replaced once per window; the
 * count is a mutable field of that object, raised by CAS. The arithmetic is SlidingCounterState's and
 * FixedWindowState's (same estimate, same reported remaining, reset and retry-after), on the same
 * values: only where they live differs.
 *
 * Rolling to a later window must not lose an admission counted on the old one meanwhile. The roller
 * first seals the old window's count (CAS of count to count | sign bit), so every later CAS on it
 * fails, and then publishes the next window (previous = the sealed count) by CAS of the window
 * reference. A decider that finds the count sealed re-reads the window: if its own time belongs to a
 * later window it helps to publish it, else it waits for the roller. A decision never sees a window
 * index go back (CasState.windowIndex never returns an index before the stored one), as in
 * CasState. A denial changes nothing. A thread that loses the counter's CAS parks as CasState's do.
 *
 * Policies with several limits keep the immutable snapshots of CasState, whose one CAS takes every
 * limit's permits together (all or nothing).
 */
/** One-limit sliding counter ({@code sliding}) or fixed window; lock-free, allocation-free. */
final class OneLimitWindowState extends KeyState {

  private static final long SEALED = Long.MIN_VALUE;
  private static final VarHandle COUNT;
  private static final VarHandle WINDOW;

  static {
    try {
      MethodHandles.Lookup lookup = MethodHandles.lookup();
      COUNT = lookup.findVarHandle(Window.class, "count", long.class);
      WINDOW = lookup.findVarHandle(OneLimitWindowState.class, "window", Window.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final boolean sliding;

  @SuppressWarnings("unused") // accessed through WINDOW
  private volatile Window window = new Window(Long.MIN_VALUE, 0);

  OneLimitWindowState(boolean sliding) {
    this.sliding = sliding;
  }

  // the allowed path is kept small: denial and rolling are methods of their own
  @Override
  Decision decide(long permits, long now, InMemoryRateLimiter ctx) {
    long limit = ctx.permits[0];
    long w = ctx.windowNanos[0];
    while (true) {
      Window cur = (Window) WINDOW.getAcquire(this);
      long idx = CasState.windowIndex(cur.index, now, w);
      long count = (long) COUNT.getVolatile(cur);
      if (idx != cur.index || count < 0) {
        settle(cur, count, idx);
        continue;
      }
      long d = Math.max(0, now - idx * w);
      long weighted =
          sliding ? SlidingCounterState.weighted(cur.previous, w, d, ctx.firstWindowInverse) : 0;
      if (count + permits + weighted > limit) {
        return denied(permits, now, ctx, limit, w, idx, d, cur.previous, count, weighted);
      }
      if (COUNT.compareAndSet(cur, count, count + permits)) {
        long resetAfter = sliding ? 2 * w - d : (idx + 1) * w - now;
        return ctx.decision(true, limit - count - permits - weighted, resetAfter, 0, now);
      }
      LockSupport.parkNanos(1);
    }
  }

  /** Brings window {@code idx} in, or waits for the thread that does. */
  private void settle(Window cur, long count, long idx) {
    if (idx != cur.index) {
      roll(cur, count, idx);
    } else {
      Thread.onSpinWait(); // sealed by a thread whose time is in a later window: it publishes it
    }
  }

  private Decision denied(
      long permits,
      long now,
      InMemoryRateLimiter ctx,
      long limit,
      long w,
      long idx,
      long d,
      long prev,
      long count,
      long weighted) {
    if (sliding) {
      return ctx.decision(
          false,
          limit - count - weighted,
          count > 0 ? 2 * w - d : prev > 0 ? w - d : 0,
          SlidingCounterState.retryAfter(limit, w, d, prev, count, permits),
          now);
    }
    long untilEnd = (idx + 1) * w - now;
    return ctx.decision(false, limit - count, count > 0 ? untilEnd : 0, untilEnd, now);
  }

  /** Seals {@code cur} (whose count was read as {@code count}) and publishes window {@code idx}. */
  private void roll(Window cur, long count, long idx) {
    long sealed = count;
    if (count >= 0) {
      sealed = count | SEALED;
      if (!COUNT.compareAndSet(cur, count, sealed)) {
        return; // counted or sealed meanwhile: start over
      }
    }
    long last = sealed & Long.MAX_VALUE;
    long previous = cur.index != Long.MIN_VALUE && cur.index == idx - 1 ? last : 0;
    var unused = WINDOW.compareAndSet(this, cur, new Window(idx, previous));
  }

  /** One aligned window: its index, the previous window's final count, and its own count. */
  static final class Window {
    final long index;
    final long previous;

    /** Permits admitted in this window; the sign bit set once sealed. Accessed through COUNT. */
    volatile long count;

    Window(long index, long previous) {
      this.index = index;
      this.previous = previous;
    }
  }
}
