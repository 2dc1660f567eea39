package dev.headroom.queue.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.headroom.core.redis.RedisConnector;
import dev.headroom.queue.JobInfo;
import dev.headroom.queue.JobQueue;
import dev.headroom.queue.JobQueueContractTest.Recorder;
import dev.headroom.queue.JobQueues;
import dev.headroom.queue.JobState;
import dev.headroom.testkit.RedisExtension;
import dev.headroom.testkit.TestRedis;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A worker in another JVM holds jobs and is killed with SIGKILL; once its leases expire, a worker
 * here runs every one of them.
 */
@ExtendWith(RedisExtension.class)
class RedisJobQueueCrashIT {

  @Test
  void jobsHeldByAKilledWorkerAreRunByAnotherAfterTheLeaseExpires(TestRedis redis)
      throws Exception {
    try (RedisConnector connector = RedisConnector.create(redis.uri());
        JobQueue queue =
            JobQueues.redis(connector, "crash", WorkerProcess.options(redis.keyPrefix(), 1500))) {
      List<String> ids = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        ids.add(queue.enqueue(WorkerProcess.WORK, "held-" + i));
      }
      try (WorkerProcesses worker =
          WorkerProcesses.start(redis.uri(), redis.keyPrefix(), "crash", 5, 1500, "hold")) {
        await().atMost(Duration.ofSeconds(30)).until(() -> worker.count("holding") == 5);
        assertThat(queue.counts().active()).isEqualTo(5);
        worker.kill();
      }
      assertThat(queue.counts().active()).as("the leases outlive the process").isEqualTo(5);
      Recorder survivor = new Recorder();
      queue.workers().handle(WorkerProcess.WORK, survivor).concurrency(2).start();
      await().atMost(Duration.ofSeconds(20)).until(() -> survivor.seen.size() == 5);
      assertThat(survivor.seen)
          .containsExactlyInAnyOrder("held-0", "held-1", "held-2", "held-3", "held-4");
      for (String id : ids) {
        await()
            .atMost(Duration.ofSeconds(5))
            .until(() -> queue.job(id).map(JobInfo::state).orElse(null) == JobState.COMPLETED);
        JobInfo info = queue.job(id).orElseThrow();
        assertThat(info.stalls()).isEqualTo(1);
        assertThat(info.attempts()).as("the killed attempt does not count").isEqualTo(1);
      }
    }
  }
}
