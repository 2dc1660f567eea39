package dev.headroom.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.headroom.core.redis.RedisConnector;
import dev.headroom.queue.Job;
import dev.headroom.queue.JobInfo;
import dev.headroom.queue.JobQueue;
import dev.headroom.queue.JobQueueRegistry;
import dev.headroom.queue.JobState;
import dev.headroom.queue.JobType;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Import;

/**
 * Application contexts on one real Redis: a job enqueued on a node without workers runs on one with
 * them; closing a context while its job runs gives the job back, and the next node runs it.
 */
class QueueHandOffTest {

  static final String NAMESPACE =
      "hrtest-handoff-" + ProcessHandle.current().pid() + "-" + System.nanoTime();

  static final JobType<String> WORK = JobType.of("handoff-work", String.class);

  @SpringBootConfiguration(proxyBeanMethods = false)
  @EnableAutoConfiguration
  @Import(Worker.class)
  static class WorkerApp {}

  @SpringBootConfiguration(proxyBeanMethods = false)
  @EnableAutoConfiguration
  static class ProducerApp {}

  static class Worker {
    final List<String> started = new CopyOnWriteArrayList<>();
    final List<String> finished = new CopyOnWriteArrayList<>();
    final CountDownLatch release = new CountDownLatch(1);
    volatile boolean hold;

    @JobHandlerMethod(type = "handoff-work", queue = "handoff")
    public void work(Job<String> job) throws InterruptedException {
      started.add(job.payload());
      while (hold && !job.leaseLost()) {
        if (release.await(20, TimeUnit.MILLISECONDS)) {
          break;
        }
      }
      if (!job.leaseLost()) {
        finished.add(job.payload());
      }
    }
  }

  static ConfigurableApplicationContext start(Class<?> app) {
    return new SpringApplicationBuilder(app)
        .web(WebApplicationType.NONE)
        .properties(
            "headroom.redis.url=" + HeadroomAutoConfigurationTest.redisUrl(),
            "headroom.redis.namespace=" + NAMESPACE,
            "headroom.queue.queues.handoff.shutdown-deadline=200ms",
            "headroom.queue.queues.handoff.poll-interval=50ms")
        .run();
  }

  @AfterAll
  static void deleteKeys() {
    try (RedisConnector redis = RedisConnector.create(HeadroomAutoConfigurationTest.redisUrl())) {
      List<String> keys = redis.sync().keys(NAMESPACE + ":*");
      if (!keys.isEmpty()) {
        redis.sync().del(keys.toArray(String[]::new));
      }
    }
  }

  @Test
  void aJobEnqueuedOnOneNodeRunsOnAnother() {
    try (ConfigurableApplicationContext producer = start(ProducerApp.class);
        ConfigurableApplicationContext worker = start(WorkerApp.class)) {
      assertThat(producer.getBean(HeadroomQueueWorkers.class).pools()).isEmpty();
      producer.getBean(JobQueueRegistry.class).getOrCreate("handoff").enqueue(WORK, "from-a");
      Worker w = worker.getBean(Worker.class);
      await().atMost(Duration.ofSeconds(10)).until(() -> w.finished.contains("from-a"));
    }
  }

  @Test
  void closingAContextGivesItsRunningJobBackAndAnotherNodeRunsIt() {
    try (ConfigurableApplicationContext producer = start(ProducerApp.class)) {
      JobQueue queue = producer.getBean(JobQueueRegistry.class).getOrCreate("handoff");
      ConfigurableApplicationContext first = start(WorkerApp.class);
      Worker w = first.getBean(Worker.class);
      w.hold = true;
      String id = queue.enqueue(WORK, "long");
      await().atMost(Duration.ofSeconds(10)).until(() -> w.started.contains("long"));
      first.close();
      assertThat(w.finished).as("the attempt was cut short").isEmpty();
      assertThat(queue.job(id).map(JobInfo::state))
          .as("given back, waiting for a worker")
          .hasValue(JobState.WAITING);

      try (ConfigurableApplicationContext second = start(WorkerApp.class)) {
        Worker again = second.getBean(Worker.class);
        await().atMost(Duration.ofSeconds(10)).until(() -> again.finished.contains("long"));
      }
    }
  }
}
