package dev.headroom.monitoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.headroom.core.health.Health;
import dev.headroom.core.health.HealthCheck;
import dev.headroom.core.health.HealthStatus;
import dev.headroom.core.jdbc.DataSources;
import dev.headroom.core.jdbc.PoolConfig;
import dev.headroom.core.jdbc.PooledDataSource;
import dev.headroom.core.metrics.HeadroomMeters;
import dev.headroom.core.time.ManualTimeSource;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.cache.CaffeineCacheMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class HealthSnapshotTest {

  private final ManualTimeSource time = ManualTimeSource.create();
  private final MeterRegistry registry = new SimpleMeterRegistry();
  private final ObjectMapper json = new ObjectMapper();

  private static PoolConfig h2(int poolSize) {
    return PoolConfig.builder("jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1")
        .username("sa")
        .poolName("main")
        .poolSize(poolSize)
        .minimumIdle(poolSize)
        .connectionTimeout(Duration.ofSeconds(30))
        .build();
  }

  @Test
  void sectionsAreAbsentWhenTheirMetersAreAbsent() throws Exception {
    Monitor monitor = Monitor.builder().meterRegistry(registry).timeSource(time).build();
    HealthSnapshot s = monitor.snapshot();
    assertThat(s.status()).isEqualTo(HealthStatus.UP);
    assertThat(s.performance()).isNull();
    assertThat(s.queue()).isNull();
    assertThat(s.cache()).isNull();
    assertThat(s.rateLimit()).isNull();
    assertThat(s.pools()).isNull();
    JsonNode root = json.readTree(s.toJson());
    assertThat(fieldNames(root)).containsExactly("status", "timestamp", "components", "alerts");
    assertThat(root.get("status").asText()).isEqualTo("ok");
    assertThat(root.get("timestamp").asText()).isEqualTo("2026-01-01T00:00:00Z");
  }

  @Test
  void readsARealCaffeineCache() {
    Cache<String, String> cache = Caffeine.newBuilder().maximumSize(100).recordStats().build();
    CaffeineCacheMetrics.monitor(registry, cache, "users");
    cache.put("a", "1");
    for (int i = 0; i < 9; i++) {
      cache.getIfPresent("a");
    }
    cache.getIfPresent("missing");

    HealthSnapshot.Cache section =
        Monitor.builder().meterRegistry(registry).timeSource(time).build().snapshot().cache();
    assertThat(section).isNotNull();
    assertThat(section.hits()).isEqualTo(9);
    assertThat(section.misses()).isEqualTo(1);
    assertThat(section.hitRate()).hasValue(0.9);
  }

  @Test
  void aCacheBoundUnderBothNamesIsCountedOnce() {
    Cache<String, String> cache = Caffeine.newBuilder().recordStats().build();
    CaffeineCacheMetrics.monitor(registry, cache, "tracks");
    cache.getIfPresent("x");
    Counter.builder(HeadroomMeters.CACHE_GETS)
        .tags("cache", "tracks", "result", "hit")
        .register(registry)
        .increment(3);
    Counter.builder(HeadroomMeters.CACHE_GETS)
        .tags("cache", "tracks", "result", "miss")
        .register(registry)
        .increment(1);
    Cache<String, String> other = Caffeine.newBuilder().recordStats().build();
    CaffeineCacheMetrics.monitor(registry, other, "plain");
    other.getIfPresent("y");

    HealthSnapshot.Cache section =
        Monitor.builder().meterRegistry(registry).timeSource(time).build().snapshot().cache();
    assertThat(section).isNotNull();
    assertThat(section.hits()).isEqualTo(3);
    assertThat(section.misses())
        .as("1 from headroom.cache.gets{tracks}, 1 from cache.gets{plain}")
        .isEqualTo(2);
  }

  @Test
  void aCacheWithoutReadsHasNoHitRate() throws Exception {
    CaffeineCacheMetrics.monitor(registry, Caffeine.newBuilder().recordStats().build(), "empty");
    HealthSnapshot s =
        Monitor.builder().meterRegistry(registry).timeSource(time).build().snapshot();
    assertThat(s.cache()).isNotNull();
    assertThat(s.cache().hitRate()).isEmpty();
    JsonNode cache = json.readTree(s.toJson()).get("cache");
    assertThat(cache.has("hitRate")).isFalse();
    assertThat(cache.get("hits").asLong()).isZero();
  }

  @Test
  void readsARealHikariPoolAndItsHealth() throws Exception {
    try (PooledDataSource db = DataSources.create(h2(2), registry)) {
      Monitor monitor =
          Monitor.builder().meterRegistry(registry).timeSource(time).healthCheck(db).build();
      await()
          .atMost(10, TimeUnit.SECONDS)
          .untilAsserted(
              () ->
                  assertThat(monitor.snapshot().pools())
                      .isEqualTo(new HealthSnapshot.Pools(0, 2, 0)));
      try (Connection c = db.getConnection()) {
        assertThat(c.isValid(1)).isTrue();
        // HikariCP refreshes the numbers behind its gauges at most once a second.
        await()
            .atMost(10, TimeUnit.SECONDS)
            .untilAsserted(
                () ->
                    assertThat(monitor.snapshot().pools())
                        .isEqualTo(new HealthSnapshot.Pools(1, 1, 0)));
        HealthSnapshot s = monitor.snapshot();
        assertThat(s.components())
            .singleElement()
            .satisfies(
                comp -> {
                  assertThat(comp.name()).isEqualTo("db:main");
                  assertThat(comp.status()).isEqualTo(HealthStatus.UP);
                  assertThat(comp.details()).containsEntry("active", 1);
                });
      }
    }
  }

  @Test
  void seesThreadsWaitingOnAnExhaustedPool() throws Exception {
    try (PooledDataSource db = DataSources.create(h2(1), registry)) {
      Monitor monitor =
          Monitor.builder().meterRegistry(registry).timeSource(time).healthCheck(db).build();
      CompletableFuture<Void> waiter;
      try (Connection held = db.getConnection()) {
        assertThat(held.isClosed()).isFalse();
        waiter =
            CompletableFuture.runAsync(
                () -> {
                  try (Connection c = db.getConnection()) {
                    c.isValid(1);
                  } catch (Exception e) {
                    throw new IllegalStateException(e);
                  }
                });
        await()
            .atMost(10, TimeUnit.SECONDS)
            .untilAsserted(
                () -> {
                  HealthSnapshot s = monitor.snapshot();
                  assertThat(s.pools()).isNotNull();
                  assertThat(s.pools().pending()).isEqualTo(1);
                  assertThat(s.status()).isEqualTo(HealthStatus.DEGRADED);
                  assertThat(monitor.read(Metric.POOL_PENDING)).hasValue(1.0);
                });
      }
      waiter.get(10, TimeUnit.SECONDS);
      await()
          .atMost(10, TimeUnit.SECONDS)
          .untilAsserted(() -> assertThat(monitor.snapshot().pools().pending()).isZero());
    }
  }

  @Test
  void theStatusIsTheWorstComponentStatus() {
    HealthCheck up = indicator("a", Health.up());
    HealthCheck degraded =
        indicator("b", Health.of(HealthStatus.DEGRADED, Map.of("why", "L1 only")));
    HealthCheck throwing =
        new HealthCheck() {
          @Override
          public String name() {
            return "broken";
          }

          @Override
          public Health health() {
            throw new IllegalStateException("no connection");
          }
        };
    assertThat(
            Monitor.builder().meterRegistry(registry).healthCheck(up).build().snapshot().status())
        .isEqualTo(HealthStatus.UP);
    assertThat(
            Monitor.builder()
                .meterRegistry(registry)
                .healthChecks(List.of(up, degraded))
                .build()
                .snapshot()
                .status())
        .isEqualTo(HealthStatus.DEGRADED);
    HealthSnapshot down =
        Monitor.builder()
            .meterRegistry(registry)
            .healthChecks(List.of(up, degraded, throwing))
            .build()
            .snapshot();
    assertThat(down.status()).isEqualTo(HealthStatus.DOWN);
    assertThat(down.components().get(2).details()).containsEntry("message", "no connection");
    assertThat(HealthSnapshot.statusText(HealthStatus.DEGRADED)).isEqualTo("degraded");
  }

  @Test
  void rejectsDuplicateIndicatorsAndABadPerformanceWindow() {
    assertThatThrownBy(
            () ->
                Monitor.builder()
                    .meterRegistry(registry)
                    .healthCheck(indicator("x", Health.up()))
                    .healthCheck(indicator("x", Health.up()))
                    .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("healthChecks must have unique names, was 'x' twice");
    RequestMetrics requests =
        RequestMetrics.create(RequestMetricsConfig.builder().timeSource(time).build());
    assertThatThrownBy(
            () ->
                Monitor.builder()
                    .meterRegistry(registry)
                    .requests(requests)
                    .performanceWindow(Duration.ofMinutes(2))
                    .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("performanceWindow")
        .hasMessageContaining("PT2M");
    assertThatThrownBy(
            () ->
                Monitor.builder()
                    .meterRegistry(registry)
                    .performanceWindow(Duration.ofMinutes(1))
                    .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("needs request metrics");
  }

  @Test
  void rendersTheDocumentedJsonShape() throws Exception {
    RequestMetrics requests =
        RequestMetrics.create(
            RequestMetricsConfig.builder().timeSource(time).meterRegistry(registry).build());
    for (int i = 1; i <= 100; i++) {
      requests.recordRequest("/api/tracks/{id}", "GET", i == 100 ? 503 : 200, Duration.ofMillis(i));
    }
    AtomicLong waiting = new AtomicLong(5);
    Gauge.builder(HeadroomMeters.QUEUE_JOBS_WAITING, waiting, AtomicLong::get)
        .tag("queue", "emails")
        .register(registry);
    Gauge.builder(HeadroomMeters.QUEUE_WORKERS, () -> 4).tag("queue", "emails").register(registry);
    Counter.builder(HeadroomMeters.RATELIMIT_DECISIONS)
        .tags("limiter", "login", "result", "denied")
        .register(registry)
        .increment(12);
    Counter.builder(HeadroomMeters.RATELIMIT_DECISIONS)
        .tags("limiter", "login", "result", "allowed")
        .register(registry)
        .increment(988);
    Counter.builder(HeadroomMeters.RATELIMIT_DECISIONS)
        .tags("limiter", "api", "result", "shadow_denied")
        .register(registry)
        .increment(3);
    Cache<String, String> cache = Caffeine.newBuilder().recordStats().build();
    CaffeineCacheMetrics.monitor(registry, cache, "users");
    cache.put("k", "v");
    cache.getIfPresent("k");

    try (PooledDataSource db = DataSources.create(h2(2), registry)) {
      Monitor monitor =
          Monitor.builder()
              .meterRegistry(registry)
              .timeSource(time)
              .requests(requests)
              .healthCheck(db)
              .alertRules(
                  AlertRules.of(
                      AlertRule.builder("slow")
                          .metric(Metric.P95)
                          .above(50)
                          .severity(Severity.CRITICAL)
                          .build()))
              .build();
      assertThat(monitor.evaluate()).hasSize(1);
      JsonNode root = json.readTree(monitor.snapshot().toJson());

      assertThat(fieldNames(root))
          .containsExactly(
              "status",
              "timestamp",
              "performance",
              "queue",
              "cache",
              "rateLimit",
              "pools",
              "components",
              "alerts");
      assertThat(root.get("status").asText()).isEqualTo("ok");
      JsonNode perf = root.get("performance");
      assertThat(perf.get("window").asText()).isEqualTo("1m");
      assertThat(perf.get("totalRequests").asLong()).isEqualTo(100);
      assertThat(perf.get("avgResponseTime").asDouble())
          .isCloseTo(50.5, org.assertj.core.data.Percentage.withPercentage(1));
      assertThat(perf.get("p95").asDouble())
          .isCloseTo(95, org.assertj.core.data.Percentage.withPercentage(1));
      assertThat(perf.get("p99").isNumber()).isTrue();
      assertThat(perf.get("errorRate").asDouble()).isEqualTo(0.01);
      assertThat(root.get("queue").get("pending").asLong()).isEqualTo(5);
      assertThat(root.get("queue").get("workers").asLong()).isEqualTo(4);
      assertThat(root.get("cache").get("hitRate").asDouble()).isEqualTo(1.0);
      assertThat(root.get("rateLimit").get("denied").asLong()).isEqualTo(12);
      assertThat(root.get("rateLimit").get("allowed").asLong()).isEqualTo(988);
      assertThat(root.get("rateLimit").get("shadowDenied").asLong()).isEqualTo(3);
      JsonNode pools = root.get("pools");
      assertThat(fieldNames(pools)).containsExactly("active", "idle", "pending");
      assertThat(pools.get("active").isIntegralNumber()).isTrue();
      JsonNode component = root.get("components").get(0);
      assertThat(component.get("name").asText()).isEqualTo("db:main");
      assertThat(component.get("status").asText()).isEqualTo("up");
      assertThat(component.get("details").get("max").asInt()).isEqualTo(2);
      JsonNode alert = root.get("alerts").get(0);
      assertThat(fieldNames(alert))
          .containsExactly("name", "severity", "metric", "value", "threshold", "since");
      assertThat(alert.get("name").asText()).isEqualTo("slow");
      assertThat(alert.get("severity").asText()).isEqualTo("critical");
      assertThat(alert.get("metric").asText()).isEqualTo("p95");
      assertThat(alert.get("threshold").asDouble()).isEqualTo(50.0);
      assertThat(alert.get("since").asText()).isEqualTo("2026-01-01T00:00:00Z");
    }
  }

  @Test
  void aQuietWindowRendersWithoutLatencies() throws Exception {
    RequestMetrics requests =
        RequestMetrics.create(RequestMetricsConfig.builder().timeSource(time).build());
    JsonNode perf =
        json.readTree(
                Monitor.builder()
                    .meterRegistry(registry)
                    .requests(requests)
                    .build()
                    .snapshot()
                    .toJson())
            .get("performance");
    assertThat(fieldNames(perf)).containsExactly("window", "totalRequests");
    assertThat(perf.get("totalRequests").asLong()).isZero();
  }

  private static HealthCheck indicator(String name, Health health) {
    return new HealthCheck() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public Health health() {
        return health;
      }
    };
  }

  private static List<String> fieldNames(JsonNode node) {
    List<String> names = new ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }
}
