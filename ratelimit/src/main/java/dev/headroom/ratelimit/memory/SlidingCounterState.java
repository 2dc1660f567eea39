package dev.headroom.ratelimit.memory;

import java.math.BigInteger;

/*
 * Sliding window counter. Per limit the snapshot holds [windowIndex, previous, current]: the
 * counts of the current aligned window and of the one before it. At offset d into the current
 * window of length w, the previous window still overlaps the sliding window by (w - d), and its
 * count is assumed spread evenly over it, so the estimate is
 *
 *     estimate = current + previous * (w - d) / w
 *
 * and a request of p permits is admitted iff current + p + previous * (w - d) / w <= limit,
 * evaluated exactly in integers (the weighted term rounded up, products past 64 bits in
 * BigInteger), as the Lua script (sliding_counter.lua) does, so both backends agree. In double,
 * limit x window past 2^53 lost the previous window's weight near a window edge and admitted one
 * more than the estimate allows.
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
    return curr + permits + weighted(prev, w, d) <= limit;
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
    long weighted = weighted(prev, w, d);
    if (curr + permits + weighted <= limit) {
      b.allowedCandidate(i, limit - curr - permits - weighted, 2 * w - d);
    } else {
      b.deniedCandidate(
          i,
          limit - curr - weighted,
          curr > 0 ? 2 * w - d : prev > 0 ? w - d : 0,
          retryAfter(limit, w, d, prev, curr, permits));
    }
  }

  /**
   * The previous window's count weighed by its overlap with the sliding window, rounded up: {@code
   * ceil(prev * (w - d) / w)}. Counts are whole, so {@code curr + p + prev * (w - d) / w <= limit}
   * holds exactly when {@code curr + p + weighted(prev, w, d) <= limit}.
   */
  static long weighted(long prev, long w, long d) {
    return prev == 0 ? 0 : ceilMulDiv(prev, w - d, w);
  }

  /**
   * The exact wait until the estimate admits {@code permits} if nothing else arrives: the first
   * offset at which it does, in this window or the next.
   */
  static long retryAfter(long limit, long w, long d, long prev, long curr, long permits) {
    if (curr + permits <= limit) {
      // within this window, once prev * (w - d') <= (limit - curr - permits) * w
      long dNeeded = w - floorMulDiv(limit - curr - permits, w, prev);
      return Math.max(1, dNeeded - d);
    }
    // in the next window, where the current count becomes the previous one
    long dNext = w - floorMulDiv(limit - permits, w, curr);
    return (w - d) + dNext;
  }

  /** {@code floor(a * b / c)} for non-negative a, b and positive c, exactly. */
  static long floorMulDiv(long a, long b, long c) {
    long high = Math.multiplyHigh(a, b);
    long low = a * b;
    if (high == 0 && low >= 0) {
      return low / c;
    }
    return BigInteger.valueOf(a)
        .multiply(BigInteger.valueOf(b))
        .divide(BigInteger.valueOf(c))
        .longValueExact();
  }

  /**
   * {@link #weighted(long, long, long)} with {@code inverse} = {@code 1.0 / w}: the quotient is
   * estimated in floating point and then corrected to the exact integer, which costs less than a
   * 64-bit division.
   */
  static long weighted(long prev, long w, long d, double inverse) {
    if (prev == 0) {
      return 0;
    }
    long b = w - d;
    long low = prev * b;
    if (Math.multiplyHigh(prev, b) != 0 || low < 0 || low >= 1L << 62) {
      return ceilMulDiv(prev, b, w);
    }
    // the estimate is off by far less than one for windows of a millisecond or more; the loops
    // make it exact whatever the error (q * w stays below 2^63, as q * w is within a relative
    // 2^-50 of low)
    long q = (long) (low * inverse);
    long r = low - q * w;
    while (r < 0) {
      q--;
      r += w;
    }
    while (r >= w) {
      q++;
      r -= w;
    }
    return r == 0 ? q : q + 1;
  }

  /** {@code ceil(a * b / c)} for non-negative a, b and positive c, exactly. */
  static long ceilMulDiv(long a, long b, long c) {
    long high = Math.multiplyHigh(a, b);
    long low = a * b;
    if (high == 0 && low >= 0) {
      return low / c + (low % c == 0 ? 0 : 1);
    }
    BigInteger[] qr =
        BigInteger.valueOf(a)
            .multiply(BigInteger.valueOf(b))
            .divideAndRemainder(BigInteger.valueOf(c));
    return qr[0].longValueExact() + (qr[1].signum() == 0 ? 0 : 1);
  }
}
