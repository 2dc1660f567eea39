package dev.headroom.testkit.core;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.headroom.core.health.HealthStatus;
import dev.headroom.core.key.KeySpace;
import dev.headroom.core.redis.DedicatedConnection;
import dev.headroom.core.redis.RedisConnector;
import dev.headroom.core.redis.RedisScript;
import dev.headroom.core.redis.RedisTopology;
import dev.headroom.testkit.RedisCluster;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The connector on a real 3-master Redis Cluster from the testkit. */
class RedisClusterConnectorIT {

  private static RedisCluster cluster;
  private static RedisConnector connector;

  @BeforeAll
  static void start() {
    cluster = RedisCluster.start();
    connector = RedisConnector.create(cluster.uri());
  }

  @AfterAll
  static void stop() {
    connector.close();
    cluster.close();
  }

  @Test
  void routesKeysAcrossAllMasters() {
    assertThat(connector.topology()).isEqualTo(RedisTopology.CLUSTER);
    Set<Integer> slots = new HashSet<>();
    for (int i = 0; i < 50; i++) {
      connector.sync().set("key-" + i, "v" + i);
      slots.add(SlotHash.getSlot("key-" + i) * 3 / 16384);
    }
    assertThat(slots).containsExactlyInAnyOrder(0, 1, 2);
    for (int i = 0; i < 50; i++) {
      assertThat(connector.sync().get("key-" + i)).isEqualTo("v" + i);
    }
  }

  /**
   * Lettuce opens a node's connection on the first command to its slots and, since 7.7, rejects
   * that command under REJECT_COMMANDS while the connection is still opening: a new connector must
   * have every master's connection open before its first command.
   */
  @Test
  void aNewConnectorsFirstCommandsReachEveryMaster() {
    try (RedisConnector fresh = RedisConnector.create(cluster.uri());
        DedicatedConnection<String> dedicated = fresh.connectDedicated()) {
      for (int master = 0; master < 3; master++) {
        String key = keyOnMaster(master);
        assertThat(fresh.sync().set(key, "shared")).isEqualTo("OK");
        assertThat(fresh.binaryAsync().get(key).toCompletableFuture().join())
            .isEqualTo("shared".getBytes(UTF_8));
        assertThat(dedicated.sync().get(key)).isEqualTo("shared");
      }
    }
  }

  /** A key whose slot the {@code master}-th node (of 3, slots split evenly) serves. */
  static String keyOnMaster(int master) {
    for (int i = 0; ; i++) {
      String key = "on-master-" + i;
      if (SlotHash.getSlot(key) * 3 / 16384 == master) {
        return key;
      }
    }
  }

  @Test
  void scriptsOnHashTaggedKeysRunOnTheirSlotsNode() {
    RedisScript incrBoth =
        RedisScript.of(
            "incr-both", "return {redis.call('INCR', KEYS[1]), redis.call('INCR', KEYS[2])}");
    KeySpace space = KeySpace.of("it", "cluster");
    for (String user : List.of("alice", "bob", "carol", "dave")) {
      String[] keys = {space.taggedKey(user, ":a"), space.taggedKey(user, ":b")};
      assertThat(SlotHash.getSlot(keys[0])).isEqualTo(SlotHash.getSlot(keys[1]));
      List<Object> r =
          incrBoth.<List<Object>>execute(connector, ScriptOutputType.MULTI, keys).join();
      assertThat(r).containsExactly(1L, 1L);
    }
  }

  @Test
  void pubSubReachesSubscribersOnAnyNode() {
    StatefulRedisPubSubConnection<String, String> sub = connector.connectPubSub();
    ReceivedMessages received = ReceivedMessages.subscribe(sub, "cluster-events");
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () -> {
              connector.sync().publish("cluster-events", "hi");
              return received.contains("cluster-events", "hi");
            });
    sub.close();
  }

  @Test
  void healthIsUp() {
    assertThat(connector.health().status()).isEqualTo(HealthStatus.UP);
    assertThat(connector.health().details()).containsEntry("topology", "CLUSTER");
  }
}
