package dev.headroom.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RedisClusterIT {

  @Test
  void formsAClusterWithEverySlotCovered() throws Exception {
    try (RedisCluster cluster = RedisCluster.start()) {
      assertThat(cluster.nodes()).hasSize(3);
      assertThat(cluster.uri()).startsWith("redis-cluster://127.0.0.1:");
      for (RedisServer node : cluster.nodes()) {
        try (Resp r = new Resp("127.0.0.1", node.port(), 2000)) {
          String info = String.valueOf(r.call("CLUSTER", "INFO"));
          assertThat(info).contains("cluster_state:ok").contains("cluster_slots_assigned:16384");
        }
      }
    }
  }
}
