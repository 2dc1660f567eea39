package dev.headroom.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The cluster with replicas: in sync at start, a manual failover and a crash both promote. */
class RedisClusterReplicasIT {

  @Test
  void replicasTakeOverOnManualFailoverAndOnACrash() {
    try (RedisCluster cluster = RedisCluster.start(3, 1)) {
      assertThat(cluster.nodes()).hasSize(6);
      assertThat(cluster.masters()).hasSize(3).isEqualTo(cluster.nodes().subList(0, 3));
      for (RedisServer master : cluster.masters()) {
        assertThat(cluster.replicasOf(master)).hasSize(1);
      }
      String key = "{failover}k";
      RedisServer first = cluster.masterFor(key);
      RedisServer replica = cluster.replicasOf(first).get(0);
      assertThat(Poll.call(first, "SET", key, "v1")).isEqualTo("OK");
      assertThat(Poll.call(first, "WAIT", "1", "2000")).isEqualTo(1L);

      RedisServer promoted = cluster.failover(first);
      assertThat(promoted).isEqualTo(replica);
      assertThat(cluster.masterFor(key)).isEqualTo(promoted);
      assertThat(cluster.replicasOf(promoted)).containsExactly(first);
      assertThat(Poll.call(promoted, "GET", key)).isEqualTo("v1");
      assertThat(Poll.call(promoted, "SET", key, "v2")).isEqualTo("OK");
      assertThat(Poll.call(promoted, "WAIT", "1", "2000")).isEqualTo(1L);

      RedisServer afterCrash = cluster.kill(promoted);
      assertThat(afterCrash).isEqualTo(first);
      assertThat(promoted.isRunning()).isFalse();
      assertThat(cluster.masterFor(key)).isEqualTo(first);
      assertThat(Poll.call(first, "GET", key)).isEqualTo("v2");
      assertThat(cluster.masters()).hasSize(3);
      for (RedisServer node : cluster.masters()) {
        assertThat(String.valueOf(Poll.call(node, "CLUSTER", "INFO"))).contains("cluster_state:ok");
      }
    }
  }

  @Test
  void theBuilderRefusesNonsense() {
    assertThatThrownBy(() -> RedisCluster.builder().masters(0))
        .hasMessageContaining("masters must be >= 1, was 0");
    assertThatThrownBy(() -> RedisCluster.builder().replicasPerMaster(-1))
        .hasMessageContaining("replicasPerMaster");
  }
}
