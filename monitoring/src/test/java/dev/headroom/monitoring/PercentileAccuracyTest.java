package dev.headroom.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.headroom.core.time.ManualTimeSource;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import java.util.function.DoubleSupplier;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/** Percentiles against the exact ones on random distributions: at most 1 % relative error. */
class PercentileAccuracyTest {

  enum Shape {
    /** 1 ms to 2 s, flat. */
    UNIFORM,
    /** Median about 50 ms with a long tail, as request latencies usually are. */
    LOG_NORMAL,
    /** 90 % fast (cache hits around 5 ms), 10 % slow (misses around 400 ms). */
    BIMODAL
  }

  @Property(tries = 30)
  void percentilesAreWithinOnePercentOfExact(
      @ForAll Shape shape,
      @ForAll long seed,
      @ForAll @IntRange(min = 2_000, max = 60_000) int samples) {
    Random random = new Random(seed);
    DoubleSupplier millis =
        switch (shape) {
          case UNIFORM -> () -> 1 + random.nextDouble() * 1_999;
          case LOG_NORMAL -> () -> Math.exp(Math.log(50) + 0.8 * random.nextGaussian());
          case BIMODAL ->
              () ->
                  random.nextDouble() < 0.9
                      ? Math.max(0.5, 5 + random.nextGaussian())
                      : Math.max(1, 400 + 60 * random.nextGaussian());
        };
    ManualTimeSource time = ManualTimeSource.create();
    RequestMetrics metrics =
        RequestMetrics.create(RequestMetricsConfig.builder().timeSource(time).build());
    long[] micros = new long[samples];
    for (int i = 0; i < samples; i++) {
      micros[i] = Math.round(millis.getAsDouble() * 1_000);
      metrics.recordRequest("/e" + (i % 3), "GET", 200, Duration.ofNanos(micros[i] * 1_000));
      if (i % 1_000 == 0) {
        time.advance(Duration.ofSeconds(1));
      }
    }
    Arrays.sort(micros);
    WindowStats stats = metrics.overall(Duration.ofMinutes(5));
    assertThat(stats.count()).isEqualTo(samples);
    for (double q : new double[] {0.5, 0.9, 0.95, 0.99, 0.999}) {
      double exact = exact(micros, q);
      double measured = stats.percentile(q).orElseThrow().toNanos() / 1_000.0;
      assertThat(Math.abs(measured - exact) / exact)
          .as("%s p%s: exact %s µs, measured %s µs", shape, q * 100, exact, measured)
          .isLessThanOrEqualTo(0.01);
    }
    double max = stats.max().orElseThrow().toNanos() / 1_000.0;
    assertThat(Math.abs(max - micros[samples - 1]) / micros[samples - 1]).isLessThanOrEqualTo(0.01);
    double mean = Arrays.stream(micros).average().orElseThrow();
    assertThat(Math.abs(stats.mean().orElseThrow().toNanos() / 1_000.0 - mean) / mean)
        .isLessThanOrEqualTo(0.01);
  }

  /**
   * The nearest-rank percentile: the smallest value with at least q of the samples at or below it.
   */
  private static double exact(long[] sorted, double q) {
    int rank = (int) Math.max(1, Math.ceil(q * sorted.length));
    return sorted[rank - 1];
  }
}
