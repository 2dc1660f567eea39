package dev.headroom.queue.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.headroom.core.codec.Codec;
import dev.headroom.core.key.KeySpace;
import dev.headroom.core.redis.RedisConnector;
import dev.headroom.queue.CancelOutcome;
import dev.headroom.queue.DeadLetter;
import dev.headroom.queue.JobInfo;
import dev.headroom.queue.JobOptions;
import dev.headroom.queue.JobQueue;
import dev.headroom.queue.JobQueueConfig;
import dev.headroom.queue.JobQueueContractTest;
import dev.headroom.queue.JobQueues;
import dev.headroom.queue.JobState;
import dev.headroom.queue.JobType;
import dev.headroom.queue.QueueEvent;
import dev.headroom.queue.QueueEvents;
import dev.headroom.queue.Schedule;
import dev.headroom.queue.ScheduledTick;
import dev.headroom.testkit.RedisExtension;
import dev.headroom.testkit.TestRedis;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The contract on Redis (caller-time hook driven by the suite's manual clock), plus what only Redis
 * has: server time, the key layout under one hash tag, and two processes' worth of connectors
 * sharing one queue.
 */
@ExtendWith(RedisExtension.class)
class RedisJobQueueTest extends JobQueueContractTest {

  private static final JobType<String> TEXT = JobType.of("text", Codec.utf8());
  private static RedisConnector connector;
  private static RedisConnector otherNode;
  private TestRedis redis;
  private KeySpace keySpace;

  @BeforeAll
  static void connect(TestRedis shared) {
    connector = RedisConnector.create(shared.uri());
    otherNode = RedisConnector.create(shared.uri());
  }

  @AfterAll
  static void disconnect() {
    connector.close();
    otherNode.close();
  }

  @BeforeEach
  void keySpace(TestRedis perTest) {
    this.redis = perTest;
    this.keySpace = KeySpace.of(perTest.keyPrefix(), "q");
  }

  @Override
  protected JobQueue create(String name, JobQueueConfig options) {
    return JobQueues.redis(connector, name, options.toBuilder().keySpace(keySpace).build());
  }

  @Test
  void everyKeyOfAQueueSharesOneHashTagAndTimeComesFromTheServer() {
    try (JobQueue q =
        JobQueues.redis(connector, "emails", JobQueueConfig.builder().keySpace(keySpace).build())) {
      long before = System.currentTimeMillis();
      String id = q.enqueue(TEXT, "hello", JobOptions.delayed(Duration.ofMinutes(5)));
      q.enqueue(TEXT, "now");
      JobInfo info = q.job(id).orElseThrow();
      assertThat(info.enqueuedAt())
          .isBetween(Instant.ofEpochMilli(before - 5_000), Instant.now().plusSeconds(5));
      assertThat(info.runAt()).isEqualTo(info.enqueuedAt().plus(Duration.ofMinutes(5)));
      List<String> keys = redis.keys();
      assertThat(keys).isNotEmpty().allMatch(k -> k.startsWith(keySpace.prefix() + "{emails}:"));
      assertThat(keys)
          .contains(
              keySpace.prefix() + "{emails}:job:" + id,
              keySpace.prefix() + "{emails}:waiting",
              keySpace.prefix() + "{emails}:delayed",
              keySpace.prefix() + "{emails}:seq");
    }
  }

  @Test
  void workersInTwoProcessesShareTheQueueAndRunEachJobOnce() {
    JobQueueConfig options =
        JobQueueConfig.builder().keySpace(keySpace).pollInterval(Duration.ofMillis(200)).build();
    Map<String, AtomicInteger> runs = new ConcurrentHashMap<>();
    AtomicInteger onFirst = new AtomicInteger();
    AtomicInteger onSecond = new AtomicInteger();
    try (JobQueue first = JobQueues.redis(connector, "shared", options);
        JobQueue second = JobQueues.redis(otherNode, "shared", options)) {
      first
          .workers()
          .handle(
              TEXT,
              job -> {
                onFirst.incrementAndGet();
                runs.computeIfAbsent(job.payload(), k -> new AtomicInteger()).incrementAndGet();
              })
          .concurrency(4)
          .start();
      second
          .workers()
          .handle(
              TEXT,
              job -> {
                onSecond.incrementAndGet();
                runs.computeIfAbsent(job.payload(), k -> new AtomicInteger()).incrementAndGet();
              })
          .concurrency(4)
          .start();
      for (int i = 0; i < 500; i++) {
        (i % 2 == 0 ? first : second).enqueue(TEXT, "j" + i);
      }
      await().atMost(Duration.ofSeconds(20)).until(() -> runs.size() == 500);
      assertThat(runs.values()).allMatch(n -> n.get() == 1);
      assertThat(onFirst.get() + onSecond.get()).isEqualTo(500);
      await().atMost(Duration.ofSeconds(5)).until(() -> first.counts().unfinished() == 0);
    }
  }

  @Test
  void twoProcessesTickingOneScheduleEnqueueExactlyOneJobPerTick() {
    JobQueueConfig options =
        JobQueueConfig.builder().keySpace(keySpace).pollInterval(Duration.ofMillis(100)).build();
    Map<String, AtomicInteger> runs = new ConcurrentHashMap<>();
    Schedule<String> fast =
        Schedule.builder("fast", TEXT, "tick").every(Duration.ofMillis(20)).build();
    try (JobQueue first = JobQueues.redis(connector, "raced", options);
        JobQueue second = JobQueues.redis(otherNode, "raced", options)) {
      for (JobQueue q : List.of(first, second)) {
        q.workers()
            .handle(
                TEXT,
                job -> runs.computeIfAbsent(job.id(), k -> new AtomicInteger()).incrementAndGet())
            .concurrency(2)
            .start();
        q.schedules().upsert(fast);
      }
      await().atMost(Duration.ofSeconds(30)).until(() -> runs.size() >= 100);
      assertThat(second.schedules().remove("fast")).isTrue();
      await().atMost(Duration.ofSeconds(10)).until(() -> first.counts().unfinished() == 0);
    }
    assertThat(runs.values()).allMatch(n -> n.get() == 1);
    List<Long> ticks =
        runs.keySet().stream()
            .map(id -> ScheduledTick.of(id).orElseThrow().at().toEpochMilli())
            .sorted()
            .toList();
    for (int i = 1; i < ticks.size(); i++) {
      assertThat(ticks.get(i) - ticks.get(i - 1)).as("no tick lost between").isEqualTo(20);
    }
  }

  @Test
  void anIdleWorkerWakesWhenAJobArrivesWithoutWaitingForItsPoll() {
    JobQueueConfig options =
        JobQueueConfig.builder().keySpace(keySpace).pollInterval(Duration.ofSeconds(30)).build();
    try (JobQueue q = JobQueues.redis(connector, "wake", options);
        JobQueue producer = JobQueues.redis(otherNode, "wake", options)) {
      Recorder r = new Recorder();
      q.workers().handle(TEXT, r).concurrency(3).start();
      await().pollDelay(Duration.ofMillis(200)).atMost(Duration.ofSeconds(5)).until(() -> true);
      String id = producer.enqueue(TEXT, "ping");
      // the poll interval (30 s) and the command timeout (2 s) are both far longer than this wait
      await()
          .atMost(Duration.ofMillis(1500))
          .until(() -> q.job(id).map(JobInfo::state).orElse(null) == JobState.COMPLETED);
    }
  }

  @Test
  void aCancelFromAnotherProcessReachesTheRunningHandlerThroughItsLeaseRenewal() {
    JobQueueConfig options =
        JobQueueConfig.builder().keySpace(keySpace).lease(Duration.ofMillis(600)).build();
    try (JobQueue worker = JobQueues.redis(connector, "cancel", options);
        JobQueue operator = JobQueues.redis(otherNode, "cancel", options)) {
      worker
          .workers()
          .handle(
              TEXT,
              job -> {
                await().atMost(Duration.ofSeconds(10)).until(job::cancelRequested);
                throw new CancellationException("stopped");
              })
          .concurrency(1)
          .start();
      String id = operator.enqueue(TEXT, "long");
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> operator.job(id).map(JobInfo::state).orElse(null) == JobState.ACTIVE);
      assertThat(operator.cancel(id)).isEqualTo(CancelOutcome.REQUESTED);
      // seen at the worker's next renewal, every third of the lease
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> operator.job(id).map(JobInfo::state).orElse(null) == JobState.DEAD);
      assertThat(operator.deadLetters().get(id).orElseThrow().reason())
          .isEqualTo(DeadLetter.REASON_CANCELLED);
    }
  }

  @Test
  void aQueueThatRanNoneOfTheJobsHearsTheirEventsAndReadsTheirResults() {
    JobQueueConfig options = JobQueueConfig.builder().keySpace(keySpace).build();
    List<QueueEvent> heard = new CopyOnWriteArrayList<>();
    try (JobQueue worker = JobQueues.redis(connector, "events", options);
        JobQueue watcher = JobQueues.redis(otherNode, "events", options);
        QueueEvents events = watcher.subscribe(heard::add)) {
      worker
          .workers()
          .handle(
              TEXT,
              Codec.utf8(),
              job -> {
                job.progress(99);
                return job.payload().toUpperCase(java.util.Locale.ROOT);
              })
          .concurrency(2)
          .start();
      String id = worker.enqueue(TEXT, "hello");
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> heard.stream().anyMatch(e -> e.kind() == QueueEvent.Kind.COMPLETED));
      assertThat(heard)
          .extracting(QueueEvent::kind)
          .containsExactly(QueueEvent.Kind.PROGRESS, QueueEvent.Kind.COMPLETED);
      assertThat(heard).allMatch(e -> e.jobId().equals(id) && e.type().equals("text"));
      JobInfo info = watcher.job(id).orElseThrow();
      assertThat(info.result(Codec.utf8())).contains("HELLO");
      assertThat(info.progress()).isEqualTo("99");
      assertThat(events.lastId()).isEqualTo(heard.get(1).id());
      assertThat(redis.keys()).contains(keySpace.prefix() + "{events}:events");
    }
  }
}
