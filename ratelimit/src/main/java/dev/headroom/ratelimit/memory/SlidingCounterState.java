package dev.headroom.ratelimit.memory;

/*
 * Sliding window counter. Per limit the snapshot holds [windowIndex, previous, current]: the
 * counts of the current aligned window and of the one before it. At offset d into the current
 * window of length w, the previous window still overlaps the sliding window by (w - d), and its
 * count is assumed spread evenly over it, so the estimate is
 *
 *     estimate = current + previous * (w - d) / w
 *
 * and a request of p permits is admitted iff current + p + previous * (w - d) / w <= limit,
 * evaluated in double exactly like the Lua script (sliding_counter.lua) so both backends agree.
 * O(1) state per key; the price is an error bounded by the previous window's count (see README):
 * an aligned window never admits more than the limit, any window of length w at most
 * limit + previous * d / w < 2 * limit, and it is exact when traffic is even within each window.
 *
 * The snapshot is immutable and replaced by CAS (see CasState), so the hot path takes no lock.
 */
final class SlidingCounterState extends CasState {

  SlidingCounterState(int limits) {
    super(limits, 3);
  }

  @Override
  boolean advance(long[] cur, long[] next, int at, long now, long permits, long limit, long w) {
    long stored = cur[at];
    long idx = windowIndex(stored, now, w);
    long prev;
    long curr;
    if (stored == idx) {
      prev = cur[at + 1];
      curr = cur[at + 2];
    } else if (stored == idx - 1) {
      prev = cur[at + 2];
      curr = 0;
    } else {
      prev = 0;
      curr = 0;
    }
    next[at] = idx;
    next[at + 1] = prev;
    next[at + 2] = curr + permits;
    long d = Math.max(0, now - idx * w);
    return (double) (curr + permits) + (double) prev * (double) (w - d) / (double) w
        <= (double) limit;
  }

  @Override
  void report(
      boolean admitted,
      long[] next,
      int at,
      long now,
      long permits,
      long limit,
      long w,
      int i,
      ReportedLimit b) {
    long d = Math.max(0, now - next[at] * w);
    long prev = next[at + 1];
    long curr = next[at + 2] - permits;
    double weighted = (double) prev * (double) (w - d) / (double) w;
    if ((double) (curr + permits) + weighted <= (double) limit) {
      b.allowedCandidate(
          i, (long) Math.floor((double) (limit - curr - permits) - weighted), 2 * w - d);
    } else {
      b.deniedCandidate(
          i,
          (long) Math.floor((double) (limit - curr) - weighted),
          curr > 0 ? 2 * w - d : prev > 0 ? w - d : 0,
          retryAfter(limit, w, d, prev, curr, permits));
    }
  }

  /**
   * The wait until the estimate admits {@code permits}, if nothing else arrives; one unit of margin
   * for rounding.
   */
  static long retryAfter(long limit, long w, long d, long prev, long curr, long permits) {
    if (curr + permits <= limit) {
      // within this window, once the previous window's weight has fallen enough
      double dNeeded = w - (double) (limit - curr - permits) * w / prev;
      return Math.max(1, (long) Math.ceil(dNeeded - d) + 1);
    }
    // in the next window, where the current count becomes the previous one
    double dNext = w - (double) (limit - permits) * w / curr;
    return (w - d) + (long) Math.ceil(dNext) + 1;
  }
}
