package dev.headroom.monitoring;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What a rule watches: a field of the {@link HealthSnapshot} (by its name, such as {@code "p95"})
 * or any Micrometer meter with tags. Immutable; equal by kind, name and tags.
 *
 * <p>Snapshot fields read the {@link Monitor}'s performance window; durations are in milliseconds
 * and rates between 0 and 1. A meter reads as the sum of the first measurement of every meter with
 * that name and tags (a gauge's value, a counter's count). A metric whose data is absent (no
 * requests in the window, a module not in use) has no value, and a rule treats it as not breached.
 */
public final class Metric {

  /** Mean request duration in the window, ms. */
  public static final Metric AVG_RESPONSE_TIME = field("avgResponseTime");

  /** Median request duration in the window, ms. */
  public static final Metric P50 = field("p50");

  /** 95th percentile request duration in the window, ms. */
  public static final Metric P95 = field("p95");

  /** 99th percentile request duration in the window, ms. */
  public static final Metric P99 = field("p99");

  /** Longest request duration in the window, ms. */
  public static final Metric MAX_RESPONSE_TIME = field("maxResponseTime");

  /** Errors (4xx and 5xx) over requests in the window, 0 to 1. */
  public static final Metric ERROR_RATE = field("errorRate");

  /** 5xx responses over requests in the window, 0 to 1. */
  public static final Metric SERVER_ERROR_RATE = field("serverErrorRate");

  /** Requests in the window. */
  public static final Metric REQUESTS = field("requests");

  /** Connections in use, all pools. */
  public static final Metric POOL_ACTIVE = field("poolActive");

  /** Idle connections, all pools. */
  public static final Metric POOL_IDLE = field("poolIdle");

  /** Threads waiting for a connection, all pools. */
  public static final Metric POOL_PENDING = field("poolPending");

  /** Cache hits over reads since start, all caches, 0 to 1. */
  public static final Metric CACHE_HIT_RATE = field("cacheHitRate");

  /** Jobs waiting, all queues. */
  public static final Metric QUEUE_PENDING = field("queuePending");

  /** Workers running, all queues. */
  public static final Metric QUEUE_WORKERS = field("queueWorkers");

  /** Requests refused by rate limiters since start. */
  public static final Metric RATE_LIMIT_DENIED = field("rateLimitDenied");

  /** The process's recent CPU usage, 0 to 1 (Micrometer's {@code process.cpu.usage}). */
  public static final Metric CPU = field("cpu");

  private static final Map<String, Metric> FIELDS =
      fields(
          AVG_RESPONSE_TIME,
          P50,
          P95,
          P99,
          MAX_RESPONSE_TIME,
          ERROR_RATE,
          SERVER_ERROR_RATE,
          REQUESTS,
          POOL_ACTIVE,
          POOL_IDLE,
          POOL_PENDING,
          CACHE_HIT_RATE,
          QUEUE_PENDING,
          QUEUE_WORKERS,
          RATE_LIMIT_DENIED,
          CPU);

  private final boolean meter;
  private final String name;
  private final List<String> tags;

  private Metric(boolean meter, String name, List<String> tags) {
    this.meter = meter;
    this.name = name;
    this.tags = tags;
  }

  private static Metric field(String name) {
    return new Metric(false, name, List.of());
  }

  private static Map<String, Metric> fields(Metric... metrics) {
    Map<String, Metric> map = new LinkedHashMap<>();
    for (Metric m : metrics) {
      map.put(m.name, m);
    }
    return Map.copyOf(map);
  }

  /**
   * The snapshot field with this name, such as {@code "p95"} or {@code "poolPending"}.
   *
   * @throws IllegalArgumentException if no field has that name; the message lists the known ones
   */
  public static Metric of(String name) {
    Objects.requireNonNull(name, "name");
    Metric m = FIELDS.get(name);
    if (m == null) {
      throw new IllegalArgumentException(
          "unknown metric '"
              + name
              + "': known metrics are "
              + knownNames()
              + ", or use Metric.meter(name, tags...) for any meter");
    }
    return m;
  }

  /** The names {@link #of(String)} accepts, in a stable order. */
  public static List<String> knownNames() {
    return FIELDS.keySet().stream().sorted().toList();
  }

  /**
   * A Micrometer meter by name and tags (key, value, key, value…); matching meters are summed.
   *
   * @throws IllegalArgumentException if the name is blank or the tags are not key and value pairs
   */
  public static Metric meter(String meterName, String... tags) {
    Objects.requireNonNull(meterName, "meterName");
    Objects.requireNonNull(tags, "tags");
    if (meterName.isBlank()) {
      throw new IllegalArgumentException("meter name must not be blank");
    }
    if (tags.length % 2 != 0) {
      throw new IllegalArgumentException(
          "tags of meter '"
              + meterName
              + "' must be key and value pairs, got "
              + tags.length
              + " strings: "
              + Arrays.toString(tags));
    }
    for (String t : tags) {
      if (t == null || t.isBlank()) {
        throw new IllegalArgumentException(
            "tags of meter '"
                + meterName
                + "' must not be blank or null: "
                + Arrays.toString(tags));
      }
    }
    return new Metric(true, meterName, List.of(tags));
  }

  /** Whether this metric reads a meter rather than a snapshot field. */
  public boolean isMeter() {
    return meter;
  }

  /** The snapshot field or meter name. */
  public String name() {
    return name;
  }

  /** The meter's tags as key, value pairs; empty for a snapshot field. */
  public List<String> tags() {
    return tags;
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof Metric m && m.meter == meter && m.name.equals(name) && m.tags.equals(tags);
  }

  @Override
  public int hashCode() {
    return Objects.hash(meter, name, tags);
  }

  /** The field name, or the meter name with its tags in braces. */
  @Override
  public String toString() {
    if (!meter) {
      return name;
    }
    if (tags.isEmpty()) {
      return name;
    }
    StringBuilder sb = new StringBuilder(name).append('{');
    for (int i = 0; i < tags.size(); i += 2) {
      sb.append(i == 0 ? "" : ",").append(tags.get(i)).append('=').append(tags.get(i + 1));
    }
    return sb.append('}').toString();
  }
}
