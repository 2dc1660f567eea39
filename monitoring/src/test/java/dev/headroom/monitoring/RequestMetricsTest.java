package dev.headroom.monitoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.headroom.core.metrics.HeadroomMeters;
import dev.headroom.core.time.ManualTimeSource;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class RequestMetricsTest {

  private static final Duration MINUTE = Duration.ofMinutes(1);
  private static final Duration FIVE_MINUTES = Duration.ofMinutes(5);

  private final ManualTimeSource time = ManualTimeSource.create();
  private final RequestMetrics metrics =
      RequestMetrics.create(RequestMetricsConfig.builder().timeSource(time).build());

  @Test
  void countsErrorsApartAndComputesTheErrorRate() {
    metrics.recordRequest("/a", "GET", 200, Duration.ofMillis(10));
    metrics.recordRequest("/a", "GET", 302, Duration.ofMillis(10));
    metrics.recordRequest("/a", "GET", 404, Duration.ofMillis(10));
    metrics.recordRequest("/a", "GET", 503, Duration.ofMillis(10));
    metrics.recordRequest("/b", "POST", 500, Duration.ofMillis(10));

    WindowStats a = metrics.endpoint("/a", "GET", MINUTE);
    assertThat(a.count()).isEqualTo(4);
    assertThat(a.clientErrors()).isEqualTo(1);
    assertThat(a.serverErrors()).isEqualTo(1);
    assertThat(a.errorRate()).hasValue(0.5);
    assertThat(a.serverErrorRate()).hasValue(0.25);

    WindowStats all = metrics.overall(MINUTE);
    assertThat(all.count()).isEqualTo(5);
    assertThat(all.errors()).isEqualTo(3);
    assertThat(all.serverErrors()).isEqualTo(2);
    assertThat(all.endpoint()).isEqualTo("*");
  }

  @Test
  void meanMaxAndPercentilesComeFromTheWindow() {
    for (int ms = 1; ms <= 100; ms++) {
      metrics.recordRequest("/a", "GET", 200, Duration.ofMillis(ms));
    }
    WindowStats s = metrics.overall();
    assertThat(s.count()).isEqualTo(100);
    assertThat(millis(s.mean().orElseThrow())).isCloseTo(50.5, withinPercent(1));
    assertThat(millis(s.max().orElseThrow())).isCloseTo(100, withinPercent(1));
    assertThat(millis(s.p50().orElseThrow())).isCloseTo(50, withinPercent(1));
    assertThat(millis(s.p95().orElseThrow())).isCloseTo(95, withinPercent(1));
    assertThat(millis(s.p99().orElseThrow())).isCloseTo(99, withinPercent(1));
  }

  @Test
  void aQuietEndpointReadsAsNoDataNotZero() {
    WindowStats never = metrics.endpoint("/never", "GET", MINUTE);
    assertThat(never.hasData()).isFalse();
    assertThat(never.count()).isZero();
    assertThat(never.p99()).isEmpty();
    assertThat(never.max()).isEmpty();
    assertThat(never.mean()).isEmpty();
    assertThat(never.errorRate()).isEmpty();
    assertThat(never.toString()).contains("no data");

    metrics.recordRequest("/once", "GET", 500, Duration.ofMillis(5));
    time.advance(MINUTE);
    WindowStats quiet = metrics.endpoint("/once", "GET", MINUTE);
    assertThat(quiet.hasData()).isFalse();
    assertThat(quiet.p95()).isEmpty();
    assertThat(quiet.errorRate()).isEmpty();
    assertThat(metrics.endpoints(MINUTE))
        .extracting(WindowStats::endpoint)
        .containsExactly("/once");
  }

  @Test
  void windowsRollWithTime() {
    Duration slice = RequestMetricsConfig.DEFAULT_SLICE;
    metrics.recordRequest("/a", "GET", 200, Duration.ofMillis(10));

    time.advance(MINUTE.minus(slice));
    assertThat(metrics.overall(MINUTE).count()).isEqualTo(1);
    metrics.recordRequest("/a", "GET", 200, Duration.ofMillis(10));

    time.advance(slice);
    assertThat(metrics.overall(MINUTE).count())
        .as("the first request left the 1 min window")
        .isEqualTo(1);
    assertThat(metrics.overall(FIVE_MINUTES).count()).isEqualTo(2);

    time.advance(MINUTE);
    assertThat(metrics.overall(MINUTE).hasData()).isFalse();
    assertThat(metrics.overall(FIVE_MINUTES).count()).isEqualTo(2);

    time.advance(FIVE_MINUTES.minus(MINUTE.multipliedBy(2)));
    assertThat(metrics.overall(FIVE_MINUTES).count())
        .as("the first request left the 5 min window")
        .isEqualTo(1);
    time.advance(MINUTE.minus(slice));
    assertThat(metrics.overall(FIVE_MINUTES).hasData()).isFalse();
  }

  @Test
  void maxLeavesTheWindowTogetherWithItsRequest() {
    metrics.recordRequest("/a", "GET", 200, Duration.ofSeconds(5));
    time.advance(Duration.ofSeconds(30));
    for (int i = 0; i < 100; i++) {
      metrics.recordRequest("/a", "GET", 200, Duration.ofMillis(20));
    }
    assertThat(millis(metrics.overall(MINUTE).max().orElseThrow()))
        .isCloseTo(5000, withinPercent(1));

    time.advance(Duration.ofSeconds(40));
    WindowStats lastMinute = metrics.overall(MINUTE);
    assertThat(lastMinute.count()).isEqualTo(100);
    assertThat(millis(lastMinute.max().orElseThrow())).isCloseTo(20, withinPercent(1));
    assertThat(millis(lastMinute.p99().orElseThrow())).isCloseTo(20, withinPercent(1));
    assertThat(millis(metrics.overall(FIVE_MINUTES).max().orElseThrow()))
        .isCloseTo(5000, withinPercent(1));
  }

  @Test
  void aLongSilenceDoesNotResurrectOldSlices() {
    metrics.recordRequest("/a", "GET", 200, Duration.ofMillis(10));
    // Exactly one ring length later the slot of the first slice comes round again.
    time.advance(FIVE_MINUTES);
    assertThat(metrics.overall(FIVE_MINUTES).hasData()).isFalse();
    time.advance(Duration.ofHours(3));
    metrics.recordRequest("/a", "GET", 200, Duration.ofMillis(10));
    assertThat(metrics.overall(FIVE_MINUTES).count()).isEqualTo(1);
  }

  @Test
  void endpointsBeyondTheCapAreCountedAsOther() {
    RequestMetrics capped =
        RequestMetrics.create(
            RequestMetricsConfig.builder().maxEndpoints(3).timeSource(time).build());
    for (int i = 0; i < 10; i++) {
      capped.recordRequest("/user/" + i, "GET", 200, Duration.ofMillis(1));
    }
    capped.recordRequest("/user/1", "DELETE", 500, Duration.ofMillis(1));
    capped.recordRequest("/user/0", "GET", 200, Duration.ofMillis(1));

    List<WindowStats> endpoints = capped.endpoints(MINUTE);
    assertThat(endpoints)
        .extracting(WindowStats::endpoint)
        .containsExactlyInAnyOrder("/user/0", "/user/1", "/user/2", RequestMetrics.OTHER);
    assertThat(capped.endpoint("/user/0", "GET", MINUTE).count()).isEqualTo(2);
    WindowStats other = capped.endpoint(RequestMetrics.OTHER, RequestMetrics.OTHER, MINUTE);
    assertThat(other.count()).isEqualTo(8);
    assertThat(other.serverErrors()).isEqualTo(1);
    assertThat(capped.overall(MINUTE).count()).isEqualTo(12);
    assertThat(capped.endpoint("/user/7", "GET", MINUTE).hasData()).isFalse();
  }

  @Test
  void timesACallAndRecordsItsOutcome() {
    String result =
        metrics.time(
            "/a",
            "GET",
            () -> {
              time.advance(Duration.ofMillis(30));
              return "ok";
            });
    assertThat(result).isEqualTo("ok");
    assertThatThrownBy(
            () ->
                metrics.time(
                    "/a",
                    "GET",
                    () -> {
                      time.advance(Duration.ofMillis(70));
                      throw new IllegalStateException("boom");
                    }))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("boom");

    WindowStats s = metrics.endpoint("/a", "GET", MINUTE);
    assertThat(s.count()).isEqualTo(2);
    assertThat(s.serverErrors()).isEqualTo(1);
    assertThat(millis(s.max().orElseThrow())).isCloseTo(70, withinPercent(1));

    RequestMetrics.Sample sample = metrics.start();
    time.advance(Duration.ofMillis(12));
    assertThat(sample.stop("/b", "PUT", 404)).isEqualTo(Duration.ofMillis(12));
    assertThat(metrics.endpoint("/b", "PUT", MINUTE).clientErrors()).isEqualTo(1);
    assertThatThrownBy(() -> sample.stop("/b", "PUT", 404))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void rejectsBadInput() {
    assertThatThrownBy(() -> metrics.recordRequest("/a", "GET", 200, Duration.ofMillis(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("duration must not be negative");
    assertThatThrownBy(() -> metrics.recordRequest("/a", "GET", 99, Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("status")
        .hasMessageContaining("99");
    assertThatThrownBy(() -> metrics.recordRequest("/a", "GET", 600, Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("600");
    assertThatThrownBy(() -> metrics.recordRequest(" ", "GET", 200, Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("endpoint");
    assertThatThrownBy(() -> metrics.recordRequest("/a", "", 200, Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("method");
    assertThatThrownBy(() -> metrics.overall(Duration.ofMinutes(2)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("PT2M")
        .hasMessageContaining("[PT1M, PT5M]");
    assertThatThrownBy(() -> metrics.overall().percentile(1.5))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("quantile");
    assertThat(metrics.overall().hasData()).as("rejected requests are not counted").isFalse();
  }

  @Test
  void recordsVeryLongDurationsAsOneHour() {
    metrics.recordRequest("/a", "GET", 200, Duration.ofDays(400_000_000));
    assertThat(millis(metrics.overall().max().orElseThrow()))
        .isCloseTo(3_600_000, withinPercent(1));
  }

  @Test
  void validatesItsConfiguration() {
    assertThatThrownBy(() -> RequestMetricsConfig.builder().windows().build())
        .hasMessageContaining("windows must not be empty");
    assertThatThrownBy(() -> RequestMetricsConfig.builder().windows(Duration.ofSeconds(-5)).build())
        .hasMessageContaining("windows must be positive")
        .hasMessageContaining("PT-5S");
    assertThatThrownBy(() -> RequestMetricsConfig.builder().windows(Duration.ofSeconds(15)).build())
        .hasMessageContaining("multiples of the slice")
        .hasMessageContaining("PT15S");
    assertThatThrownBy(() -> RequestMetricsConfig.builder().windows(MINUTE, MINUTE).build())
        .hasMessageContaining("distinct");
    assertThatThrownBy(() -> RequestMetricsConfig.builder().windows(Duration.ofHours(2)).build())
        .hasMessageContaining("at most 360 slices");
    assertThatThrownBy(() -> RequestMetricsConfig.builder().slice(Duration.ZERO).build())
        .hasMessageContaining("slice must be at least 1 ms");
    assertThatThrownBy(() -> RequestMetricsConfig.builder().maxEndpoints(0).build())
        .hasMessageContaining("maxEndpoints")
        .hasMessageContaining("was 0");

    RequestMetricsConfig custom =
        RequestMetricsConfig.builder()
            .windows(FIVE_MINUTES, Duration.ofSeconds(30))
            .slice(Duration.ofSeconds(5))
            .maxEndpoints(7)
            .build();
    assertThat(custom.windows()).containsExactly(Duration.ofSeconds(30), FIVE_MINUTES);
    RequestMetricsConfig copy = custom.toBuilder().maxEndpoints(8).build();
    assertThat(copy.windows()).isEqualTo(custom.windows());
    assertThat(copy.slice()).isEqualTo(Duration.ofSeconds(5));
    assertThat(copy.maxEndpoints()).isEqualTo(8);
  }

  @Test
  void publishesMetersThatReadTheWindows() {
    MeterRegistry registry = new SimpleMeterRegistry();
    RequestMetrics published =
        RequestMetrics.create(
            RequestMetricsConfig.builder().timeSource(time).meterRegistry(registry).build());
    published.recordRequest("/a", "GET", 200, Duration.ofMillis(100));
    published.recordRequest("/a", "GET", 404, Duration.ofMillis(300));
    published.recordRequest("/b", "GET", 503, Duration.ofMillis(200));

    assertThat(
            registry
                .get(HeadroomMeters.HTTP_REQUESTS)
                .tags("endpoint", "/a", "method", "GET", "status", "2xx")
                .timer()
                .count())
        .isEqualTo(1);
    assertThat(
            registry
                .get(HeadroomMeters.HTTP_REQUESTS)
                .tags("endpoint", "/a", "method", "GET", "status", "4xx")
                .timer()
                .count())
        .isEqualTo(1);
    assertThat(
            registry
                .get(HeadroomMeters.HTTP_REQUESTS)
                .tags("endpoint", "/b", "status", "5xx")
                .timer()
                .totalTime(TimeUnit.MILLISECONDS))
        .isEqualTo(200);
    assertThat(sumOfCounts(registry)).as("every request counted once").isEqualTo(3);
    assertThat(
            registry
                .find(HeadroomMeters.HTTP_REQUESTS)
                .tag("endpoint", RequestMetrics.ALL)
                .meters())
        .as("no roll-up series")
        .isEmpty();
    assertThat(
            registry.find(HeadroomMeters.HTTP_ERRORS).tag("endpoint", RequestMetrics.ALL).meters())
        .isEmpty();
    assertThat(
            registry.find(HeadroomMeters.HTTP_LATENCY).tag("endpoint", RequestMetrics.ALL).meters())
        .isEmpty();
    assertThat(
            registry
                .get(HeadroomMeters.HTTP_REQUESTS)
                .tags("endpoint", "/a", "status", "2xx")
                .timer()
                .getId()
                .getTags())
        .hasSize(3);
    assertThat(
            registry
                .get(HeadroomMeters.HTTP_ERRORS)
                .tags("endpoint", "/b", "status", "5xx")
                .functionCounter()
                .count())
        .isEqualTo(1);
    assertThat(
            registry
                .get(HeadroomMeters.HTTP_ERRORS)
                .tags("endpoint", "/a", "status", "4xx")
                .functionCounter()
                .count())
        .isEqualTo(1);
    assertThat(
            registry
                .get(HeadroomMeters.HTTP_LATENCY)
                .tags("endpoint", "/a", "window", "1m", "statistic", "max")
                .gauge()
                .value())
        .isCloseTo(0.3, withinPercent(1));
    assertThat(
            registry
                .get(HeadroomMeters.HTTP_LATENCY)
                .tags("endpoint", "/b", "window", "5m", "statistic", "p50")
                .gauge()
                .value())
        .isCloseTo(0.2, withinPercent(1));
    assertThat(
            registry
                .get(HeadroomMeters.HTTP_ERROR_RATE)
                .tags("endpoint", "/a", "window", "1m")
                .gauge()
                .value())
        .isCloseTo(0.5, withinPercent(0.01));
    assertThat(published.overall(MINUTE).endpoint()).isEqualTo(RequestMetrics.ALL);
    assertThat(published.overall(MINUTE).errorRate()).hasValueCloseTo(2.0 / 3, withinPercent(0.01));

    time.advance(Duration.ofMinutes(2));
    assertThat(
            registry
                .get(HeadroomMeters.HTTP_LATENCY)
                .tags("endpoint", "/a", "window", "1m", "statistic", "p99")
                .gauge()
                .value())
        .as("no data")
        .isNaN();
    assertThat(
            registry
                .get(HeadroomMeters.HTTP_ERROR_RATE)
                .tags("endpoint", "/a", "window", "1m")
                .gauge()
                .value())
        .isNaN();
    assertThat(sumOfCounts(registry)).as("timers are cumulative").isEqualTo(3);

    published.close();
    assertThat(registry.find(HeadroomMeters.HTTP_REQUESTS).meters()).isEmpty();
    assertThat(registry.getMeters()).isEmpty();
    published.recordRequest("/new", "GET", 200, Duration.ofMillis(1));
    published.recordRequest("/a", "GET", 200, Duration.ofMillis(1));
    assertThat(registry.getMeters()).as("no meters after close").isEmpty();
    assertThat(published.endpoint("/new", "GET", MINUTE).count()).isEqualTo(1);
  }

  @Test
  void aRegistryTakesOneLiveInstanceBecauseTheMetersHaveNoInstanceTag() {
    MeterRegistry registry = new SimpleMeterRegistry();
    RequestMetricsConfig config =
        RequestMetricsConfig.builder().timeSource(time).meterRegistry(registry).build();
    RequestMetrics first = RequestMetrics.create(config);

    assertThatThrownBy(() -> RequestMetrics.create(config))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("already publishes to the meter registry");
    RequestMetrics.create(config.toBuilder().meterRegistry(new SimpleMeterRegistry()).build())
        .close();

    first.close();
    RequestMetrics second = RequestMetrics.create(config);
    second.recordRequest("/a", "GET", 200, Duration.ofMillis(5));
    assertThat(sumOfCounts(registry)).isEqualTo(1);
    second.close();
  }

  private static long sumOfCounts(MeterRegistry registry) {
    return registry.find(HeadroomMeters.HTTP_REQUESTS).timers().stream()
        .mapToLong(Timer::count)
        .sum();
  }

  @Test
  void concurrentWritersLoseNothingWhileTimeMoves() throws Exception {
    int threads = 4;
    int perThread = 50_000;
    ExecutorService pool = Executors.newFixedThreadPool(threads + 1);
    CountDownLatch start = new CountDownLatch(1);
    AtomicBoolean writing = new AtomicBoolean(true);
    try {
      List<Future<?>> writers = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int id = t;
        writers.add(
            pool.submit(
                () -> {
                  start.await();
                  for (int i = 0; i < perThread; i++) {
                    metrics.recordRequest(
                        "/e" + (i % 5),
                        id % 2 == 0 ? "GET" : "POST",
                        i % 10 == 0 ? 500 : 200,
                        Duration.ofMillis(1 + i % 50));
                  }
                  return null;
                }));
      }
      Future<?> clock =
          pool.submit(
              () -> {
                start.await();
                // Moves 2 min in 100 ms steps while the writers run: every slice boundary is
                // crossed under load.
                for (int i = 0; i < 1_200 && writing.get(); i++) {
                  time.advance(Duration.ofMillis(100));
                  metrics.overall(FIVE_MINUTES);
                }
                return null;
              });
      start.countDown();
      for (Future<?> w : writers) {
        w.get(60, TimeUnit.SECONDS);
      }
      writing.set(false);
      clock.get(60, TimeUnit.SECONDS);
    } finally {
      pool.shutdownNow();
    }
    WindowStats all = metrics.overall(FIVE_MINUTES);
    assertThat(all.count()).isEqualTo((long) threads * perThread);
    assertThat(all.serverErrors()).isEqualTo((long) threads * perThread / 10);
    assertThat(metrics.endpoints(FIVE_MINUTES))
        .hasSize(10)
        .allSatisfy(s -> assertThat(s.count()).isEqualTo((long) threads * perThread / 10));
  }

  static double millis(Duration d) {
    return d.toNanos() / 1e6;
  }

  static org.assertj.core.data.Percentage withinPercent(double percent) {
    return org.assertj.core.data.Percentage.withPercentage(percent);
  }
}
