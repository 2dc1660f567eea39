package dev.headroom.ratelimit.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.headroom.core.health.HealthStatus;
import dev.headroom.core.redis.RedisConnector;
import dev.headroom.ratelimit.Algorithm;
import dev.headroom.ratelimit.DecisionSource;
import dev.headroom.ratelimit.RateLimiter;
import dev.headroom.ratelimit.RateLimiterConfig;
import dev.headroom.ratelimit.RateLimiters;
import dev.headroom.testkit.RedisServer;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Redis as operated in production: the limiter reads the eviction policy at start (and tolerates a
 * server that refuses CONFIG), and a lost key, as eviction loses it, is a reset budget.
 */
class RedisEvictionPolicyIT {

  private static final RateLimiterConfig CONFIG =
      RateLimiterConfig.builder()
          .algorithm(Algorithm.SLIDING_LOG)
          .limit(3, Duration.ofMinutes(1))
          .build();

  @Test
  void anEvictingRedisIsReportedAndAnEvictedKeyIsAResetBudget() {
    try (RedisServer server = RedisServer.start();
        RedisConnector connector = RedisConnector.create(server.uri())) {
      connector.sync().configSet("maxmemory", "64mb");
      connector.sync().configSet("maxmemory-policy", "allkeys-lru");
      RateLimiter limiter = RateLimiters.redis(connector, "evicting", CONFIG);
      await()
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(
              () ->
                  assertThat(limiter.health().details())
                      .containsEntry("maxmemoryPolicy", "allkeys-lru"));
      for (int i = 0; i < 3; i++) {
        assertThat(limiter.tryAcquire("k").allowed()).isTrue();
      }
      assertThat(limiter.tryAcquire("k").allowed()).isFalse();
      // what eviction does: the key is gone, and with it what the key had used (this server holds
      // nothing else)
      connector.sync().flushall();
      assertThat(limiter.tryAcquire("other").allowed()).isTrue(); // (the deny cache is per key)
      limiter.close();
      RateLimiter again = RateLimiters.redis(connector, "evicting", CONFIG);
      for (int i = 0; i < 3; i++) {
        assertThat(again.tryAcquire("k").allowed()).as("a full budget again").isTrue();
      }
    }
  }

  @Test
  void aRedisThatRefusesConfigIsTolerated() throws IOException {
    int port;
    try (ServerSocket probe = new ServerSocket(0)) {
      port = probe.getLocalPort();
    }
    try (RedisServer server =
            RedisServer.start(port, List.of("--rename-command", "CONFIG", "hidden-config"));
        RedisConnector connector = RedisConnector.create(server.uri())) {
      connector.sync().ping();
      RateLimiter limiter = RateLimiters.redis(connector, "no-config", CONFIG);
      assertThat(limiter.tryAcquire("k").source()).isEqualTo(DecisionSource.LIMITER);
      assertThat(limiter.health().status()).isEqualTo(HealthStatus.UP);
      assertThat(limiter.health().details()).doesNotContainKey("maxmemoryPolicy");
    }
  }
}
