package dev.headroom.benchmarks;

import dev.headroom.monitoring.RequestMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.Objects;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Recorder;
import org.jspecify.annotations.Nullable;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;

/**
 * Record one request duration from two threads: Headroom's {@link RequestMetrics} (sliding 1 and 5
 * min windows, per endpoint, 4xx/5xx apart) against
 *
 * <ul>
 *   <li>{@code micrometer}: one Micrometer {@link Timer} publishing percentiles 0.5/0.95/0.99 on a
 *       {@link SimpleMeterRegistry}, held by the caller;
 *   <li>{@code micrometer-timer}: Micrometer as Spring Boot records {@code http.server.requests}:
 *       for every request the tags ({@code exception}, {@code method}, {@code outcome}, {@code
 *       status}, {@code uri}) are built and the timer is looked up in the registry by name and tags
 *       ({@code Timer.builder(…).tags(…).register(registry)}, as Micrometer's {@code
 *       DefaultMeterObservationHandler} does on stop), with the percentiles histogram on (Boot's
 *       {@code management.metrics.distribution.percentiles-histogram.http.server.requests=true});
 *   <li>{@code hdrhistogram}: a raw HdrHistogram {@link Recorder} (the floor: one histogram, no
 *       windows, no endpoints, no status).
 * </ul>
 *
 * Durations cycle through 1,024 log-normal values around 50 ms.
 *
 * <pre>java -jar benchmarks/target/benchmarks.jar quick RecordBenchmark</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Threads(2)
public class RecordBenchmark {

  /** Which implementation runs. */
  @Param({"headroom", "micrometer", "micrometer-timer", "hdrhistogram"})
  public String impl;

  private static final int MASK = 1_023;

  private final Duration[] durations = new Duration[MASK + 1];
  private int kind;
  private @Nullable RequestMetrics metrics;
  private @Nullable Timer timer;
  private @Nullable Recorder recorder;
  private @Nullable MeterRegistry registry;

  /** Builds the durations and the implementation under test. */
  @Setup
  public void setUp() {
    Random random = new Random(42);
    for (int i = 0; i < durations.length; i++) {
      durations[i] =
          Duration.ofNanos((long) Math.exp(Math.log(50e6) + 0.8 * random.nextGaussian()));
    }
    switch (impl) {
      case "headroom" -> {
        kind = 0;
        metrics = RequestMetrics.create();
      }
      case "micrometer" -> {
        kind = 1;
        timer =
            Timer.builder("http.request")
                .publishPercentiles(0.5, 0.95, 0.99)
                .register(new SimpleMeterRegistry());
      }
      case "micrometer-timer" -> {
        kind = 3;
        registry = new SimpleMeterRegistry();
      }
      case "hdrhistogram" -> {
        kind = 2;
        recorder = new Recorder(2);
      }
      default -> throw new IllegalArgumentException("unknown impl " + impl);
    }
  }

  /** Each thread walks the durations from its own position. */
  @State(Scope.Thread)
  public static class Cursor {
    int next;
  }

  /** Records one duration. */
  @Benchmark
  public void record(Cursor cursor) {
    Duration d = durations[cursor.next++ & MASK];
    switch (kind) {
      case 0 ->
          Objects.requireNonNull(metrics, "set up for kind 0")
              .recordRequest("/api/tracks/{id}", "GET", 200, d);
      case 1 -> Objects.requireNonNull(timer, "set up for kind 1").record(d);
      case 3 ->
          Timer.builder("http.server.requests")
              .tags(
                  Tags.of(
                      "exception", "none",
                      "method", "GET",
                      "outcome", "SUCCESS",
                      "status", "200",
                      "uri", "/api/tracks/{id}"))
              .publishPercentileHistogram()
              .register(Objects.requireNonNull(registry, "set up for kind 3"))
              .record(d);
      default ->
          Objects.requireNonNull(recorder, "set up for kind 2").recordValue(d.toNanos() / 1_000);
    }
  }
}
