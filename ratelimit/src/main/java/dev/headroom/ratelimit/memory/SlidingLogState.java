package dev.headroom.ratelimit.memory;

import dev.headroom.ratelimit.Decision;

/*
 * Sliding log: the exact algorithm. One log per key holds the admission times of the last
 * longest-window (older entries are dropped first), and every limit counts the entries younger
 * than its own window, so several limits share one log. An entry is (time, cumulative permits up
 * to and including it); cumulative sums turn "permits in the window" into one subtraction and
 * "when will k permits have left the window" into a binary search. Two admissions at the same
 * instant merge into one entry, so the log holds at most one entry per distinct admission time
 * and at most `limit` entries for the longest window's limit.
 *
 * An entry admitted at t counts at time now iff now - t < window (the same boundary as the Lua
 * script's ZCOUNT over (now - window, +inf)).
 *
 * The log is a growable ring buffer mutated in place, so decisions on one key take its monitor;
 * keys never contend with each other. A time read before the monitor that is older than the newest
 * entry is moved up to it, so entries stay in time order.
 */
final class SlidingLogState extends KeyState {

  private long[] times = new long[4];
  private long[] cumulative = new long[4];
  private int head;
  private int size;

  /** Cumulative permits of everything before {@code head}. */
  private long base;

  @Override
  synchronized Decision decide(long permits, long time, InMemoryRateLimiter ctx) {
    long[] limits = ctx.permits;
    long[] windows = ctx.windowNanos;
    int mask = times.length - 1;
    // the time was read before the monitor: never append before the newest entry
    long now = size > 0 ? Math.max(time, times[(head + size - 1) & mask]) : time;
    while (size > 0 && times[head] <= now - ctx.longestWindowNanos) {
      base = cumulative[head];
      head = (head + 1) & mask;
      size--;
    }
    long total = size == 0 ? base : cumulative[(head + size - 1) & mask];
    ReportedLimit b = new ReportedLimit();
    for (int i = 0; i < limits.length; i++) {
      long w = windows[i];
      int first = firstAfter(now - w);
      long before = first == 0 ? base : cumulative[(head + first - 1) & mask];
      long count = total - before;
      if (count + permits > limits[i]) {
        int j = firstReaching(first, before + count + permits - limits[i]);
        long retry = times[(head + j) & mask] + w - now;
        long newest = times[(head + size - 1) & mask];
        b.deniedCandidate(i, limits[i] - count, newest + w - now, retry);
      } else {
        b.allowedCandidate(i, limits[i] - count - permits, w);
      }
    }
    if (!b.denied) {
      append(now, total + permits);
    }
    return ctx.decision(b, now);
  }

  /** Logical index of the first entry with time > {@code threshold} ({@code size} if none). */
  private int firstAfter(long threshold) {
    int lo = 0;
    int hi = size;
    int mask = times.length - 1;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (times[(head + mid) & mask] > threshold) {
        hi = mid;
      } else {
        lo = mid + 1;
      }
    }
    return lo;
  }

  /**
   * Logical index of the first entry at or after {@code from} whose cumulative sum is at least
   * {@code target}.
   */
  private int firstReaching(int from, long target) {
    int lo = from;
    int hi = size - 1;
    int mask = times.length - 1;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (cumulative[(head + mid) & mask] >= target) {
        hi = mid;
      } else {
        lo = mid + 1;
      }
    }
    return lo;
  }

  private void append(long now, long cumulativeAfter) {
    int mask = times.length - 1;
    if (size > 0 && times[(head + size - 1) & mask] == now) {
      cumulative[(head + size - 1) & mask] = cumulativeAfter;
      return;
    }
    if (size == times.length) {
      grow();
      mask = times.length - 1;
    }
    int at = (head + size) & mask;
    times[at] = now;
    cumulative[at] = cumulativeAfter;
    size++;
  }

  private void grow() {
    int cap = times.length;
    long[] t = new long[cap * 2];
    long[] c = new long[cap * 2];
    for (int i = 0; i < size; i++) {
      t[i] = times[(head + i) & (cap - 1)];
      c[i] = cumulative[(head + i) & (cap - 1)];
    }
    times = t;
    cumulative = c;
    head = 0;
  }

  /** Entries held, for footprint measurements and tests. */
  synchronized int entries() {
    return size;
  }
}
