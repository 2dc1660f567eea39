package dev.headroom.monitoring;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;
import dev.headroom.core.health.HealthStatus;
import dev.headroom.core.metrics.HeadroomMeters;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.TemporalAccessor;
import java.time.temporal.TemporalAmount;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import org.jspecify.annotations.Nullable;

/**
 * One reading of a service's health, built by {@link Monitor#snapshot()} and rendered by {@link
 * #toJson()} for any framework's health endpoint:
 *
 * <pre>{@code
 * {"status":"ok","timestamp":"2026-11-21T10:15:30Z",
 *  "performance":{"window":"1m","totalRequests":1000,"avgResponseTime":45.0,"p95":120.0,"p99":310.0,"errorRate":0.01},
 *  "queue":{"pending":5,"workers":4},"cache":{"hitRate":0.93},"rateLimit":{"denied":12,...},
 *  "pools":{"active":3,"idle":7,"pending":0},
 *  "components":[{"name":"db:main","status":"up","details":{...}}],
 *  "alerts":[{"name":"p95-latency","severity":"warning","since":"...",...}]}
 * }</pre>
 *
 * A section is null (and absent from the JSON) when the meters behind it are not registered, that
 * is when the module that publishes them is not in use; see {@link HeadroomMeters}. Durations are
 * in milliseconds. Immutable.
 *
 * @param status the worst component status ({@code UP} when there is none)
 * @param timestamp when the snapshot was taken
 * @param performance request metrics, or null without {@link RequestMetrics}
 * @param queue job queues, or null when no queue publishes meters
 * @param cache caches, or null when no cache publishes meters
 * @param rateLimit rate limiters, or null when no limiter publishes meters
 * @param pools connection pools, or null when no pool publishes meters
 * @param components each health check's reading, in registration order
 * @param alerts the alerts firing at the last evaluation, oldest first
 */
