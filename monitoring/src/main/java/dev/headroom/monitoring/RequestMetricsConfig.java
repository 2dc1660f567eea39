package dev.headroom.monitoring;

import dev.headroom.core.config.Require;
import dev.headroom.core.time.TimeSource;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * How {@link RequestMetrics} aggregates: its sliding windows, the step they move in, and the cap on
 * distinct endpoints. Immutable; validated when built.
 *
 * <p>Defaults: windows of 1 and 5 minutes moving in 10 s slices, at most 100 distinct endpoint and
 * method pairs (the rest are counted under {@link RequestMetrics#OTHER}).
 */
public final class RequestMetricsConfig {

  /** Default windows: the last minute and the last five minutes. */
  public static final List<Duration> DEFAULT_WINDOWS =
      List.of(Duration.ofMinutes(1), Duration.ofMinutes(5));

  /** Default slice: windows move in 10 s steps. */
  public static final Duration DEFAULT_SLICE = Duration.ofSeconds(10);

  /** Default cap on distinct endpoint and method pairs. */
  public static final int DEFAULT_MAX_ENDPOINTS = 100;

  /** The most slices one window may hold (it bounds memory per endpoint). */
  public static final int MAX_SLICES_PER_WINDOW = 360;

  /** The most distinct endpoints a cap may allow. */
  public static final int MAX_ENDPOINTS_LIMIT = 10_000;

  private static final RequestMetricsConfig DEFAULTS = builder().build();

  private final List<Duration> windows;
  private final Duration slice;
  private final int maxEndpoints;
  private final @Nullable MeterRegistry meterRegistry;
  private final TimeSource timeSource;

  private RequestMetricsConfig(Builder b) {
    this.windows = List.copyOf(b.windows);
    this.slice = b.slice;
    this.maxEndpoints = b.maxEndpoints;
    this.meterRegistry = b.meterRegistry;
    this.timeSource = b.timeSource;
  }

  /** The defaults (see the class comment). */
  public static RequestMetricsConfig ofDefaults() {
    return DEFAULTS;
  }

  /** A builder starting from the defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder starting from this configuration. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.windows = new ArrayList<>(windows);
    b.slice = slice;
    b.maxEndpoints = maxEndpoints;
    b.meterRegistry = meterRegistry;
    b.timeSource = timeSource;
    return b;
  }

  /** The windows, shortest first, distinct. */
  public List<Duration> windows() {
    return windows;
  }

  /** The shortest window. */
  public Duration shortestWindow() {
    return windows.get(0);
  }

  /** The longest window. */
  public Duration longestWindow() {
    return windows.get(windows.size() - 1);
  }

  /**
   * The step windows move in: a window of length W covers between W minus one slice and W of
   * history.
   */
  public Duration slice() {
    return slice;
  }

  /** The cap on distinct endpoint and method pairs, not counting {@link RequestMetrics#OTHER}. */
  public int maxEndpoints() {
    return maxEndpoints;
  }

  /** Where the requests are published as meters; empty for none. */
  public Optional<MeterRegistry> meterRegistry() {
    return Optional.ofNullable(meterRegistry);
  }

  /** The clock that times requests and moves the windows. */
  public TimeSource timeSource() {
    return timeSource;
  }

  @Override
  public String toString() {
    return "RequestMetricsConfig[windows="
        + windows
        + ", slice="
        + slice
        + ", maxEndpoints="
        + maxEndpoints
        + (meterRegistry == null
            ? ""
            : ", meterRegistry=" + meterRegistry.getClass().getSimpleName())
        + "]";
  }

  /** Builds a {@link RequestMetricsConfig}; not thread-safe. */
  public static final class Builder {

    private List<Duration> windows = new ArrayList<>(DEFAULT_WINDOWS);
    private Duration slice = DEFAULT_SLICE;
    private int maxEndpoints = DEFAULT_MAX_ENDPOINTS;
    private @Nullable MeterRegistry meterRegistry;
    private TimeSource timeSource = TimeSource.system();

    private Builder() {}

    /** Publishes the requests as meters in {@code registry}; default none. */
    public Builder meterRegistry(MeterRegistry registry) {
      this.meterRegistry = Require.nonNull("meterRegistry", registry);
      return this;
    }

    /**
     * Sets the clock that times requests and moves the windows; default {@link
     * TimeSource#system()}.
     */
    public Builder timeSource(TimeSource timeSource) {
      this.timeSource = Require.nonNull("timeSource", timeSource);
      return this;
    }

    /** The sliding windows (at least one; each a positive multiple of the slice). */
    public Builder windows(Duration... windows) {
      Objects.requireNonNull(windows, "windows");
      List<Duration> list = new ArrayList<>();
      for (Duration w : windows) {
        list.add(Objects.requireNonNull(w, "windows must not contain null"));
      }
      this.windows = list;
      return this;
    }

    /** The step windows move in (positive, at least 1 ms). */
    public Builder slice(Duration slice) {
      this.slice = Objects.requireNonNull(slice, "slice");
      return this;
    }

    /**
     * The cap on distinct endpoint and method pairs (1 to {@value
     * RequestMetricsConfig#MAX_ENDPOINTS_LIMIT}).
     */
    public Builder maxEndpoints(int maxEndpoints) {
      this.maxEndpoints = maxEndpoints;
      return this;
    }

    /**
     * Validates and builds.
     *
     * @throws IllegalArgumentException naming the field, its value and the rule it breaks
     */
    public RequestMetricsConfig build() {
      if (slice.isNegative() || slice.compareTo(Duration.ofMillis(1)) < 0) {
        throw new IllegalArgumentException("slice must be at least 1 ms, was " + slice);
      }
      if (windows.isEmpty()) {
        throw new IllegalArgumentException("windows must not be empty");
      }
      TreeSet<Duration> sorted = new TreeSet<>();
      for (Duration w : windows) {
        if (w.isNegative() || w.isZero()) {
          throw new IllegalArgumentException("windows must be positive, was " + w);
        }
        if (w.toNanos() % slice.toNanos() != 0) {
          throw new IllegalArgumentException(
              "windows must be whole multiples of the slice (" + slice + "), was " + w);
        }
        long slices = w.toNanos() / slice.toNanos();
        if (slices > MAX_SLICES_PER_WINDOW) {
          throw new IllegalArgumentException(
              "windows may hold at most "
                  + MAX_SLICES_PER_WINDOW
                  + " slices, was "
                  + w
                  + " in slices of "
                  + slice
                  + " ("
                  + slices
                  + " slices)");
        }
        if (!sorted.add(w)) {
          throw new IllegalArgumentException("windows must be distinct, " + w + " appears twice");
        }
      }
      if (maxEndpoints < 1 || maxEndpoints > MAX_ENDPOINTS_LIMIT) {
        throw new IllegalArgumentException(
            "maxEndpoints must be between 1 and " + MAX_ENDPOINTS_LIMIT + ", was " + maxEndpoints);
      }
      Builder copy = new Builder();
      copy.windows = new ArrayList<>(sorted);
      copy.slice = slice;
      copy.maxEndpoints = maxEndpoints;
      copy.meterRegistry = meterRegistry;
      copy.timeSource = timeSource;
      return new RequestMetricsConfig(copy);
    }
  }
}
