package dev.headroom.monitoring;

import java.time.Duration;
import java.util.Optional;
import java.util.OptionalDouble;
import org.HdrHistogram.Histogram;

/**
 * What {@link RequestMetrics} saw over one sliding window, for one endpoint or for all of them.
 * Immutable and thread-safe.
 *
 * <p>Every figure comes from the same window: the maximum is the largest duration among the
 * requests the percentiles are computed over. A window without requests has {@link #hasData()}
 * false and empty latency and error-rate readings: "no data", never zero. Durations are accurate to
 * within 1 % (they come from an HdrHistogram with two significant digits, in microseconds).
 */
public final class WindowStats {

  private final String endpoint;
  private final String method;
  private final Duration window;
  private final long clientErrors;
  private final long serverErrors;
  private final Histogram micros;

  WindowStats(
      String endpoint,
      String method,
      Duration window,
      Histogram micros,
      long clientErrors,
      long serverErrors) {
    this.endpoint = endpoint;
    this.method = method;
    this.window = window;
    this.micros = micros;
    long count = micros.getTotalCount();
    // Counts are harvested separately from durations: clamp so a request caught at a slice edge
    // never makes errors exceed requests.
    this.serverErrors = Math.min(serverErrors, count);
    this.clientErrors = Math.min(clientErrors, count - this.serverErrors);
  }

  /** The endpoint template, {@link RequestMetrics#OTHER}, or {@code *} for all endpoints. */
  public String endpoint() {
    return endpoint;
  }

  /** The HTTP method, {@link RequestMetrics#OTHER}, or {@code *} for all endpoints. */
  public String method() {
    return method;
  }

  /** The window these figures cover. */
  public Duration window() {
    return window;
  }

  /** Whether the window holds at least one request. */
  public boolean hasData() {
    return micros.getTotalCount() > 0;
  }

  /** Requests in the window. */
  public long count() {
    return micros.getTotalCount();
  }

  /** Responses with a 4xx status in the window. */
  public long clientErrors() {
    return clientErrors;
  }

  /** Responses with a 5xx status in the window. */
  public long serverErrors() {
    return serverErrors;
  }

  /** 4xx and 5xx responses in the window. */
  public long errors() {
    return clientErrors + serverErrors;
  }

  /** Errors (4xx and 5xx) over requests, 0 to 1; empty when the window holds no request. */
  public OptionalDouble errorRate() {
    long count = count();
    return count == 0 ? OptionalDouble.empty() : OptionalDouble.of((double) errors() / count);
  }

  /** 5xx responses over requests, 0 to 1; empty when the window holds no request. */
  public OptionalDouble serverErrorRate() {
    long count = count();
    return count == 0 ? OptionalDouble.empty() : OptionalDouble.of((double) serverErrors / count);
  }

  /** The mean duration; empty when the window holds no request. */
  public Optional<Duration> mean() {
    return hasData() ? Optional.of(ofMicros(Math.round(micros.getMean()))) : Optional.empty();
  }

  /** The longest duration; empty when the window holds no request. */
  public Optional<Duration> max() {
    return hasData()
        ? Optional.of(ofMicros(micros.medianEquivalentValue(micros.getMaxValue())))
        : Optional.empty();
  }

  /**
   * The duration at {@code quantile} (0.95 for P95); empty when the window holds no request.
   *
   * @throws IllegalArgumentException if {@code quantile} is not between 0 and 1
   */
  public Optional<Duration> percentile(double quantile) {
    if (!(quantile >= 0.0 && quantile <= 1.0)) {
      throw new IllegalArgumentException("quantile must be between 0 and 1, was " + quantile);
    }
    if (!hasData()) {
      return Optional.empty();
    }
    long value = micros.getValueAtPercentile(quantile * 100.0);
    return Optional.of(ofMicros(micros.medianEquivalentValue(value)));
  }

  /** The median duration; empty when the window holds no request. */
  public Optional<Duration> p50() {
    return percentile(0.50);
  }

  /** The 95th percentile duration; empty when the window holds no request. */
  public Optional<Duration> p95() {
    return percentile(0.95);
  }

  /** The 99th percentile duration; empty when the window holds no request. */
  public Optional<Duration> p99() {
    return percentile(0.99);
  }

  private static Duration ofMicros(long micros) {
    return Duration.ofNanos(micros * 1_000L);
  }

  @Override
  public String toString() {
    if (!hasData()) {
      return "WindowStats[" + method + " " + endpoint + ", " + window + ", no data]";
    }
    return "WindowStats["
        + method
        + " "
        + endpoint
        + ", "
        + window
        + ", count="
        + count()
        + ", 4xx="
        + clientErrors
        + ", 5xx="
        + serverErrors
        + ", mean="
        + mean().orElseThrow()
        + ", p50="
        + p50().orElseThrow()
        + ", p95="
        + p95().orElseThrow()
        + ", p99="
        + p99().orElseThrow()
        + ", max="
        + max().orElseThrow()
        + "]";
  }
}