public record HealthSnapshot(
    HealthStatus status,
    Instant timestamp,
    @Nullable Performance performance,
    @Nullable Queue queue,
    @Nullable Cache cache,
    @Nullable RateLimit rateLimit,
    @Nullable Pools pools,
    List<Component> components,
    List<Alert> alerts) {

  /** Validates and copies the lists. */
  public HealthSnapshot {
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(timestamp, "timestamp");
    components = List.copyOf(components);
    alerts = List.copyOf(alerts);
  }

  /**
   * Requests over the performance window.
   *
   * @param window the window
   * @param totalRequests requests in the window
   * @param avgResponseTime mean duration, empty without requests
   * @param p95 95th percentile duration, empty without requests
   * @param p99 99th percentile duration, empty without requests
   * @param errorRate 4xx and 5xx over requests, empty without requests
   */
  public record Performance(
      Duration window,
      long totalRequests,
      Optional<Duration> avgResponseTime,
      Optional<Duration> p95,
      Optional<Duration> p99,
      OptionalDouble errorRate) {

    static Performance of(WindowStats stats) {
      return new Performance(
          stats.window(), stats.count(), stats.mean(), stats.p95(), stats.p99(), stats.errorRate());
    }
  }

  /**
   * Job queues, summed over queues.
   *
   * @param pending jobs waiting
   * @param workers workers running
   */
  public record Queue(long pending, long workers) {}

  /**
   * Caches, summed over caches, since they started.
   *
   * @param hits reads that found the entry
   * @param misses reads that did not
   */
  public record Cache(long hits, long misses) {

    /** Hits over reads, 0 to 1; empty before the first read. */
    public OptionalDouble hitRate() {
      long reads = hits + misses;
      return reads == 0 ? OptionalDouble.empty() : OptionalDouble.of((double) hits / reads);
    }
  }

  /**
   * Rate limiter decisions, summed over limiters, since they started.
   *
   * @param allowed requests admitted
   * @param denied requests refused
   * @param shadowDenied requests a limiter in shadow mode would have refused
   */
  public record RateLimit(long allowed, long denied, long shadowDenied) {}

  /**
   * Connection pools, summed over pools.
   *
   * @param active connections in use
   * @param idle idle connections
   * @param pending threads waiting for a connection
   */
  public record Pools(long active, long idle, long pending) {}

  /**
   * One health check's reading.
   *
   * @param name the health check's name
   * @param status its status
   * @param details its details
   */
  public record Component(String name, HealthStatus status, Map<String, Object> details) {}

  /**
   * Renders health details: java.time values as their ISO-8601 text ({@code toString()}), so
   * Jackson's java.time module is not needed.
   */
  private static final ObjectMapper JSON =
      new ObjectMapper()
          .registerModule(
              new SimpleModule("java.time as text")
                  .addSerializer(TemporalAccessor.class, ToStringSerializer.instance)
                  .addSerializer(TemporalAmount.class, ToStringSerializer.instance));

  /** Renders this snapshot as compact JSON (the shape in the class comment). */
  public String toJson() {
    ObjectMapper mapper = JSON;
    ObjectNode root = mapper.createObjectNode();
    root.put("status", statusText(status));
    root.put("timestamp", timestamp.toString());
    if (performance != null) {
      ObjectNode p = root.putObject("performance");
      p.put("window", SlidingWindowRequestMetrics.label(performance.window()));
      p.put("totalRequests", performance.totalRequests());
      performance.avgResponseTime().ifPresent(d -> p.put("avgResponseTime", millis(d)));
      performance.p95().ifPresent(d -> p.put("p95", millis(d)));
      performance.p99().ifPresent(d -> p.put("p99", millis(d)));
      performance.errorRate().ifPresent(r -> p.put("errorRate", r));
    }
    if (queue != null) {
      root.putObject("queue").put("pending", queue.pending()).put("workers", queue.workers());
    }
    if (cache != null) {
      ObjectNode c = root.putObject("cache");
      cache.hitRate().ifPresent(r -> c.put("hitRate", r));
      c.put("hits", cache.hits()).put("misses", cache.misses());
    }
    if (rateLimit != null) {
      root.putObject("rateLimit")
          .put("denied", rateLimit.denied())
          .put("allowed", rateLimit.allowed())
          .put("shadowDenied", rateLimit.shadowDenied());
    }
    if (pools != null) {
      root.putObject("pools")
          .put("active", pools.active())
          .put("idle", pools.idle())
          .put("pending", pools.pending());
    }
    ArrayNode comps = root.putArray("components");
    for (Component c : components) {
      ObjectNode n = comps.addObject();
      n.put("name", c.name());
      n.put("status", c.status().name().toLowerCase(Locale.ROOT));
      n.set("details", details(mapper, c.details()));
    }
    ArrayNode alertNodes = root.putArray("alerts");
    for (Alert a : alerts) {
      ObjectNode n = alertNodes.addObject();
      n.put("name", a.name());
      n.put("severity", a.severity().name().toLowerCase(Locale.ROOT));
      n.put("metric", a.metric().toString());
      n.put("value", a.value());
      n.put("threshold", a.threshold());
      n.put("since", a.since().toString());
    }
    try {
      return mapper.writeValueAsString(root);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException("could not render the health snapshot as JSON", e);
    }
  }

  private static ObjectNode details(ObjectMapper mapper, Map<String, Object> details) {
    ObjectNode node = mapper.createObjectNode();
    details.forEach(
        (key, value) -> {
          try {
            node.set(key, mapper.valueToTree(value));
          } catch (IllegalArgumentException notSerializable) {
            node.put(key, String.valueOf(value));
          }
        });
    return node;
  }

  /** {@code ok}, {@code degraded} or {@code down}, as the JSON says it. */
  static String statusText(HealthStatus status) {
    return switch (status) {
      case UP -> "ok";
      case DEGRADED -> "degraded";
      case DOWN -> "down";
    };
  }

  private static double millis(Duration d) {
    return Math.round(d.toNanos() / 1_000.0) / 1_000.0;
  }
}
