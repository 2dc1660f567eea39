package dev.headroom.queue.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.headroom.core.codec.Codec;
import dev.headroom.core.health.HealthStatus;
import dev.headroom.core.redis.RedisConnector;
import dev.headroom.core.redis.RedisConnectorOptions;
import dev.headroom.queue.JobQueue;
import dev.headroom.queue.JobQueueConfig;
import dev.headroom.queue.JobQueues;
import dev.headroom.queue.JobType;
import dev.headroom.testkit.RedisCluster;
import dev.headroom.testkit.RedisServer;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A queue on a Redis Cluster with replicas, under a producer and running workers, across a manual
 * failover ({@code CLUSTER FAILOVER}) of the master that holds the queue: the replica catches up
 * with the master before it takes over, so every enqueue that returned runs; calls during the
 * switch fail as in an outage (not acknowledged) and the workers resume on the new master.
 *
 * <p>An automatic failover (the master crashes) is not synchronous: what it can lose and how to
 * narrow it is in the queue README, "Failover with asynchronous replicas".
 */
class RedisJobQueueFailoverIT {

  private static final RedisConnectorOptions FAST =
      RedisConnectorOptions.builder()
          .commandTimeout(Duration.ofSeconds(1))
          .connectTimeout(Duration.ofMillis(500))
          .reconnectDelay(Duration.ofMillis(20), Duration.ofMillis(200))
          .topologyRefreshPeriod(Duration.ofSeconds(1))
          .build();
  private static final JobType<String> TEXT = JobType.of("text", Codec.utf8());

  @Test
  void noAcknowledgedJobIsLostAcrossAManualFailover() throws Exception {
    try (RedisCluster cluster = RedisCluster.start(3, 1);
        RedisConnector connector = RedisConnector.create(cluster.uri(), FAST);
        JobQueue q =
            JobQueues.redis(
                connector,
                "failover",
                JobQueueConfig.builder().pollInterval(Duration.ofMillis(200)).build())) {
      Map<String, AtomicInteger> runs = new ConcurrentHashMap<>();
      q.workers()
          .handle(
              TEXT,
              job ->
                  runs.computeIfAbsent(job.payload(), k -> new AtomicInteger()).incrementAndGet())
          .concurrency(4)
          .start();
      Set<String> accepted = ConcurrentHashMap.newKeySet();
      AtomicInteger refused = new AtomicInteger();
      AtomicBoolean producing = new AtomicBoolean(true);
      Thread producer =
          new Thread(
              () -> {
                for (int i = 0; producing.get(); i++) {
                  // keep a backlog of at most 100 jobs: load, not a flood the workers never drain
                  await()
                      .atMost(Duration.ofSeconds(20))
                      .pollInterval(Duration.ofMillis(5))
                      .until(() -> accepted.size() - runs.size() < 100 || !producing.get());
                  String payload = "job-" + i;
                  try {
                    q.enqueue(TEXT, payload);
                    accepted.add(payload);
                  } catch (RuntimeException e) {
                    refused.incrementAndGet(); // not acknowledged: the caller would retry
                  }
                }
              },
              "producer");
      producer.start();
      await().atMost(Duration.ofSeconds(10)).until(() -> runs.size() >= 200);

      RedisServer master = cluster.masterFor("{failover}");
      RedisServer promoted = cluster.failover(master);
      assertThat(cluster.masterFor("{failover}")).isEqualTo(promoted);

      int atFailover = accepted.size();
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> accepted.size() >= atFailover + 200 && runs.size() >= atFailover + 100);
      producing.set(false);
      producer.join(5_000);

      await()
          .atMost(Duration.ofSeconds(15))
          .untilAsserted(
              () -> {
                assertThat(runs.keySet())
                    .as("every acknowledged enqueue ran (%s refused during the switch)", refused)
                    .containsAll(accepted);
                assertThat(q.counts().unfinished()).isZero();
              });
      assertThat(q.counts().dead()).as("no job was dead-lettered").isZero();
      assertThat(q.health().status()).isEqualTo(HealthStatus.UP);
    }
  }
}
