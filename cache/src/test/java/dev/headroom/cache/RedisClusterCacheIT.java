package dev.headroom.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.headroom.core.codec.Codec;
import dev.headroom.core.key.KeySpace;
import dev.headroom.core.redis.RedisConnector;
import dev.headroom.testkit.RedisCluster;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The contract on a 3-master Redis Cluster, plus invalidation between two nodes and getAll across
 * slots.
 */
class RedisClusterCacheIT extends CacheContractTest {

  private static final AtomicInteger SPACES = new AtomicInteger();
  private static RedisCluster cluster;
  private static RedisConnector connector;
  private static RedisConnector otherNode;
  private KeySpace keySpace;

  @BeforeAll
  static void startCluster() {
    cluster = RedisCluster.start();
    connector = RedisConnector.create(cluster.uri());
    otherNode = RedisConnector.create(cluster.uri());
  }

  @AfterAll
  static void stopCluster() {
    connector.close();
    otherNode.close();
    cluster.close();
  }

  @BeforeEach
  void keySpace() {
    keySpace = KeySpace.of("it" + SPACES.incrementAndGet(), "cache");
  }

  @Override
  protected <V> CacheConfig.Builder<V> backend(CacheConfig.Builder<V> config) {
    return config.keySpace(keySpace).l2Timeout(Duration.ofSeconds(1));
  }

  @Override
  protected <V> Cache<V> make(String name, CacheConfig<V> config) {
    return Caches.redis(connector, name, config);
  }

  private Cache<String> node(RedisConnector c, boolean singleSlot) {
    Cache<String> cache =
        Caches.redis(
            c,
            "cluster",
            CacheConfig.builder(Codec.utf8())
                .keySpace(keySpace)
                .singleSlot(singleSlot)
                .l2Timeout(Duration.ofSeconds(1))
                .build());
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> ((TwoLevelCache<String>) cache).tier().subscribed());
    return cache;
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void invalidationAndGetAllAcrossTheCluster(boolean singleSlot) {
    try (Cache<String> a = node(connector, singleSlot);
        Cache<String> b = node(otherNode, singleSlot)) {
      List<String> keys = new ArrayList<>();
      Map<String, String> values = new HashMap<>();
      for (int i = 0; i < 100; i++) {
        keys.add("item:" + i);
        values.put("item:" + i, "v" + i);
      }
      a.putAll(values);
      assertThat(b.getAll(keys)).isEqualTo(values);
      assertThat(b.stats().l2Hits()).isEqualTo(100);
      a.put("item:1", "changed");
      await().atMost(Duration.ofSeconds(5)).until(() -> "changed".equals(b.get("item:1")));
      a.invalidatePattern("item:*");
      await().atMost(Duration.ofSeconds(5)).until(() -> b.get("item:2") == null);
      a.put("x", "1");
      assertThat(b.get("x")).isEqualTo("1");
      a.clear();
      await().atMost(Duration.ofSeconds(5)).until(() -> b.get("x") == null);
    }
  }
}
