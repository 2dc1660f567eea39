package dev.headroom.queue.redis;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.headroom.core.codec.Codec;
import dev.headroom.core.key.InvalidKeyException;
import dev.headroom.core.key.KeySpace;
import dev.headroom.core.redis.RedisConnector;
import dev.headroom.core.time.ManualTimeSource;
import dev.headroom.queue.DeadLetter;
import dev.headroom.queue.JobInfo;
import dev.headroom.queue.JobOptions;
import dev.headroom.queue.JobQueue;
import dev.headroom.queue.JobQueueConfig;
import dev.headroom.queue.JobQueues;
import dev.headroom.queue.JobState;
import dev.headroom.queue.JobType;
import dev.headroom.queue.QueueCounts;
import dev.headroom.queue.broker.Broker;
import dev.headroom.queue.broker.Exchange;
import dev.headroom.testkit.RedisExtension;
import dev.headroom.testkit.TestRedis;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Redis as it is operated, not as the queue would like it: job hashes that disappear (evicted under
 * a {@code maxmemory} policy, or deleted by hand).
 */
@ExtendWith(RedisExtension.class)
class RedisQueueAsOperatedTest {

  private static final JobType<String> TEXT = JobType.of("text", Codec.utf8());

  @Test
  void aMissingJobHashIsDeadLetteredAndTakesNoHealthyJobWithIt(
      RedisConnector connector, TestRedis redis) {
    KeySpace keySpace = KeySpace.of(redis.keyPrefix(), "q");
    JobQueueConfig config =
        JobQueueConfig.builder().keySpace(keySpace).pollInterval(Duration.ofMillis(50)).build();
    try (JobQueue q = JobQueues.redis(connector, "lossy", config)) {
      List<String> ids = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        ids.add(q.enqueue(TEXT, "j" + i, JobOptions.builder().jobId("job-" + i).build()));
      }
      // the second job in line loses its hash, as eviction or a hand-made DEL would do
      String lost = ids.get(1);
      assertThat(connector.sync().del(keySpace.prefix() + "{lossy}:job:" + lost)).isEqualTo(1);

      Set<String> ran = ConcurrentHashMap.newKeySet();
      q.workers().handle(TEXT, job -> ran.add(job.id())).concurrency(8).start();

      List<String> healthy = new ArrayList<>(ids);
      healthy.remove(lost);
      await()
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(() -> assertThat(ran).containsExactlyInAnyOrderElementsOf(healthy));
      for (String id : healthy) {
        await()
            .atMost(Duration.ofSeconds(5))
            .until(() -> q.job(id).map(JobInfo::state).orElse(null) == JobState.COMPLETED);
      }
      QueueCounts counts = q.counts();
      assertThat(counts.waiting()).isZero();
      assertThat(counts.active()).isZero();
      assertThat(counts.completed()).isEqualTo(healthy.size());
      assertThat(counts.dead()).isEqualTo(1);
      DeadLetter dead = q.deadLetters().get(lost).orElseThrow();
      assertThat(dead.reason()).isEqualTo(DeadLetter.REASON_MISSING);
      assertThat(dead.error().message()).contains("missing");
      // nothing to run again: a replay leaves it where it is
      assertThat(q.deadLetters().replay(lost)).isFalse();
      assertThat(q.deadLetters().get(lost)).isPresent();
    }
  }

  @Test
  void anActiveOrDelayedJobWithoutItsHashIsDeadLetteredNotRevivedAsGarbage(
      RedisConnector connector, TestRedis redis) {
    KeySpace keySpace = KeySpace.of(redis.keyPrefix(), "q");
    ManualTimeSource time = ManualTimeSource.create();
    JobQueueConfig config =
        JobQueueConfig.builder().keySpace(keySpace).timeSource(time).serverTime(false).build();
    List<String> missing = new ArrayList<>();
    try (JobQueue q = JobQueues.redis(connector, "holes", config);
        Broker broker = RedisBroker.create(connector, "holes", config)) {
      broker.onMissingJob(missing::add);
      String running = q.enqueue(TEXT, "a", JobOptions.builder().jobId("running").build());
      String delayed =
          q.enqueue(
              TEXT,
              "b",
              JobOptions.builder().jobId("delayed").delay(Duration.ofSeconds(1)).build());
      Exchange ex = broker.exchange(List.of(), 1, "w:1:", 1000);
      assertThat(ex.claimed()).extracting(c -> c.id()).containsExactly(running);
      connector.sync().del(keySpace.prefix() + "{holes}:job:" + running);
      connector.sync().del(keySpace.prefix() + "{holes}:job:" + delayed);
      time.advance(Duration.ofSeconds(2));

      assertThat(broker.reap(5)).as("no stall: nothing of the job was left to run").isZero();
      assertThat(broker.exchange(List.of(), 1, "w:2:", 1000).claimed()).isEmpty();

      assertThat(missing).containsExactly(running, delayed);
      QueueCounts counts = q.counts();
      assertThat(counts.unfinished()).isZero();
      assertThat(counts.dead()).isEqualTo(2);
      for (String id : List.of(running, delayed)) {
        JobInfo info = q.job(id).orElseThrow();
        assertThat(info.state()).isEqualTo(JobState.DEAD);
        assertThat(info.attempts()).isZero();
        assertThat(q.deadLetters().get(id).orElseThrow().reason())
            .isEqualTo(DeadLetter.REASON_MISSING);
      }
    }
  }

  @Test
  void idsWithUnpairedSurrogatesAreRefusedRatherThanCollidingInRedis(
      RedisConnector connector, TestRedis redis) {
    JobQueueConfig config =
        JobQueueConfig.builder().keySpace(KeySpace.of(redis.keyPrefix(), "q")).build();
    try (JobQueue q = JobQueues.redis(connector, "ids", config)) {
      // UTF-8 turns either lone surrogate into '?': both would be the Redis key of job "a?b"
      String high = "a\uD800b";
      String low = "a\uDC00b";
      assertThatThrownBy(() -> JobOptions.builder().jobId(high))
          .isInstanceOf(InvalidKeyException.class)
          .hasMessageContaining("jobId")
          .hasMessageContaining("unpaired surrogate")
          .hasMessageContaining("a\\uD800b");
      assertThatThrownBy(() -> JobOptions.builder().jobId("ends-high\uDBFF"))
          .isInstanceOf(InvalidKeyException.class);
      assertThatThrownBy(() -> q.job(low))
          .isInstanceOf(InvalidKeyException.class)
          .hasMessageContaining("a\\uDC00b");
      assertThatThrownBy(() -> q.deadLetters().get(low)).isInstanceOf(InvalidKeyException.class);
      assertThatThrownBy(() -> q.deadLetters().replay(low)).isInstanceOf(InvalidKeyException.class);
      assertThatThrownBy(() -> q.deadLetters().purge(low)).isInstanceOf(InvalidKeyException.class);
      assertThatThrownBy(() -> JobType.of("type\uDC00", Codec.utf8()))
          .isInstanceOf(InvalidKeyException.class)
          .hasMessageContaining("job type name");
      assertThatThrownBy(() -> JobQueues.redis(connector, "queue\uD800", config))
          .isInstanceOf(InvalidKeyException.class)
          .hasMessageContaining("queue name");

      // a surrogate pair is a character like any other, and its id stays its own
      String emoji = q.enqueue(TEXT, "smile", JobOptions.builder().jobId("a\uD83D\uDE00b").build());
      String question = q.enqueue(TEXT, "plain", JobOptions.builder().jobId("a?b").build());
      assertThat(q.counts().waiting()).isEqualTo(2);
      assertThat(q.job(emoji).orElseThrow().payload()).isEqualTo("smile".getBytes(UTF_8));
      assertThat(q.job(question).orElseThrow().payload()).isEqualTo("plain".getBytes(UTF_8));
    }
  }
}
