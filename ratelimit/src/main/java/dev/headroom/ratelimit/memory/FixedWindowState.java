package dev.headroom.ratelimit.memory;

/*
 * Fixed window: per limit the snapshot holds [windowIndex, count], the permits admitted in the
 * current aligned window [index * w, (index + 1) * w). A request of p permits is admitted iff
 * count + p <= limit for every limit; a new window index starts the count at zero. The cheapest
 * algorithm and the easiest to explain ("100 per minute, counted afresh each minute"), at the price
 * of admitting up to twice the limit across a window boundary. Windows are aligned to the time
 * source's monotonic origin (fixed_window.lua aligns them to the Unix epoch of the Redis clock).
 *
 * The snapshot is immutable and replaced by CAS (see CasState), so the hot path takes no lock.
 */
final class FixedWindowState extends CasState {

  FixedWindowState(int limits) {
    super(limits, 2);
  }

  @Override
  boolean advance(long[] cur, long[] next, int at, long now, long permits, long limit, long w) {
    long idx = windowIndex(cur[at], now, w);
    long count = cur[at] == idx ? cur[at + 1] : 0;
    next[at] = idx;
    next[at + 1] = count + permits;
    return count + permits <= limit;
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
    long count = next[at + 1] - permits;
    long untilEnd = (next[at] + 1) * w - now;
    if (count + permits > limit) {
      b.deniedCandidate(i, limit - count, count > 0 ? untilEnd : 0, untilEnd);
    } else {
      b.allowedCandidate(i, limit - count - permits, untilEnd);
    }
  }
}
