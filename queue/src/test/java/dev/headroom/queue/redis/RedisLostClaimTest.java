package dev.headroom.queue.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.headroom.core.codec.Codec;
import dev.headroom.core.key.KeySpace;
import dev.headroom.core.redis.RedisConnector;
import dev.headroom.core.redis.RedisConnectorOptions;
import dev.headroom.core.time.ManualTimeSource;
import dev.headroom.queue.JobInfo;
import dev.headroom.queue.JobQueue;
import dev.headroom.queue.JobQueueConfig;
import dev.headroom.queue.JobQueues;
import dev.headroom.queue.JobType;
import dev.headroom.queue.QueueCounts;
import dev.headroom.queue.QueueUnavailableException;
import dev.headroom.queue.broker.ClaimedJob;
import dev.headroom.queue.broker.Exchange;
import dev.headroom.queue.broker.Settlement;
import dev.headroom.testkit.RedisServer;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A claim that timed out on the client may still run on Redis and take jobs nobody receives: they
 * must come back without a stall counted, or {@code maxStalls} buries jobs that never ran.
 */
class RedisLostClaimTest {

  private static final JobType<String> TEXT = JobType.of("text", Codec.utf8());

  @Test
  void jobsTakenByAClaimThatTimedOutOnTheClientComeBackWithoutAStall() {
    // its own server: CLIENT PAUSE stops every client of the server
    try (RedisServer server = RedisServer.start();
        RedisConnector admin = RedisConnector.create(server.uri());
        RedisConnector impatient =
            RedisConnector.create(
                server.uri(),
                RedisConnectorOptions.builder().commandTimeout(Duration.ofMillis(300)).build())) {
      ManualTimeSource time = ManualTimeSource.create();
      JobQueueConfig config =
          JobQueueConfig.builder()
              .keySpace(KeySpace.of("lost"))
              .timeSource(time)
              .serverTime(false)
              .maxStalls(0)
              .build();
      try (JobQueue q = JobQueues.redis(admin, "q", config);
          RedisBroker broker = RedisBroker.create(impatient, "q", config)) {
        String first = q.enqueue(TEXT, "a");
        String second = q.enqueue(TEXT, "b");
        broker.exchange(List.of(), 0, "w:0:", 1000); // loads the script before the pause

        admin.sync().clientPause(1500);
        assertThatThrownBy(() -> broker.exchange(List.of(), 2, "w:1:", 1000))
            .isInstanceOf(QueueUnavailableException.class);
        // the pause ends and Redis runs the claim the client gave up on
        await().atMost(Duration.ofSeconds(10)).until(() -> q.counts().active() == 2);

        Exchange next = broker.exchange(List.of(), 2, "w:2:", 1000);
        assertThat(next.claimed())
            .as("the next claim gives back and takes again what the lost one took")
            .extracting(ClaimedJob::id)
            .containsExactlyInAnyOrder(first, second);
        assertThat(next.claimed()).extracting(ClaimedJob::attempt).containsOnly(1);

        List<Settlement> done = next.claimed().stream().map(Settlement::complete).toList();
        assertThat(broker.exchange(done, 0, "w:3:", 1000).accepted()).containsOnly(true);
        time.advance(Duration.ofSeconds(5));
        assertThat(broker.reap(0)).as("no lease left to expire").isZero();

        QueueCounts counts = q.counts();
        assertThat(counts.completed()).isEqualTo(2);
        assertThat(counts.dead()).isZero();
        assertThat(q.job(first).map(JobInfo::stalls)).contains(0);
        assertThat(q.job(second).map(JobInfo::stalls)).contains(0);
      }
    }
  }
}
