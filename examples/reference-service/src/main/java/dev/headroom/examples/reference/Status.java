package dev.headroom.examples.reference;

import dev.headroom.cache.CacheStats;
import dev.headroom.core.health.Health;
import dev.headroom.core.health.HealthStatus;
import dev.headroom.core.redis.RedisConnector;
import dev.headroom.queue.QueueCounts;
import java.lang.management.ManagementFactory;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code /api/health} (status, uptime and one check per dependency; 503 when the database is down)
 * and {@code /api/stats}, the counters the load test samples (database statements, cache hits,
 * queue depth). Prometheus metrics are at {@code /actuator/prometheus}.
 */
@RestController
public class Status {

  private final Database db;
  private final Catalog catalog;
  private final Jobs jobs;
  private final Features features;
  private final JdbcTemplate jdbc;
  private final ObjectProvider<RedisConnector> redis;

  Status(
      Database db,
      Catalog catalog,
      Jobs jobs,
      Features features,
      ObjectProvider<RedisConnector> redis) {
    this.db = db;
    this.catalog = catalog;
    this.jobs = jobs;
    this.features = features;
    this.jdbc = new JdbcTemplate(db.dataSource());
    this.redis = redis;
  }

  /**
   * The service's health: healthy, degraded (Redis down: caches and limits fall back) or unhealthy.
   */
  @GetMapping("/api/health")
  public ResponseEntity<Map<String, Object>> health() {
    Map<String, Object> checks = new LinkedHashMap<>();
    boolean dbUp = check(checks, "database", this::pingDatabase);
    RedisConnector connector = redis.getIfAvailable();
    boolean redisUp = true;
    if (connector == null) {
      checks.put("redis", Map.of("status", "disabled"));
    } else {
      Health h = connector.health();
      redisUp = h.status() != HealthStatus.DOWN;
      checks.put("redis", Map.of("status", redisUp ? "up" : "down", "details", h.details()));
    }
    checks.put("queue", jobs.counts());
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("status", !dbUp ? "unhealthy" : redisUp ? "healthy" : "degraded");
    body.put("timestamp", Instant.now().toString());
    body.put("uptimeSeconds", ManagementFactory.getRuntimeMXBean().getUptime() / 1000);
    body.put("checks", checks);
    return ResponseEntity.status(dbUp ? 200 : 503).body(body);
  }

  /** Cumulative counters since start, for a load test to sample and difference. */
  @GetMapping("/api/stats")
  public Map<String, Object> stats() {
    long hits = 0;
    long misses = 0;
    long stale = 0;
    Map<String, Object> caches = new LinkedHashMap<>();
    for (Map.Entry<String, CacheStats> e : catalog.cacheStats().entrySet()) {
      CacheStats s = e.getValue();
      hits += s.l1Hits() + s.l2Hits();
      misses += s.misses();
      stale += s.staleServed();
      caches.put(
          e.getKey(),
          Map.of(
              "l1Hits",
              s.l1Hits(),
              "l2Hits",
              s.l2Hits(),
              "misses",
              s.misses(),
              "l2Errors",
              s.l2Errors()));
    }
    long waiting = 0;
    long active = 0;
    long delayed = 0;
    long dead = 0;
    long completed = 0;
    for (QueueCounts c : jobs.counts().values()) {
      waiting += c.waiting();
      active += c.active();
      delayed += c.delayed();
      dead += c.dead();
      completed += c.completed();
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("timeMillis", System.currentTimeMillis());
    body.put(
        "features",
        Map.of(
            "cache",
            features.isCache(),
            "batching",
            features.isBatching(),
            "inlineJobs",
            features.isInlineJobs()));
    body.put("dbQueries", (long) db.queryCount());
    body.put("cacheHits", hits);
    body.put("cacheMisses", misses);
    body.put("cacheStaleServed", stale);
    body.put("caches", caches);
    body.put("queues", jobs.counts());
    body.put(
        "queue",
        Map.of(
            "waiting",
            waiting,
            "active",
            active,
            "delayed",
            delayed,
            "dead",
            dead,
            "completed",
            completed));
    return body;
  }

  private Map<String, Object> pingDatabase() {
    long started = System.nanoTime();
    jdbc.queryForObject("SELECT 1", Integer.class);
    return Map.of("status", "up", "latencyMs", (System.nanoTime() - started) / 1_000_000.0);
  }

  private static boolean check(
      Map<String, Object> checks,
      String name,
      java.util.function.Supplier<Map<String, Object>> probe) {
    try {
      checks.put(name, probe.get());
      return true;
    } catch (RuntimeException e) {
      checks.put(name, Map.of("status", "down", "error", String.valueOf(e.getMessage())));
      return false;
    }
  }
}
