package dev.headroom.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.headroom.core.codec.Codec;
import dev.headroom.core.health.HealthStatus;
import dev.headroom.core.key.KeySpace;
import dev.headroom.core.redis.RedisConnector;
import dev.headroom.core.redis.RedisConnectorOptions;
import dev.headroom.testkit.RedisServer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A dedicated Redis stopped, restarted, paused, or down from the start: callers keep getting values
 * and never an exception, the cache reports DEGRADED, recovers by itself, and clears L1 on recovery
 * because invalidations may have been missed.
 */
class CacheOutageIT {

  private static final RedisConnectorOptions FAST =
      RedisConnectorOptions.builder()
          .commandTimeout(Duration.ofMillis(500))
          .connectTimeout(Duration.ofMillis(300))
          .reconnectDelay(Duration.ofMillis(20), Duration.ofMillis(200))
          .build();

  private RedisServer server;
  private RedisConnector connector;
  private Cache<String> cache;

  @BeforeEach
  void start() {
    server = RedisServer.start();
    connector = RedisConnector.create(server.uri(), FAST);
  }

  @AfterEach
  void stop() {
    if (cache != null) {
      cache.close();
    }
    connector.close();
    server.close();
  }

  private Cache<String> build() {
    return Caches.redis(
        connector,
        "outage",
        CacheConfig.builder(Codec.utf8())
            .keySpace(KeySpace.of("outage"))
            .l2Timeout(Duration.ofMillis(100))
            .circuitBreaker(3, Duration.ofMillis(200))
            .build());
  }

  private void awaitUp() {
    await()
        .atMost(Duration.ofSeconds(15))
        .until(
            () -> {
              cache.get("probe");
              return cache.health().status() == HealthStatus.UP;
            });
  }

  @Test
  void servesL1AndLoadersWhileRedisIsDownAndClearsL1OnRecovery() {
    cache = build();
    await().atMost(Duration.ofSeconds(5)).until(() -> cache.health().status() == HealthStatus.UP);
    cache.put("before", "v");
    assertThat(cache.get("before")).isEqualTo("v");

    server.stop();
    for (int n = 0; n < 30; n++) {
      int i = n;
      assertThat(cache.get("before")).isEqualTo("v");
      assertThat(cache.get("new" + i, k -> "loaded")).isEqualTo("loaded");
      assertThat(cache.get("new" + i)).isEqualTo("loaded");
      cache.put("p" + i, "x");
      cache.invalidate("p" + i);
      assertThat(cache.getAll(List.of("a" + i, "b" + i), keys -> Map.of("a" + i, "A")))
          .containsOnlyKeys("a" + i);
      cache.invalidatePattern("q:*");
      cache.putAsync("async" + i, "y").join();
      assertThat(cache.getAsync("missing" + i).join()).isNull();
    }
    assertThat(cache.health().status()).isEqualTo(HealthStatus.DEGRADED);
    assertThat(cache.health().details()).containsEntry("breaker", "OPEN").containsKey("lastError");
    CacheStats during = cache.stats();
    assertThat(during.l2Errors()).isGreaterThanOrEqualTo(3);
    assertThat(during.l2Skipped()).isPositive();

    server.restart();
    awaitUp();
    assertThat(cache.stats().invalidationGaps()).as("L1 was cleared on recovery").isPositive();
    assertThat(cache.get("before"))
        .as("no longer in L1, and the restarted Redis is empty")
        .isNull();
    cache.put("after", "w");
    assertThat(cache.get("after")).isEqualTo("w");
    assertThat(cache.get("new0", k -> "reloaded")).isEqualTo("reloaded");
  }

  @Test
  void aSlowRedisIsAMissNotAnError() {
    cache = build();
    await().atMost(Duration.ofSeconds(5)).until(() -> cache.health().status() == HealthStatus.UP);
    cache.put("k", "v");
    cache.invalidate("k");
    try (RedisConnector admin = RedisConnector.create(server.uri())) {
      admin.sync().clientPause(1500);
      long errors = cache.stats().l2Errors();
      assertThat(cache.get("k", key -> "from loader")).isEqualTo("from loader");
      assertThat(cache.stats().l2Errors()).as("the read timed out").isGreaterThan(errors);
      CompletableFuture<String> async = cache.getAsync("other");
      assertThat(async.join()).isNull();
    }
    awaitUp();
  }

  @Test
  void startsWhileRedisIsDownAndConnectsWhenItComes() {
    server.stop();
    cache = build();
    assertThat(cache.get("k", key -> "v")).isEqualTo("v");
    cache.put("x", "y");
    assertThat(cache.health().status()).isEqualTo(HealthStatus.DEGRADED);
    server.restart();
    awaitUp();
    assertThat(cache.health().details()).containsEntry("subscribed", true);
    cache.put("x", "z");
    try (RedisConnector other = RedisConnector.create(server.uri());
        Cache<String> second =
            Caches.redis(
                other,
                "outage",
                CacheConfig.builder(Codec.utf8()).keySpace(KeySpace.of("outage")).build())) {
      assertThat(second.get("x")).isEqualTo("z");
    }
  }
}
