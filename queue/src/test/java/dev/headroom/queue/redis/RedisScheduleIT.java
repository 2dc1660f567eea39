package dev.headroom.queue.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.headroom.core.key.KeySpace;
import dev.headroom.core.redis.RedisConnector;
import dev.headroom.queue.JobQueue;
import dev.headroom.queue.JobQueueConfig;
import dev.headroom.queue.JobQueues;
import dev.headroom.queue.Schedule;
import dev.headroom.queue.ScheduledTick;
import dev.headroom.testkit.RedisExtension;
import dev.headroom.testkit.TestRedis;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Recurring jobs across processes: two queue instances here (each with its own connector) and a
 * worker JVM tick one schedule together, and a ticking JVM is killed with SIGKILL again and again;
 * every tick gets exactly one job, none lost and none doubled.
 */
@ExtendWith(RedisExtension.class)
class RedisScheduleIT {

  private static final long EVERY_MS = 20;
  private static final Schedule<String> FAST =
      Schedule.builder("fast", WorkerProcess.WORK, "tick:0")
          .every(Duration.ofMillis(EVERY_MS))
          .build();

  /** The ticks of every tick job stored (completed ones are kept: retention 50 000). */
  private static List<Long> storedTicks(RedisConnector connector, String keyPrefix, String queue) {
    String completed = KeySpace.of(keyPrefix, "q").taggedKey(queue, ":completed");
    List<Long> ticks = new ArrayList<>();
    for (String id : connector.sync().zrange(completed, 0, -1)) {
      ticks.add(ScheduledTick.of(id).orElseThrow().at().toEpochMilli());
    }
    ticks.sort(null);
    return ticks;
  }

  private static void assertOneJobPerTick(List<Long> ticks) {
    assertThat(ticks).hasSizeGreaterThan(50);
    for (int i = 1; i < ticks.size(); i++) {
      assertThat(ticks.get(i) - ticks.get(i - 1))
          .as("between tick %s and the next", ticks.get(i - 1))
          .isEqualTo(EVERY_MS);
    }
  }

  @Test
  void threeProcessesRacingOnOneScheduleEnqueueOneJobPerTick(TestRedis redis) {
    JobQueueConfig options = WorkerProcess.options(redis.keyPrefix(), 5000);
    AtomicInteger localRuns = new AtomicInteger();
    try (RedisConnector a = RedisConnector.create(redis.uri());
        RedisConnector b = RedisConnector.create(redis.uri());
        JobQueue first = JobQueues.redis(a, "race", options);
        JobQueue second = JobQueues.redis(b, "race", options);
        WorkerProcesses other =
            WorkerProcesses.start(redis.uri(), redis.keyPrefix(), "race", 2, 5000, "soak")) {
      await().atMost(Duration.ofSeconds(30)).until(other::ready);
      for (JobQueue q : List.of(first, second)) {
        q.workers().handle(WorkerProcess.WORK, job -> localRuns.incrementAndGet()).start();
        q.schedules().upsert(FAST);
      }
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> other.count("run") > 20 && first.counts().completed() > 300);
      assertThat(first.schedules().remove("fast")).isTrue();
      await().atMost(Duration.ofSeconds(20)).until(() -> first.counts().unfinished() == 0);
      List<Long> ticks = storedTicks(a, redis.keyPrefix(), "race");
      assertOneJobPerTick(ticks);
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> localRuns.get() + other.count("run") == ticks.size());
    }
  }

  @Test
  void aTickingProcessKilledAgainAndAgainLosesAndDoublesNoTick(TestRedis redis) {
    JobQueueConfig options = WorkerProcess.options(redis.keyPrefix(), 1500);
    try (RedisConnector connector = RedisConnector.create(redis.uri())) {
      try (JobQueue setup = JobQueues.redis(connector, "killed", options)) {
        setup.schedules().upsert(FAST); // ticks here until closed
      }
      for (int round = 0; round < 3; round++) {
        try (WorkerProcesses ticker =
            WorkerProcesses.start(redis.uri(), redis.keyPrefix(), "killed", 2, 1500, "soak")) {
          await().atMost(Duration.ofSeconds(30)).until(() -> ticker.count("run") > 20);
          ticker.kill(); // mid-tick more often than not: it fires every 20 ms
        }
      }
      try (JobQueue survivor = JobQueues.redis(connector, "killed", options)) {
        survivor.workers().handle(WorkerProcess.WORK, job -> {}).start();
        long resumed = survivor.schedules().get("fast").orElseThrow().nextTick().toEpochMilli();
        await()
            .atMost(Duration.ofSeconds(30))
            .until(
                () ->
                    survivor.schedules().get("fast").orElseThrow().nextTick().toEpochMilli()
                        > resumed + 50 * EVERY_MS);
        assertThat(survivor.schedules().remove("fast")).isTrue();
        // jobs the killed workers held run here once their leases expire
        await().atMost(Duration.ofSeconds(30)).until(() -> survivor.counts().unfinished() == 0);
        assertOneJobPerTick(storedTicks(connector, redis.keyPrefix(), "killed"));
      }
    }
  }
}
