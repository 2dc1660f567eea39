package dev.headroom.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.headroom.core.codec.Codec;
import dev.headroom.core.health.HealthStatus;
import dev.headroom.core.key.KeySpace;
import dev.headroom.core.redis.RedisConnector;
import dev.headroom.core.redis.RedisConnectorOptions;
import dev.headroom.testkit.RedisServer;
import io.lettuce.core.KillArgs;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A dedicated Redis whose invalidation channel goes down: health says DEGRADED with {@code
 * subscribed=false} while it is, and once Redis answers again a node reads through to L2 rather
 * than serve L1 entries that other nodes changed meanwhile, until its channel is back.
 */
class CacheChannelOutageIT {

  private static final RedisConnectorOptions FAST =
      RedisConnectorOptions.builder()
          .commandTimeout(Duration.ofMillis(500))
          .connectTimeout(Duration.ofMillis(300))
          .reconnectDelay(Duration.ofMillis(20), Duration.ofMillis(200))
          .build();

  /** A node whose connections wait seconds before they reconnect (a long backoff). */
  private static final RedisConnectorOptions SLOW_RECONNECT =
      FAST.mutate().reconnectDelay(Duration.ofSeconds(4), Duration.ofSeconds(5)).build();

  private RedisServer server;
  private final List<AutoCloseable> open = new ArrayList<>();

  @BeforeEach
  void start() {
    server = RedisServer.start();
  }

  @AfterEach
  void stop() throws Exception {
    for (int i = open.size() - 1; i >= 0; i--) {
      open.get(i).close();
    }
    server.close();
  }

  private Cache<String> node(RedisConnectorOptions options) {
    RedisConnector connector = RedisConnector.create(server.uri(), options);
    open.add(connector);
    Cache<String> cache =
        Caches.redis(
            connector,
            "channel",
            CacheConfig.builder(Codec.utf8())
                .keySpace(KeySpace.of("channel"))
                .l2Timeout(Duration.ofMillis(200))
                .circuitBreaker(3, Duration.ofMillis(200))
                .build());
    open.add(cache);
    await().atMost(Duration.ofSeconds(5)).until(() -> cache.health().status() == HealthStatus.UP);
    return cache;
  }

  @Test
  void healthIsDegradedWhileTheChannelIsDownAndUpWhenItIsBack() {
    Cache<String> a = node(FAST);
    server.stop();
    await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(
            () -> {
              assertThat(a.health().status()).isEqualTo(HealthStatus.DEGRADED);
              assertThat(a.health().details()).containsEntry("subscribed", false);
            });
    server.restart();
    await()
        .atMost(Duration.ofSeconds(15))
        .untilAsserted(
            () -> {
              a.get("probe");
              assertThat(a.health().status()).isEqualTo(HealthStatus.UP);
              assertThat(a.health().details()).containsEntry("subscribed", true);
            });
  }

  @Test
  void whileRedisAnswersButTheChannelIsDownL1IsNotServed() {
    Cache<String> a = node(SLOW_RECONNECT);
    Cache<String> b = node(FAST);
    a.put("k", "v1");
    assertThat(a.get("k")).isEqualTo("v1");
    try (RedisConnector admin = RedisConnector.create(server.uri())) {
      // Only the pub/sub connections drop: a's commands keep working, its channel waits 4 s.
      admin.sync().clientKill(KillArgs.Builder.typePubsub());
    }
    b.put("k", "v2");
    await()
        .atMost(Duration.ofSeconds(3))
        .untilAsserted(() -> assertThat(a.get("k")).as("read through to L2").isEqualTo("v2"));
    assertThat(a.health().status()).isEqualTo(HealthStatus.DEGRADED);
    assertThat(a.health().details()).containsEntry("subscribed", false);
    await().atMost(Duration.ofSeconds(15)).until(() -> a.health().status() == HealthStatus.UP);
    assertThat(a.get("k")).isEqualTo("v2");
  }
}
