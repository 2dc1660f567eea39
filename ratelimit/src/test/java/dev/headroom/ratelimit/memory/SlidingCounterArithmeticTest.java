package dev.headroom.ratelimit.memory;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The floating-point estimate of the previous window's weight gives the exact integer. */
class SlidingCounterArithmeticTest {

  @Test
  void weightedWithInverseEqualsExactDivision() {
    SplittableRandom random = new SplittableRandom(7);
    long[] windows = {
      1_000_000L,
      3_000_001L,
      100_000_000L,
      999_999_937L,
      60_000_000_000L,
      86_400_000_000_000L,
      366L * 86_400_000_000_000L
    };
    for (long w : windows) {
      double inverse = 1.0 / w;
      long[] prevs = {0, 1, 2, 3, 7, 1_000_000, 100_000_000, 1L << 40};
      for (long prev : prevs) {
        for (long d : new long[] {0, 1, w / 3, w / 2, w - 1}) {
          check(prev, w, d, inverse);
        }
      }
      for (int i = 0; i < 20_000; i++) {
        long prev = random.nextLong(1L << (1 + random.nextInt(40)));
        long d = random.nextLong(w);
        check(prev, w, d, inverse);
      }
    }
  }

  private static void check(long prev, long w, long d, double inverse) {
    long exact = prev == 0 ? 0 : SlidingCounterState.ceilMulDiv(prev, w - d, w);
    assertThat(SlidingCounterState.weighted(prev, w, d, inverse))
        .as("prev %d, w %d, d %d", prev, w, d)
        .isEqualTo(exact)
        .isEqualTo(SlidingCounterState.weighted(prev, w, d));
  }
}
