package dev.headroom.testkit.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.headroom.core.health.HealthStatus;
import dev.headroom.core.redis.RedisConnector;
import dev.headroom.core.redis.RedisConnectorOptions;
import dev.headroom.core.redis.RedisScript;
import dev.headroom.core.redis.RedisUnavailableException;
import dev.headroom.testkit.RedisServer;
import io.lettuce.core.ScriptOutputType;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The connector across a Redis outage: fail fast while down, recover by itself when back. */
class RedisConnectorOutageIT {

  private static final RedisConnectorOptions FAST =
      RedisConnectorOptions.builder()
          .commandTimeout(Duration.ofMillis(500))
          .connectTimeout(Duration.ofMillis(500))
          .reconnectDelay(Duration.ofMillis(20), Duration.ofMillis(200))
          .build();
  private static final RedisScript COUNT =
      RedisScript.of("count", "return redis.call('INCR', KEYS[1])");

  @Test
  void recoversAfterTheServerRestarts() {
    try (RedisServer server = RedisServer.start();
        RedisConnector c = RedisConnector.create(server.uri(), FAST)) {
      c.sync().set("k", "before");
      assertThat(COUNT.<Long>execute(c, ScriptOutputType.INTEGER, new String[] {"n"}).join())
          .isEqualTo(1L);
      ReceivedMessages received = ReceivedMessages.subscribe(c.connectPubSub(), "events");

      server.stop();
      assertThatThrownBy(() -> c.async().get("k").get())
          .satisfies(
              e ->
                  assertThat(RedisConnector.isUnavailability(e))
                      .as("classified as unavailable: %s", e)
                      .isTrue());
      assertThat(c.health().status()).isEqualTo(HealthStatus.DOWN);

      server.restart();
      await()
          .atMost(Duration.ofSeconds(15))
          .ignoreExceptions()
          .until(() -> "PONG".equals(c.sync().ping()));
      assertThat(c.health().status()).isEqualTo(HealthStatus.UP);
      // the restarted server is empty and has no scripts: EVALSHA's NOSCRIPT is handled
      assertThat(c.sync().get("k")).isNull();
      assertThat(COUNT.<Long>execute(c, ScriptOutputType.INTEGER, new String[] {"n"}).join())
          .isEqualTo(1L);
      // subscriptions are restored after the reconnect
      await()
          .atMost(Duration.ofSeconds(15))
          .until(
              () -> {
                c.sync().publish("events", "after");
                return received.contains("events", "after");
              });
    }
  }

  @Test
  void connectsOnceRedisComesUpAfterTheService() {
    RedisServer server = RedisServer.start();
    String uri = server.uri();
    server.stop();
    try (RedisConnector c = RedisConnector.create(uri, FAST)) {
      assertThatThrownBy(c::sync).isInstanceOf(RedisUnavailableException.class);
      server.restart();
      await()
          .atMost(Duration.ofSeconds(10))
          .ignoreExceptions()
          .until(() -> "PONG".equals(c.sync().ping()));
    } finally {
      server.close();
    }
  }
}
