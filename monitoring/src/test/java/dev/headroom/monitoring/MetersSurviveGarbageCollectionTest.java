package dev.headroom.monitoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import dev.headroom.core.metrics.HeadroomMeters;
import dev.headroom.core.time.ManualTimeSource;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.ref.WeakReference;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Defect 13: the windowed gauges read objects nothing else held and Micrometer holds a gauge's
 * object weakly, so after the first garbage collection they read NaN; the error counters froze the
 * same way. Every meter must read the same after a full collection as before it.
 */
class MetersSurviveGarbageCollectionTest {

  @Test
  void metersReadTheSameAfterAGarbageCollection() {
    MeterRegistry registry = new SimpleMeterRegistry();
    ManualTimeSource time = ManualTimeSource.create();
    try (RequestMetrics metrics =
        RequestMetrics.create(
            RequestMetricsConfig.builder().timeSource(time).meterRegistry(registry).build())) {
      metrics.recordRequest("/a", "GET", 200, Duration.ofMillis(100));
      metrics.recordRequest("/a", "GET", 404, Duration.ofMillis(300));
      metrics.recordRequest("/a", "GET", 503, Duration.ofMillis(200));

      collectGarbage();

      metrics.recordRequest("/a", "GET", 500, Duration.ofMillis(400));
      assertThat(
              registry
                  .get(HeadroomMeters.HTTP_LATENCY)
                  .tags("endpoint", "/a", "method", "GET", "window", "1m", "statistic", "max")
                  .gauge()
                  .value())
          .isCloseTo(0.4, within(0.001));
      assertThat(
              registry
                  .get(HeadroomMeters.HTTP_ERROR_RATE)
                  .tags("endpoint", "/a", "method", "GET", "window", "5m")
                  .gauge()
                  .value())
          .isEqualTo(0.75);
      assertThat(
              registry
                  .get(HeadroomMeters.HTTP_ERRORS)
                  .tags("endpoint", "/a", "method", "GET", "status", "5xx")
                  .functionCounter()
                  .count())
          .isEqualTo(2);
      assertThat(
              registry
                  .get(HeadroomMeters.HTTP_ERRORS)
                  .tags("endpoint", "/a", "method", "GET", "status", "4xx")
                  .functionCounter()
                  .count())
          .isEqualTo(1);
    }
  }

  /** Runs the collector until an object only weakly reachable is gone. */
  static void collectGarbage() {
    WeakReference<Object> canary = new WeakReference<>(new Object());
    await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(10))
        .until(
            () -> {
              System.gc();
              return canary.get() == null;
            });
  }
}
