package dev.headroom.queue.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.headroom.core.redis.RedisConnector;
import dev.headroom.queue.JobInfo;
import dev.headroom.queue.JobOptions;
import dev.headroom.queue.JobQueue;
import dev.headroom.queue.JobQueues;
import dev.headroom.queue.JobState;
import dev.headroom.testkit.RedisExtension;
import dev.headroom.testkit.TestRedis;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * 10 000 jobs, three worker processes, one killed with SIGKILL mid-run, handlers that fail as
 * planned: every job ends completed or dead exactly as its planned failures dictate, none is lost,
 * and a job ran successfully twice only if the killed process held it (a stall).
 */
@ExtendWith(RedisExtension.class)
class RedisJobQueueSoakIT {

  private static final int JOBS = 10_000;

  @Test
  void everyJobEndsAsItsFailuresDictateDespiteAKilledWorker(TestRedis redis) throws Exception {
    Random random = new Random(42);
    List<String> payloads = new ArrayList<>(JOBS);
    for (int i = 0; i < JOBS; i++) {
      int r = random.nextInt(100);
      int failures = r < 5 ? 9 : r < 20 ? 1 : r < 25 ? 2 : 0;
      payloads.add(i + ":" + failures);
    }
    try (RedisConnector connector = RedisConnector.create(redis.uri());
        JobQueue queue =
            JobQueues.redis(connector, "soak", WorkerProcess.options(redis.keyPrefix(), 2000))) {
      List<String> ids = queue.enqueueAll(WorkerProcess.WORK, payloads, JobOptions.ofDefaults());
      List<WorkerProcesses> workers = new ArrayList<>();
      try {
        for (int w = 0; w < 3; w++) {
          workers.add(
              WorkerProcesses.start(redis.uri(), redis.keyPrefix(), "soak", 8, 2000, "soak"));
        }
        // the process to kill must have started claiming (a slow JVM start could leave it holding
        // nothing)
        await()
            .atMost(Duration.ofSeconds(30))
            .until(() -> queue.counts().completed() >= 2_000 && workers.get(0).count("run ") > 0);
        workers.get(0).kill();
        await()
            .atMost(Duration.ofSeconds(60))
            .pollInterval(Duration.ofMillis(250))
            .until(() -> queue.counts().unfinished() == 0);
      } finally {
        for (WorkerProcesses w : workers) {
          w.close();
        }
      }
      Map<String, Integer> successes = new HashMap<>();
      for (WorkerProcesses w : workers) {
        for (String line : w.lines) {
          if (line.startsWith("run ") && line.endsWith(" ok")) {
            successes.merge(line.split(" ")[1], 1, Integer::sum);
          }
        }
      }
      int completed = 0;
      int dead = 0;
      int stalled = 0;
      for (int i = 0; i < JOBS; i++) {
        JobInfo info =
            queue.job(ids.get(i)).orElseThrow(() -> new AssertionError("a job was lost"));
        String payload = payloads.get(i);
        int failures = Integer.parseInt(payload.substring(payload.indexOf(':') + 1));
        stalled += info.stalls() > 0 ? 1 : 0;
        if (failures >= 3) {
          assertThat(info.state()).as(payload).isEqualTo(JobState.DEAD);
          assertThat(info.attempts()).as(payload).isEqualTo(3);
          assertThat(successes).as(payload).doesNotContainKey(payload);
          dead++;
        } else {
          assertThat(info.state()).as(payload).isEqualTo(JobState.COMPLETED);
          assertThat(info.attempts()).as(payload).isEqualTo(failures + 1);
          int ran = successes.getOrDefault(payload, 0);
          assertThat(ran).as(payload).isGreaterThanOrEqualTo(info.stalls() > 0 ? 0 : 1);
          if (info.stalls() == 0) {
            assertThat(ran).as("ran twice without a stall: " + payload).isEqualTo(1);
          }
          completed++;
        }
      }
      assertThat(completed + dead).isEqualTo(JOBS);
      assertThat(queue.counts().dead()).isEqualTo(dead);
      assertThat(stalled)
          .as("jobs the killed process held (each of its 8 slots holds one while work remains)")
          .isBetween(1, 8);
    }
  }
}
