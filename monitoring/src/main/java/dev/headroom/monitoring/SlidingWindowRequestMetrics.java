package dev.headroom.monitoring;

import dev.headroom.core.metrics.HeadroomMeters;
import dev.headroom.core.metrics.InstanceMeters;
import dev.headroom.core.time.TimeSource;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;
import org.HdrHistogram.Histogram;
import org.jspecify.annotations.Nullable;

/**
 * The {@link RequestMetrics}: per endpoint and method, a ring of HdrHistogram slices whose sum is
 * each sliding window. Series are found without a lock: a map from endpoint to a small
 * copy-on-write array of per-method series. A new pair is added under this object's lock; once the
 * cap is reached, unknown pairs go to the {@code other} series without taking the lock.
 *
 * <p>Meters: one percentile-histogram {@link Timer} per pair and status class (recorded with each
 * request, aggregatable across instances), and per pair the error counters and the windowed gauges
 * (read lazily from the slices, one instance's view). No series sums other series, so summing a
 * meter over its tags counts each request once; {@link #overall} is computed, never published.
 */
final class SlidingWindowRequestMetrics implements RequestMetrics {

  /**
   * Registries a live instance publishes to: the HTTP meters carry no instance tag, so one each.
   */
  private static final Set<MeterRegistry> PUBLISHING =
      Collections.newSetFromMap(new IdentityHashMap<>());

  /**
   * How long a meter reading of a window may be reused, so one scrape computes each window once.
   */
  private static final long METER_READING_TTL_NANOS = 1_000_000_000L;

  private static final String ERRORS_DESCRIPTION = "Error responses (4xx, 5xx)";

  private final RequestMetricsConfig config;
  private final TimeSource time;
  private final @Nullable MeterRegistry registry;
  private final long sliceNanos;
  private final int ringSize;
  private final ConcurrentHashMap<String, EndpointSeries[]> byEndpoint = new ConcurrentHashMap<>();

  /** Every meter published, held strongly with what it reads; removed on close. */
  private final InstanceMeters meters;

  private volatile boolean full;
  private volatile @Nullable EndpointSeries other;
  // Guarded by this.
  private int tracked;
  private boolean closed;

  SlidingWindowRequestMetrics(RequestMetricsConfig config) {
    this.config = Objects.requireNonNull(config, "config");
    this.time = config.timeSource();
    MeterRegistry r = config.meterRegistry().orElse(null);
    this.registry = r;
    this.meters = InstanceMeters.untagged(r);
    this.sliceNanos = config.slice().toNanos();
    this.ringSize = Math.toIntExact(config.longestWindow().toNanos() / sliceNanos);
    if (r != null) {
      synchronized (PUBLISHING) {
        if (!PUBLISHING.add(r)) {
          throw new IllegalStateException(
              "a RequestMetrics already publishes to the meter registry "
                  + r
                  + ": the headroom.http meters have no instance tag, so share that instance or close it first");
        }
      }
    }
  }

  @Override
  public void recordRequest(String endpoint, String method, int status, Duration duration) {
    Objects.requireNonNull(duration, "duration");
    if (duration.isNegative()) {
      throw new IllegalArgumentException("duration must not be negative, was " + duration);
    }
    long nanos;
    try {
      nanos = duration.toNanos();
    } catch (ArithmeticException tooLong) {
      nanos = Long.MAX_VALUE;
    }
    recordNanos(endpoint, method, status, nanos, time.nanoTime());
  }

  /**
   * Records a request of {@code nanos} that ended at {@code endNanos}, a reading of the time
   * source.
   */
  void recordNanos(String endpoint, String method, int status, long nanos, long endNanos) {
    Objects.requireNonNull(endpoint, "endpoint");
    Objects.requireNonNull(method, "method");
    if (status < 100 || status > 599) {
      throw new IllegalArgumentException("status must be between 100 and 599, was " + status);
    }
    if (endpoint.isBlank()) {
      throw new IllegalArgumentException("endpoint must not be blank");
    }
    if (method.isBlank()) {
      throw new IllegalArgumentException("method must not be blank");
    }
    long capped = Math.min(nanos, EndpointSeries.HIGHEST_MICROS * 1_000L);
    EndpointSeries series = series(endpoint, method);
    series.record((capped + 500L) / 1_000L, status, endNanos);
    if (registry != null) {
      Timer timer = timer(series, status / 100);
      if (timer != null) {
        timer.record(capped, TimeUnit.NANOSECONDS);
      }
    }
  }

