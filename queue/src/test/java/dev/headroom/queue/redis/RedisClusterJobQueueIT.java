package dev.headroom.queue.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.headroom.core.codec.Codec;
import dev.headroom.core.key.KeySpace;
import dev.headroom.core.redis.RedisConnector;
import dev.headroom.core.redis.RedisTopology;
import dev.headroom.queue.JobQueue;
import dev.headroom.queue.JobQueueConfig;
import dev.headroom.queue.JobQueueContractTest;
import dev.headroom.queue.JobQueues;
import dev.headroom.queue.JobType;
import dev.headroom.testkit.RedisCluster;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The contract on the testkit's 3-master Redis Cluster, and queues spread over every master. */
class RedisClusterJobQueueIT extends JobQueueContractTest {

  private static final AtomicInteger TEST = new AtomicInteger();
  private static RedisCluster cluster;
  private static RedisConnector connector;
  private KeySpace keySpace;

  @BeforeAll
  static void startCluster() {
    cluster = RedisCluster.start();
    connector = RedisConnector.create(cluster.uri());
  }

  @AfterAll
  static void stopCluster() {
    connector.close();
    cluster.close();
  }

  @BeforeEach
  void keySpace() {
    keySpace = KeySpace.of("queue-cluster-it", "t" + TEST.incrementAndGet());
  }

  @Override
  protected JobQueue create(String name, JobQueueConfig options) {
    return JobQueues.redis(connector, name, options.toBuilder().keySpace(keySpace).build());
  }

  @Test
  void queuesOnEveryMasterRunTheirJobsWithServerTime() {
    assertThat(connector.topology()).isEqualTo(RedisTopology.CLUSTER);
    JobType<String> text = JobType.of("text", Codec.utf8());
    List<JobQueue> queues = new ArrayList<>();
    List<Recorder> recorders = new ArrayList<>();
    try {
      for (int i = 0; i < 12; i++) {
        JobQueue q =
            JobQueues.redis(
                connector,
                "spread-" + i,
                JobQueueConfig.builder()
                    .keySpace(keySpace)
                    .pollInterval(Duration.ofMillis(200))
                    .build());
        queues.add(q);
        Recorder r = new Recorder();
        recorders.add(r);
        q.workers().handle(text, r).concurrency(2).start();
        q.enqueueAll(text, List.of("a", "b", "c"), dev.headroom.queue.JobOptions.ofDefaults());
      }
      await()
          .atMost(Duration.ofSeconds(20))
          .until(() -> recorders.stream().allMatch(r -> r.seen.size() == 3));
      for (var node : cluster.nodes()) {
        try (RedisConnector direct = RedisConnector.create(node.uri())) {
          assertThat(direct.sync().dbsize()).as("keys on %s", node).isPositive();
        }
      }
    } finally {
      queues.forEach(JobQueue::close);
    }
  }
}
