package dev.headroom.queue.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.headroom.core.health.HealthStatus;
import dev.headroom.queue.DeadLetter;
import dev.headroom.queue.DeadLetterFilter;
import dev.headroom.queue.JobOptions;
import dev.headroom.queue.JobQueue;
import dev.headroom.queue.JobQueueConfig;
import dev.headroom.queue.JobQueueRegistry;
import dev.headroom.queue.JobQueues;
import dev.headroom.queue.JobType;
import dev.headroom.queue.NonRetryableException;
import dev.headroom.queue.Schedule;
import dev.headroom.queue.ScheduleInfo;
import dev.headroom.queue.WorkerPool;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * The in-memory queue on a class path without Lettuce, Netty or Reactor (the surefire execution
 * {@code without-lettuce} in this module's pom removes them): a user of the embedded queue needs
 * none of them. It runs only there (elsewhere, as under {@code -Dtest=...}, it is skipped).
 */
@EnabledIfSystemProperty(named = "headroom.test.withoutLettuce", matches = "true")
class InMemoryQueueWithoutLettuceTest {

  record Email(String to) {}

  static final JobType<Email> EMAIL = JobType.of("email", Email.class);

  @BeforeAll
  static void theRedisClientIsAbsent() {
    for (String name :
        List.of(
            "io.lettuce.core.RedisClient",
            "io.netty.channel.Channel",
            "reactor.core.publisher.Mono",
            "com.cronutils.parser.CronParser")) {
      assertThatThrownBy(() -> Class.forName(name))
          .as(name)
          .isInstanceOf(ClassNotFoundException.class);
    }
  }

  @Test
  void theInMemoryQueueRunsJobsRetriesAndDeadLetters() {
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    try (JobQueue queue =
        JobQueues.inMemory("mail", JobQueueConfig.builder().meterRegistry(meters).build())) {
      runs(queue);
      assertThat(meters.find("headroom.queue.completed").counter().count()).isEqualTo(2);
    }
  }

  @Test
  void createWithoutAConnectorIsTheInMemoryQueue() {
    try (JobQueue queue = JobQueues.create(Optional.empty(), "mail", JobQueueConfig.ofDefaults())) {
      runs(queue);
      assertThat(queue.health().details()).containsEntry("backend", "memory");
    }
  }

  @Test
  void aRegistryWithoutAConnectorMakesInMemoryQueues() {
    try (JobQueueRegistry queues =
        JobQueueRegistry.create(Optional.empty(), JobQueueConfig.ofDefaults())) {
      runs(queues.getOrCreate("mail"));
      assertThat(queues.names()).containsExactly("mail");
    }
  }

  @Test
  void intervalSchedulesRunWithoutCronUtilsAndCronSchedulesSayWhatIsMissing() {
    try (JobQueue queue = JobQueues.inMemory("mail", JobQueueConfig.ofDefaults())) {
      queue
          .schedules()
          .upsert(
              Schedule.builder("digest", EMAIL, new Email("ada@example.com"))
                  .every(Duration.ofHours(1))
                  .build());
      assertThat(queue.schedules().list())
          .extracting(ScheduleInfo::timing)
          .containsExactly("every PT1H");
    }
    assertThatThrownBy(
            () ->
                Schedule.builder("nightly", EMAIL, new Email("ada@example.com"))
                    .cron("0 3 * * *", ZoneId.of("Europe/Berlin"))
                    .build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("com.cronutils:cron-utils");
  }

  private static void runs(JobQueue queue) {
    List<String> sent = new CopyOnWriteArrayList<>();
    queue.enqueue(EMAIL, new Email("ada@example.com"));
    queue.enqueueAll(
        EMAIL, List.of(new Email("bob@example.com"), new Email("nobody")), JobOptions.ofDefaults());
    WorkerPool workers =
        queue
            .workers()
            .handle(
                EMAIL,
                job -> {
                  if (!job.payload().to().contains("@")) {
                    throw new NonRetryableException("no address: " + job.payload().to());
                  }
                  sent.add(job.payload().to());
                })
            .concurrency(2)
            .start();
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> sent.size() == 2 && queue.counts().dead() == 1);
    assertThat(workers.shutdown(Duration.ofSeconds(5))).isZero();
    assertThat(sent).containsExactlyInAnyOrder("ada@example.com", "bob@example.com");
    assertThat(queue.deadLetters().list(DeadLetterFilter.all(), 0, 10).items())
        .extracting(DeadLetter::reason)
        .containsExactly(DeadLetter.REASON_NON_RETRYABLE);
    assertThat(queue.health().status()).isEqualTo(HealthStatus.UP);
  }
}