  /**
   * The histogram timer of {@code series} for status class {@code statusClass} (1 to 5); null once
   * closed.
   */
  private @Nullable Timer timer(EndpointSeries series, int statusClass) {
    Timer timer = series.timers.get(statusClass - 1);
    if (timer != null) {
      return timer;
    }
    synchronized (this) {
      timer = series.timers.get(statusClass - 1);
      if (timer != null || closed) {
        return timer;
      }
      timer =
          meters.register(
              r ->
                  Timer.builder(HeadroomMeters.HTTP_REQUESTS)
                      .tags(
                          HeadroomMeters.TAG_ENDPOINT,
                          series.endpoint,
                          HeadroomMeters.TAG_METHOD,
                          series.method,
                          HeadroomMeters.TAG_STATUS,
                          statusClass + "xx")
                      .publishPercentileHistogram()
                      .description(
                          "Request durations, with a percentile histogram that aggregates across instances")
                      .register(r));
      series.timers.set(statusClass - 1, timer);
      return timer;
    }
  }

  @Override
  public <T> T time(String endpoint, String method, Supplier<T> call) {
    Objects.requireNonNull(call, "call");
    long start = time.nanoTime();
    int status = 500;
    try {
      T result = call.get();
      status = 200;
      return result;
    } finally {
      long end = time.nanoTime();
      recordNanos(endpoint, method, status, Math.max(0L, end - start), end);
    }
  }

  @Override
  public Sample start() {
    return new Sample(this, time.nanoTime());
  }

  private EndpointSeries series(String endpoint, String method) {
    EndpointSeries[] methods = byEndpoint.get(endpoint);
    if (methods != null) {
      for (EndpointSeries s : methods) {
        if (s.method.equals(method)) {
          return s;
        }
      }
    }
    EndpointSeries overflow = other;
    if (full && overflow != null) {
      return overflow;
    }
    return addSeries(endpoint, method);
  }

  private synchronized EndpointSeries addSeries(String endpoint, String method) {
    EndpointSeries[] methods = byEndpoint.get(endpoint);
    if (methods != null) {
      for (EndpointSeries s : methods) {
        if (s.method.equals(method)) {
          return s;
        }
      }
    }
    if (tracked >= config.maxEndpoints()) {
      EndpointSeries overflow = other;
      if (overflow == null) {
        overflow = newSeries(OTHER, OTHER);
        other = overflow;
      }
      full = true;
      return overflow;
    }
    EndpointSeries created = newSeries(endpoint, method);
    EndpointSeries[] grown =
        methods == null ? new EndpointSeries[1] : Arrays.copyOf(methods, methods.length + 1);
    grown[grown.length - 1] = created;
    byEndpoint.put(endpoint, grown);
    tracked++;
    return created;
  }

  private EndpointSeries newSeries(String endpoint, String method) {
    EndpointSeries s = new EndpointSeries(endpoint, method, time, sliceNanos, ringSize);
    if (registry != null && !closed) {
      registerMeters(endpoint, method, s);
    }
    return s;
  }

  private int slicesOf(Duration window) {
    Objects.requireNonNull(window, "window");
    if (!config.windows().contains(window)) {
      throw new IllegalArgumentException(
          "window " + window + " is not one of the configured windows " + config.windows());
    }
    return Math.toIntExact(window.toNanos() / sliceNanos);
  }

  private List<EndpointSeries> allSeries() {
    List<EndpointSeries> all = new ArrayList<>();
    for (EndpointSeries[] methods : byEndpoint.values()) {
      all.addAll(Arrays.asList(methods));
    }
    EndpointSeries overflow = other;
    if (overflow != null) {
      all.add(overflow);
    }
    return all;
  }

  @Override
  public WindowStats overall(Duration window) {
    return stats(ALL, ALL, allSeries(), window);
  }

  @Override
  public WindowStats endpoint(String endpoint, String method, Duration window) {
    Objects.requireNonNull(endpoint, "endpoint");
    Objects.requireNonNull(method, "method");
    List<EndpointSeries> one = new ArrayList<>(1);
    EndpointSeries overflow = other;
    if (endpoint.equals(OTHER) && method.equals(OTHER) && overflow != null) {
      one.add(overflow);
    } else {
      EndpointSeries[] methods = byEndpoint.get(endpoint);
      if (methods != null) {
        for (EndpointSeries s : methods) {
          if (s.method.equals(method)) {
            one.add(s);
          }
        }
      }
    }
    return stats(endpoint, method, one, window);
  }

  @Override
  public List<WindowStats> endpoints(Duration window) {
    slicesOf(window);
    List<WindowStats> result = new ArrayList<>();
    for (EndpointSeries s : allSeries()) {
      result.add(stats(s.endpoint, s.method, List.of(s), window));
    }
    return result;
  }

