package dev.headroom.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.headroom.core.redis.RedisConnector;
import dev.headroom.core.redis.RedisTopology;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The Sentinel deployment: a connector follows the master the sentinels promote. */
class RedisSentinelIT {

  @Test
  void theSentinelsPromoteTheReplicaWhenTheMasterDies() {
    try (RedisSentinel sentinel = RedisSentinel.start()) {
      assertThat(sentinel.uri())
          .matches(
              "redis-sentinel://127\\.0\\.0\\.1:\\d+,127\\.0\\.0\\.1:\\d+,127\\.0\\.0\\.1:\\d+#mymaster");
      RedisServer first = sentinel.master();
      assertThat(first).isEqualTo(sentinel.servers().get(0));
      try (RedisConnector connector = RedisConnector.create(sentinel.uri())) {
        assertThat(connector.topology()).isEqualTo(RedisTopology.SENTINEL);
        connector.sync().set("k", "v1");
        assertThat(connector.sync().waitForReplication(1, 2000)).isEqualTo(1L);

        RedisServer promoted = sentinel.killMaster();

        assertThat(promoted).isEqualTo(sentinel.servers().get(1));
        assertThat(sentinel.master()).isEqualTo(promoted);
        assertThat(first.isRunning()).isFalse();
        assertThat(Poll.call(promoted, "GET", "k")).isEqualTo("v1");
        await()
            .atMost(Duration.ofSeconds(10))
            .ignoreExceptions()
            .until(() -> "OK".equals(connector.sync().set("k", "v2")));
        assertThat(Poll.call(promoted, "GET", "k")).isEqualTo("v2");
      }
    }
  }
}
