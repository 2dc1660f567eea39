package dev.headroom.ratelimit.memory;

import dev.headroom.ratelimit.Decision;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.locks.LockSupport;

/**
 * Base of the lock-free states: an immutable {@code long[]} snapshot replaced by compare-and-set. A
 * decision reads the snapshot, computes the next one and publishes it with one CAS, retrying from a
 * fresh read if another thread won. A denial publishes nothing. The array is never written after
 * publication. The decision's time was read before the snapshot, so a snapshot may come from a
 * slightly later instant (another thread's); {@link #windowIndex} then treats "now" as no earlier
 * than the snapshot's window.
 *
 * <p>A thread that loses the race parks for the shortest time the OS allows (tens of microseconds
 * on Linux) before retrying, as Resilience4j's limiter does: on one key hammered by many threads
 * the winner then proceeds uncontended and throughput stays near the single-thread rate instead of
 * collapsing under retries; only the losers of a race wait.
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
    long[] limits = ctx.permits;
    long[] windows = ctx.windowNanos;
    int n = limits.length;
    while (true) {
      long[] cur = read();
      long[] next = new long[stride * n];
      boolean admitted = true;
      for (int i = 0; i < n; i++) {
        admitted &= advance(cur, next, stride * i, now, permits, limits[i], windows[i]);
      }
      // only the state is computed between the read and the CAS, to keep the race window short
      if (admitted && !publish(cur, next)) {
        LockSupport.parkNanos(1);
        continue;
      }
      ReportedLimit b = new ReportedLimit();
      for (int i = 0; i < n; i++) {
        report(admitted, next, stride * i, now, permits, limits[i], windows[i], i, b);
      }
      return ctx.decision(b, now);
    }
  }

  /**
   * Writes to {@code next} the slots of one limit (starting at {@code at}) as they are at {@code
   * now} with {@code permits} added, and answers whether that limit admits them.
   */
  abstract boolean advance(
      long[] cur, long[] next, int at, long now, long permits, long limit, long window);

  /**
   * Reports limit {@code i} to {@code b} from the slots {@link #advance} wrote: as allowed when the
   * request was {@code admitted}, else as denying if this limit is one that refused it.
   */
  abstract void report(
      boolean admitted,
      long[] next,
      int at,
      long now,
      long permits,
      long limit,
      long window,
      int i,
      ReportedLimit b);

  /**
   * The index of the aligned window of length {@code w} holding {@code now}, never before the
   * stored one (a snapshot may come from a slightly later instant); the stored window or the next
   * one are found without a division.
   */
  static long windowIndex(long stored, long now, long w) {
    if (stored != Long.MIN_VALUE) {
      long offset = now - stored * w;
      if (offset < w) {
        return stored;
      }
      if (offset < 2 * w) {
        return stored + 1;
      }
    }
    return Math.floorDiv(now, w);
  }

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