  private WindowStats stats(
      String endpoint, String method, List<EndpointSeries> series, Duration window) {
    int slices = slicesOf(window);
    Histogram merged = EndpointSeries.newHistogram();
    long[] errors = new long[2];
    for (EndpointSeries s : series) {
      s.addWindowTo(slices, merged, errors);
    }
    return new WindowStats(endpoint, method, window, merged, errors[0], errors[1]);
  }

  @Override
  public RequestMetricsConfig config() {
    return config;
  }

  @Override
  public TimeSource timeSource() {
    return time;
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    meters.close();
    MeterRegistry r = registry;
    if (r != null) {
      for (EndpointSeries s : allSeries()) {
        for (int i = 0; i < s.timers.length(); i++) {
          s.timers.set(i, null);
        }
      }
      synchronized (PUBLISHING) {
        PUBLISHING.remove(r);
      }
    }
  }

  @Override
  public String toString() {
    return "RequestMetrics[" + config + "]";
  }

  // ---- Meters ----

  /**
   * The error counters and windowed gauges of one pair (its timers are made on first use). Each
   * meter holds what it reads strongly: the {@link Reading}s exist only for their gauges.
   */
  private void registerMeters(String endpoint, String method, EndpointSeries series) {
    Tags tags = Tags.of(HeadroomMeters.TAG_ENDPOINT, endpoint, HeadroomMeters.TAG_METHOD, method);
    meters.functionCounter(
        HeadroomMeters.HTTP_ERRORS,
        series,
        EndpointSeries::totalClientErrors,
        b -> b.tags(tags).tag(HeadroomMeters.TAG_STATUS, "4xx").description(ERRORS_DESCRIPTION));
    meters.functionCounter(
        HeadroomMeters.HTTP_ERRORS,
        series,
        EndpointSeries::totalServerErrors,
        b -> b.tags(tags).tag(HeadroomMeters.TAG_STATUS, "5xx").description(ERRORS_DESCRIPTION));
    List<EndpointSeries> members = List.of(series);
    for (Duration window : config.windows()) {
      Tags windowTags = tags.and(HeadroomMeters.TAG_WINDOW, label(window));
      Reading reading = new Reading(() -> stats(endpoint, method, members, window));
      latency(windowTags, "mean", reading, WindowStats::mean);
      latency(windowTags, "max", reading, WindowStats::max);
      latency(windowTags, "p50", reading, WindowStats::p50);
      latency(windowTags, "p95", reading, WindowStats::p95);
      latency(windowTags, "p99", reading, WindowStats::p99);
      meters.gauge(
          HeadroomMeters.HTTP_ERROR_RATE,
          reading,
          rd -> rd.get().errorRate().orElse(Double.NaN),
          b ->
              b.tags(windowTags)
                  .description(
                      "Errors (4xx and 5xx) over requests in the window; NaN without requests"));
    }
  }

  private void latency(
      Tags tags,
      String statistic,
      Reading reading,
      Function<WindowStats, Optional<Duration>> pick) {
    meters.gauge(
        HeadroomMeters.HTTP_LATENCY,
        reading,
        rd -> pick.apply(rd.get()).map(d -> d.toNanos() / 1e9).orElse(Double.NaN),
        b ->
            b.tags(tags)
                .tag(HeadroomMeters.TAG_STATISTIC, statistic)
                .baseUnit("seconds")
                .description("Request duration over the window; NaN without requests"));
  }

  /** Formats a window as a tag value: {@code 1m}, {@code 30s}, {@code 1h}, {@code 500ms}. */
  static String label(Duration window) {
    long ms = window.toMillis();
    if (ms % 3_600_000L == 0) {
      return ms / 3_600_000L + "h";
    }
    if (ms % 60_000L == 0) {
      return ms / 60_000L + "m";
    }
    if (ms % 1_000L == 0) {
      return ms / 1_000L + "s";
    }
    return ms + "ms";
  }

  /** A window reading shared by the gauges of one window, recomputed at most once a second. */
  private final class Reading {
    private final Supplier<WindowStats> compute;
    private volatile @Nullable WindowStats last;
    private volatile long lastNanos;

    Reading(Supplier<WindowStats> compute) {
      this.compute = compute;
    }

    WindowStats get() {
      long now = time.nanoTime();
      WindowStats cached = last;
      if (cached != null && now - lastNanos < METER_READING_TTL_NANOS) {
        return cached;
      }
      WindowStats fresh = compute.get();
      lastNanos = now;
      last = fresh;
      return fresh;
    }
  }
}
