package dev.headroom.ratelimit;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;

/**
 * Straightforward models of what the limiters must decide, for property and differential tests: a
 * list of admissions, counted the slow and obvious way. Times are in any one unit (the caller's).
 */
public final class Reference {

  private final List<long[]> admitted = new ArrayList<>();

  /** A model with no admission yet. */
  public Reference() {}

  /** Permits admitted in {@code (now - window, now]}. */
  public long slidingCount(long now, long window) {
    return admitted.stream().filter(a -> now - a[0] < window).mapToLong(a -> a[1]).sum();
  }

  /** Permits admitted in the aligned window {@code index} of length {@code window}. */
  public long alignedCount(long index, long window) {
    return admitted.stream()
        .filter(a -> Math.floorDiv(a[0], window) == index)
        .mapToLong(a -> a[1])
        .sum();
  }

  /**
   * Whether the exact sliding log admits {@code permits} at {@code now} under every (limit,
   * window).
   */
  public boolean logAdmits(long now, long permits, long[] limits, long[] windows) {
    for (int i = 0; i < limits.length; i++) {
      if (slidingCount(now, windows[i]) + permits > limits[i]) {
        return false;
      }
    }
    return true;
  }

  /** Whether the sliding counter's documented estimate admits {@code permits} at {@code now}. */
  public boolean counterAdmits(long now, long permits, long limit, long window) {
    long idx = Math.floorDiv(now, window);
    long d = now - idx * window;
    long curr = alignedCount(idx, window);
    long prev = alignedCount(idx - 1, window);
    // exactly, in rationals: (curr + permits) + prev * (window - d) / window <= limit
    BigInteger w = BigInteger.valueOf(window);
    return BigInteger.valueOf(curr + permits)
            .multiply(w)
            .add(BigInteger.valueOf(prev).multiply(BigInteger.valueOf(window - d)))
            .compareTo(BigInteger.valueOf(limit).multiply(w))
        <= 0;
  }

  /**
   * The permits the sliding counter's estimate leaves at {@code now}: {@code floor(limit - curr -
   * prev * (window - d) / window)}, exactly.
   */
  public long counterLeft(long now, long limit, long window) {
    long idx = Math.floorDiv(now, window);
    long d = now - idx * window;
    long curr = alignedCount(idx, window);
    long prev = alignedCount(idx - 1, window);
    BigInteger[] qr =
        BigInteger.valueOf(prev)
            .multiply(BigInteger.valueOf(window - d))
            .divideAndRemainder(BigInteger.valueOf(window));
    long weighted = qr[0].longValueExact() + (qr[1].signum() == 0 ? 0 : 1);
    return limit - curr - weighted;
  }

  /** Records an admission. */
  public void admit(long now, long permits) {
    admitted.add(new long[] {now, permits});
  }
}
