package dev.headroom.batch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.headroom.core.codec.Codec;
import dev.headroom.core.key.KeySpace;
import dev.headroom.core.redis.RedisConnector;
import dev.headroom.core.redis.RedisTopology;
import dev.headroom.testkit.RedisCluster;
import io.lettuce.core.cluster.SlotHash;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The MGET loader on a real 3-master Redis Cluster: one batch spans every master and keeps the key
 * order.
 */
class RedisMgetLoaderClusterIT {

  @Test
  void aBatchWhoseKeysSpanEverySlotRangeAnswersEachKeyItsOwnValue() {
    try (RedisCluster cluster = RedisCluster.start();
        RedisConnector connector = RedisConnector.create(cluster.uri())) {
      assertThat(connector.topology()).isEqualTo(RedisTopology.CLUSTER);
      KeySpace space = KeySpace.of("batch-it");
      Set<Integer> masters = new HashSet<>();
      List<Integer> ids = new ArrayList<>();
      for (int id = 0; id < 90; id++) {
        ids.add(id);
        String key = space.key("item:" + id);
        masters.add(SlotHash.getSlot(key) * 3 / SlotHash.SLOT_COUNT);
        if (id % 3 != 0) {
          connector.sync().set(key, "value-" + id);
        }
      }
      assertThat(masters).containsExactlyInAnyOrder(0, 1, 2);

      BatchLoader<Integer, String> mget =
          BatchLoaders.redisMget(connector, id -> space.key("item:" + id), Codec.utf8());
      try (Batcher<Integer, Optional<String>> batcher =
          Batchers.create(
              "cluster",
              mget,
              BatcherConfig.builder().maxBatchSize(100).maxLinger(Duration.ofMillis(1)).build())) {
        List<Optional<String>> values = batcher.loadMany(ids).join();
        for (int id = 0; id < 90; id++) {
          assertThat(values.get(id))
              .isEqualTo(id % 3 == 0 ? Optional.empty() : Optional.of("value-" + id));
        }
      }
    }
  }
}
