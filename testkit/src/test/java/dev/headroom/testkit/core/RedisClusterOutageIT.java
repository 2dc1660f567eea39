package dev.headroom.testkit.core;

import static dev.headroom.testkit.core.RedisClusterConnectorIT.keyOnMaster;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.headroom.core.redis.RedisConnector;
import dev.headroom.core.redis.RedisConnectorOptions;
import dev.headroom.testkit.RedisCluster;
import io.lettuce.core.RedisCommandTimeoutException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The connector on a Cluster that loses a master: commands to its slots fail fast (rejected, not
 * timed out), while the other masters keep serving theirs.
 */
class RedisClusterOutageIT {

  private static final RedisConnectorOptions FAST =
      RedisConnectorOptions.builder()
          .commandTimeout(Duration.ofSeconds(2))
          .connectTimeout(Duration.ofMillis(500))
          .reconnectDelay(Duration.ofMillis(20), Duration.ofMillis(200))
          .build();

  @Test
  void aStoppedMastersSlotsFailFastWhileTheOtherMastersServe() {
    try (RedisCluster cluster =
            RedisCluster.start(3, List.of("--cluster-require-full-coverage", "no"));
        RedisConnector connector = RedisConnector.create(cluster.uri(), FAST)) {
      String up = keyOnMaster(0);
      String down = keyOnMaster(2);
      connector.sync().set(up, "1");
      connector.sync().set(down, "1");

      cluster.nodes().get(2).stop();

      assertThat(connector.sync().get(up)).isEqualTo("1");
      await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertRejected(connector, down));

      // a connector started while the master is down serves the others and rejects its slots
      try (RedisConnector late = RedisConnector.create(cluster.uri(), FAST)) {
        assertThat(late.sync().get(up)).isEqualTo("1");
        assertThatThrownBy(() -> late.sync().get(down))
            .satisfies(
                e ->
                    assertThat(RedisConnector.isUnavailability(e))
                        .as("unavailable: %s", e)
                        .isTrue());
      }
    }
  }

  private static void assertRejected(RedisConnector connector, String key) {
    assertThatThrownBy(() -> connector.sync().get(key))
        .isNotInstanceOf(RedisCommandTimeoutException.class)
        .satisfies(
            e -> assertThat(RedisConnector.isUnavailability(e)).as("unavailable: %s", e).isTrue());
  }
}
