package dev.headroom.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.headroom.core.codec.Codec;
import dev.headroom.core.key.KeySpace;
import dev.headroom.core.redis.RedisConnector;
import dev.headroom.core.redis.RedisConnectorOptions;
import dev.headroom.testkit.RedisCluster;
import dev.headroom.testkit.RedisServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * Two cache nodes on a Redis Cluster with replicas, under load, while the master that carries node
 * B's invalidation subscription crashes and the cluster promotes its replica: node A writes, the
 * failover happens, A changes and invalidates every value, and B must stop serving the old values
 * within a bounded time and never serve them again (a subscription that broke is a gap: B flushes
 * L1 rather than trust it).
 */
class RedisClusterCacheFailoverIT {

  private static final int ITEMS = 100;
  private static final RedisConnectorOptions FAST =
      RedisConnectorOptions.builder()
          .commandTimeout(Duration.ofSeconds(1))
          .connectTimeout(Duration.ofMillis(300))
          .reconnectDelay(Duration.ofMillis(20), Duration.ofMillis(200))
          .topologyRefreshPeriod(Duration.ofSeconds(1))
          .build();

  private static Cache<String> node(RedisConnector connector) {
    return Caches.redis(
        connector,
        "failover",
        CacheConfig.builder(Codec.utf8())
            .keySpace(KeySpace.of("failover-it", "cache"))
            .ttl(Duration.ofMinutes(10))
            .l2Timeout(Duration.ofMillis(200))
            .circuitBreaker(5, Duration.ofMillis(200))
            .build());
  }

  private static String key(int i) {
    return "item:" + i;
  }

  @Test
  void noNodeServesAnOldValueAfterAFailoverAndAnInvalidation() throws Exception {
    try (RedisCluster cluster = RedisCluster.start(3, 1);
        RedisConnector connectorA =
            RedisConnector.create(cluster.uri(), FAST.mutate().clientName("node-a").build());
        RedisConnector connectorB =
            RedisConnector.create(cluster.uri(), FAST.mutate().clientName("node-b").build());
        Cache<String> a = node(connectorA);
        Cache<String> b = node(connectorB)) {
      await().atMost(Duration.ofSeconds(10)).until(() -> subscribed(a) && subscribed(b));
      Map<String, String> old = new HashMap<>();
      for (int i = 0; i < ITEMS; i++) {
        old.put(key(i), "old-" + i);
      }
      a.putAll(old);
      assertThat(b.getAll(old.keySet())).as("B reads A's values into its L1").isEqualTo(old);

      List<Throwable> thrown = new CopyOnWriteArrayList<>();
      AtomicBoolean running = new AtomicBoolean(true);
      List<Thread> load = new ArrayList<>();
      for (Cache<String> c : List.of(a, b)) {
        Thread t =
            new Thread(
                () -> {
                  while (running.get()) {
                    try {
                      int i = ThreadLocalRandom.current().nextInt(ITEMS);
                      c.get(key(i));
                      c.get("other:" + i, k -> "loaded");
                    } catch (RuntimeException e) {
                      thrown.add(e);
                    }
                  }
                },
                "load");
        t.start();
        load.add(t);
      }
      try {
        RedisServer carrier = subscriptionNode(cluster, "node-b");
        if (!cluster.masters().contains(carrier)) {
          // B listens on a replica: make it a master first, so that killing it cuts B off
          cluster.failover(
              cluster.masters().stream()
                  .filter(m -> cluster.replicasOf(m).contains(carrier))
                  .findFirst()
                  .orElseThrow());
        }
        long gapsBefore = b.stats().invalidationGaps();
        cluster.kill(carrier);

        // A writes at once, as an application would: its connector may still route some slots to
        // the dead master until its topology refresh. A write or an invalidation that returns
        // normally must have taken effect; one that did not must tell the caller, who retries.
        CacheStats aBefore = a.stats();
        for (int i = 0; i < ITEMS; i++) {
          int n = i;
          await()
              .atMost(Duration.ofSeconds(10))
              .ignoreExceptions()
              .until(
                  () -> {
                    if (n % 2 == 0) {
                      a.put(key(n), "new-" + n);
                    } else {
                      a.invalidate(key(n));
                    }
                    return true;
                  });
        }
        String aWrites =
            "A's L2 errors/skipped while writing: "
                + (a.stats().l2Errors() - aBefore.l2Errors())
                + "/"
                + (a.stats().l2Skipped() - aBefore.l2Skipped())
                + ", invalidations sent: "
                + (a.stats().invalidationsSent() - aBefore.invalidationsSent());

        await()
            .atMost(Duration.ofSeconds(10))
            .untilAsserted(
                () ->
                    assertThat(oldValuesServed(b))
                        .as(
                            "old values B serves; %s; A serves %s old; A %s; B %s; B health %s",
                            aWrites, oldValuesServed(a), a.stats(), b.stats(), b.health().details())
                        .isEmpty());
        assertThat(b.stats().invalidationGaps())
            .as("B noticed that its subscription broke")
            .isGreaterThan(gapsBefore);
        await().atMost(Duration.ofSeconds(10)).until(() -> subscribed(b));
        for (int round = 0; round < 3; round++) {
          assertThat(oldValuesServed(b)).as("an old value came back on B; %s", aWrites).isEmpty();
          assertThat(oldValuesServed(a)).as("an old value came back on A; %s", aWrites).isEmpty();
        }
      } finally {
        running.set(false);
        for (Thread t : load) {
          t.join(5_000);
        }
      }
      assertThat(thrown).as("no call throws because of the failover").isEmpty();
    }
  }

  private static List<String> oldValuesServed(Cache<String> cache) {
    List<String> served = new ArrayList<>();
    for (int i = 0; i < ITEMS; i++) {
      String v = cache.get(key(i));
      if (("old-" + i).equals(v)) {
        served.add(key(i));
      }
    }
    return served;
  }

  private static boolean subscribed(Cache<String> cache) {
    return Boolean.TRUE.equals(cache.health().details().get("subscribed"));
  }

  /** The node whose CLIENT LIST shows a subscribed connection named {@code clientName}. */
  private static RedisServer subscriptionNode(RedisCluster cluster, String clientName) {
    for (RedisServer node : cluster.nodes()) {
      try (RedisConnector direct = RedisConnector.create(node.uri())) {
        for (String line : direct.sync().clientList().split("\n", -1)) {
          if (line.contains("name=" + clientName + " ")
              && (line.contains(" cmd=subscribe")
                  || line.contains(" cmd=psubscribe")
                  || line.contains(" cmd=ssubscribe")
                  || !line.contains(" sub=0 ")
                  || !line.contains(" psub=0 "))) {
            return node;
          }
        }
      }
    }
    throw new IllegalStateException("no node holds a subscription named " + clientName);
  }
}
