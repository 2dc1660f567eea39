package dev.headroom.queue.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.headroom.core.redis.RedisConnector;
import dev.headroom.queue.JobInfo;
import dev.headroom.queue.JobQueue;
import dev.headroom.queue.JobQueues;
import dev.headroom.queue.JobState;
import dev.headroom.queue.QueueEvent;
import dev.headroom.queue.QueueEvents;
import dev.headroom.testkit.RedisExtension;
import dev.headroom.testkit.TestRedis;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Control and events across JVMs: a worker in another JVM stops claiming while this one pauses the
 * queue and resumes when it resumes it, and this JVM, which runs none of the jobs, hears their
 * events.
 */
@ExtendWith(RedisExtension.class)
class RedisJobQueueControlIT {

  @Test
  void aWorkerInAnotherJvmHonoursPauseAndThisJvmHearsTheEventsOfItsJobs(TestRedis redis) {
    List<QueueEvent> heard = new CopyOnWriteArrayList<>();
    try (RedisConnector connector = RedisConnector.create(redis.uri());
        JobQueue queue =
            JobQueues.redis(connector, "control", WorkerProcess.options(redis.keyPrefix(), 3000));
        QueueEvents events = queue.subscribe(heard::add);
        WorkerProcesses worker =
            WorkerProcesses.start(redis.uri(), redis.keyPrefix(), "control", 2, 3000, "soak")) {
      await().atMost(Duration.ofSeconds(30)).until(worker::ready);
      String first = queue.enqueue(WorkerProcess.WORK, "first:1");
      await().atMost(Duration.ofSeconds(10)).until(() -> worker.count("run first:1 2 ok") == 1);

      queue.pause();
      String paused = queue.enqueue(WorkerProcess.WORK, "paused:0");
      // the other JVM's idle workers look every 200 ms (their poll interval): none claims it
      await()
          .during(Duration.ofSeconds(2))
          .atMost(Duration.ofSeconds(3))
          .until(() -> queue.job(paused).map(JobInfo::state).orElse(null) == JobState.WAITING);
      assertThat(worker.count("run paused:0")).isZero();

      queue.resume();
      await().atMost(Duration.ofSeconds(10)).until(() -> worker.count("run paused:0 1 ok") == 1);
      await()
          .atMost(Duration.ofSeconds(10))
          .until(
              () -> heard.stream().filter(e -> e.kind() == QueueEvent.Kind.COMPLETED).count() == 2);
      assertThat(heard)
          .extracting(QueueEvent::kind)
          .containsExactly(
              QueueEvent.Kind.FAILED, QueueEvent.Kind.COMPLETED, QueueEvent.Kind.COMPLETED);
      assertThat(heard.get(0).jobId()).isEqualTo(first);
      assertThat(heard.get(0).error().message()).isEqualTo("planned failure 1");
      assertThat(heard.get(2).jobId()).isEqualTo(paused);
      assertThat(events.isRunning()).isTrue();
    }
  }
}
