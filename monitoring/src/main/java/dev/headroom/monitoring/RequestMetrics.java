package dev.headroom.monitoring;

import dev.headroom.core.metrics.HeadroomMeters;
import dev.headroom.core.time.TimeSource;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Request timings and outcomes per endpoint and overall, over sliding windows (the last minute and
 * the last five minutes by default): count, 4xx and 5xx apart, error rate, mean, max and
 * percentiles, all from the same window.
 *
 * <pre>{@code
 * RequestMetrics requests = RequestMetrics.create(RequestMetricsConfig.builder().meterRegistry(meterRegistry).build());
 * requests.recordRequest("/api/tracks/{id}", "GET", 200, Duration.ofMillis(42));
 * Track t = requests.time("/api/tracks/{id}", "GET", () -> tracks.load(id));
 * WindowStats lastMinute = requests.overall(Duration.ofMinutes(1));
 * }</pre>
 *
 * <p><b>Endpoints are templates</b> ({@code /api/tracks/{id}}, not {@code /api/tracks/42}). At most
 * {@link RequestMetricsConfig#maxEndpoints()} distinct endpoint and method pairs are tracked; the
 * rest are counted together under endpoint and method {@value #OTHER}, so user-controlled paths
 * cannot grow memory without bound. Each tracked pair costs about 100 KB at most.
 *
 * <p>With a {@linkplain RequestMetricsConfig.Builder#meterRegistry meter registry}, requests are
 * also published under {@link HeadroomMeters}' names: the timer {@value
 * HeadroomMeters#HTTP_REQUESTS} with a percentile histogram (tags {@code endpoint}, {@code method},
 * {@code status} class), which aggregates across instances; the counter {@value
 * HeadroomMeters#HTTP_ERRORS}; and, for this instance alone, the windowed gauges {@value
 * HeadroomMeters#HTTP_LATENCY} and {@value HeadroomMeters#HTTP_ERROR_RATE}. There is no
 * all-endpoints series (sum over the tags instead); {@link #overall} computes it for the snapshot.
 * The meters carry no instance tag, so a registry takes one live instance: a second one is refused
 * until the first is closed.
 *
 * <p>Thread-safe; recording is lock-free except once per slice (10 s) per endpoint.
 */
public interface RequestMetrics extends AutoCloseable {

  /** The endpoint and method name under which requests beyond the endpoint cap are counted. */
  String OTHER = "other";

  /** The endpoint and method name of {@link #overall}'s statistics: every endpoint and method. */
  String ALL = "*";

  /** Request metrics with the defaults: the system clock and no meters. */
  static RequestMetrics create() {
    return create(RequestMetricsConfig.ofDefaults());
  }

  /**
   * Request metrics with {@code config}, publishing to its meter registry if it has one.
   *
   * @throws IllegalStateException if another live instance publishes to that registry
   */
  static RequestMetrics create(RequestMetricsConfig config) {
    return new SlidingWindowRequestMetrics(Objects.requireNonNull(config, "config"));
  }

  /**
   * Records one finished request.
   *
   * @param endpoint the endpoint template, such as {@code /api/tracks/{id}}; not blank
   * @param method the HTTP method, such as {@code GET}; not blank
   * @param status the response status, 100 to 599 (4xx and 5xx count as errors)
   * @param duration how long the request took; not negative
   * @throws IllegalArgumentException if an argument breaks the rules above
   */
  void recordRequest(String endpoint, String method, int status, Duration duration);

  /**
   * Runs {@code call} and records its duration: status 200 if it returns, 500 if it throws (the
   * exception is rethrown unchanged).
   */
  <T> T time(String endpoint, String method, Supplier<T> call);

  /** Starts timing a request whose status is known only at the end; see {@link Sample#stop}. */
  Sample start();

  /**
   * All endpoints over {@code window}, named {@value #ALL}; computed, not published as a meter.
   *
   * @throws IllegalArgumentException if {@code window} is not one of the configured windows
   */
  WindowStats overall(Duration window);

  /** All endpoints over the shortest window. */
  default WindowStats overall() {
    return overall(config().shortestWindow());
  }

  /**
   * One endpoint and method over {@code window}; a pair never recorded reads as no data.
   *
   * @throws IllegalArgumentException if {@code window} is not one of the configured windows
   */
  WindowStats endpoint(String endpoint, String method, Duration window);

  /**
   * Every tracked endpoint and method over {@code window} (with {@value #OTHER} if anything
   * overflowed), including those that are quiet in it.
   *
   * @throws IllegalArgumentException if {@code window} is not one of the configured windows
   */
  List<WindowStats> endpoints(Duration window);

  /** The configuration. */
  RequestMetricsConfig config();

  /** The time source durations and windows are measured with: the config's. */
  TimeSource timeSource();

  /**
   * Removes this instance's meters from the registry, if it was given one. Recording still works.
   */
  @Override
  void close();

  /**
   * A request being timed: started by {@link RequestMetrics#start()}. Not reusable, not
   * thread-safe.
   */
  final class Sample {

    private final SlidingWindowRequestMetrics metrics;
    private final long startNanos;
    private boolean stopped;

    Sample(SlidingWindowRequestMetrics metrics, long startNanos) {
      this.metrics = metrics;
      this.startNanos = startNanos;
    }

    /**
     * Records the request with the time elapsed since {@link RequestMetrics#start()}.
     *
     * @return the elapsed time
     * @throws IllegalStateException if this sample was already stopped
     * @throws IllegalArgumentException as {@link RequestMetrics#recordRequest} does
     */
    public Duration stop(String endpoint, String method, int status) {
      if (stopped) {
        throw new IllegalStateException("sample already stopped");
      }
      stopped = true;
      long end = metrics.timeSource().nanoTime();
      long nanos = Math.max(0L, end - startNanos);
      metrics.recordNanos(endpoint, method, status, nanos, end);
      return Duration.ofNanos(nanos);
    }
  }
}
