package dev.headroom.examples.reference;

import dev.headroom.core.backoff.Backoff;
import dev.headroom.core.codec.JsonCodec;
import dev.headroom.queue.Job;
import dev.headroom.queue.JobQueueRegistry;
import dev.headroom.queue.JobType;
import dev.headroom.queue.MissedTicks;
import dev.headroom.queue.QueueCounts;
import dev.headroom.queue.QueueException;
import dev.headroom.queue.Schedule;
import dev.headroom.queue.ScheduledTick;
import dev.headroom.spring.boot.QueueJobHandler;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * The service's background work: emails, AI generation (slow, retried, and dead-lettered when a
 * prompt always fails), analytics events and notifications. {@link #submit} enqueues a job, or with
 * {@code reference.inline-jobs=true} runs it in the caller's thread (once, no retries), as a
 * service without a queue would.
 */
@Component
public class Jobs {

  /** A mail to send. */
  public record Email(String to, String template) {}

  /** A generation request. */
  public record AiRequest(long userId, String prompt) {}

  /** An analytics event. */
  public record Event(String name, long userId) {}

  /** A notification to a user. */
  public record Notification(long userId, String text) {}

  /** The recurring analytics roll-up's payload. */
  public record Rollup(String report) {}

  static final JobType<Email> EMAIL =
      JobType.builder("email", JsonCodec.of(Email.class))
          .backoff(
              Backoff.exponential(Duration.ofMillis(200), Duration.ofSeconds(5))
                  .maxAttempts(5)
                  .build())
          .build();
  static final JobType<AiRequest> AI =
      JobType.builder("ai-generation", JsonCodec.of(AiRequest.class))
          .backoff(
              Backoff.exponential(Duration.ofMillis(200), Duration.ofSeconds(2))
                  .maxAttempts(3)
                  .build())
          .timeout(Duration.ofSeconds(10))
          .build();
  static final JobType<Event> ANALYTICS = JobType.of("analytics", JsonCodec.of(Event.class));
  static final JobType<Notification> NOTIFICATION =
      JobType.of("notification", JsonCodec.of(Notification.class));
  static final JobType<Rollup> ROLLUP = JobType.of("analytics-rollup", JsonCodec.of(Rollup.class));

  /**
   * The analytics roll-up: every five minutes (UTC), one job per tick whatever the number of
   * instances; a tick missed while every instance was down runs once when one comes back.
   */
  static final Schedule<Rollup> ROLLUP_SCHEDULE =
      Schedule.builder("analytics-rollup", ROLLUP, new Rollup("generations-by-status"))
          .cron("*/5 * * * *", ZoneOffset.UTC)
          .missedTicks(MissedTicks.RUN_ONCE)
          .build();

  /** The queue of AI jobs; the other jobs run on {@code default}. */
  static final String AI_QUEUE = "ai";

  private static final Logger log = LoggerFactory.getLogger(Jobs.class);

  private final JobQueueRegistry queues;
  private final Features features;
  private final MeterRegistry meters;
  private final Map<String, QueueJobHandler<?>> handlers = new LinkedHashMap<>();

  Jobs(
      JobQueueRegistry queues,
      Features features,
      MeterRegistry meters,
      List<QueueJobHandler<?>> all) {
    this.queues = queues;
    this.features = features;
    this.meters = meters;
    all.forEach(h -> handlers.put(h.jobType().name(), h));
  }

  /** Enqueues a job (or runs it now, inline); answers the job id, or "inline". */
  <T> String submit(JobType<T> type, T payload) {
    String queue = type == AI ? AI_QUEUE : "default";
    if (!features.isInlineJobs()) {
      return queues.getOrCreate(queue).enqueue(type, payload);
    }
    @SuppressWarnings("unchecked")
    QueueJobHandler<T> handler = (QueueJobHandler<T>) handlers.get(type.name());
    if (handler == null) {
      throw new IllegalStateException("no handler for " + type.name());
    }
    try {
      handler.handle(
          new InlineJob<>("inline-" + java.util.UUID.randomUUID(), type.name(), payload));
    } catch (Exception e) {
      meters.counter("reference.jobs.inline.failed", "type", type.name()).increment();
      log.debug("inline job {} failed", type.name(), e);
    }
    return "inline";
  }

  /**
   * Enqueues a job that may be lost without harm (an analytics event): when the queue cannot take
   * it (Redis unreachable or too slow), it is counted in {@code reference.jobs.dropped} and the
   * caller's request goes on.
   */
  <T> void submitBestEffort(JobType<T> type, T payload) {
    try {
      submit(type, payload);
    } catch (QueueException e) {
      meters.counter("reference.jobs.dropped", "type", type.name()).increment();
      log.debug("dropped {} job", type.name(), e);
    }
  }

  /** Declares the recurring roll-up once the application runs (an upsert: every instance may). */
  @EventListener(ApplicationReadyEvent.class)
  void scheduleRollup() {
    if (!features.isInlineJobs()) {
      queues.getOrCreate("default").schedules().upsert(ROLLUP_SCHEDULE);
    }
  }

  /** Counts of each queue, by name. */
  Map<String, QueueCounts> counts() {
    Map<String, QueueCounts> counts = new LinkedHashMap<>();
    for (String name : List.of("default", AI_QUEUE)) {
      counts.put(name, queues.getOrCreate(name).counts());
    }
    return counts;
  }

  /** The state of one job, if the queue still knows it. */
  String state(String queue, String jobId) {
    return queues.getOrCreate(queue).job(jobId).map(info -> info.state().name()).orElse("UNKNOWN");
  }

  private record InlineJob<T>(String id, String type, T payload) implements Job<T> {
    @Override
    public int attempt() {
      return 1;
    }

    @Override
    public int maxAttempts() {
      return 1;
    }

    @Override
    public int priority() {
      return 0;
    }

    @Override
    public java.time.Instant enqueuedAt() {
      return java.time.Instant.now();
    }

    @Override
    public boolean leaseLost() {
      return false;
    }
  }

  /** The handlers, one bean per job type, run by the starter's workers. */
  @Configuration(proxyBeanMethods = false)
  static class Handlers {

    @Bean
    QueueJobHandler<Email> emailHandler(MeterRegistry meters) {
      return handler(EMAIL, "default", meters, job -> pause(5, 20));
    }

    @Bean
    QueueJobHandler<AiRequest> aiHandler(MeterRegistry meters, Database db) {
      return handler(
          AI,
          AI_QUEUE,
          meters,
          job -> {
            pause(150, 400); // the model call
            boolean lastAttempt = job.attempt() >= job.maxAttempts();
            if (job.payload().prompt().contains("#fail")
                || ThreadLocalRandom.current().nextInt(100) < 15) {
              if (lastAttempt) {
                // the queue dead-letters it after this attempt: record that it was given up on
                db.recordGeneration(job.id(), job.payload().userId(), "dead");
              }
              throw new IllegalStateException("the model failed on attempt " + job.attempt());
            }
            db.recordGeneration(job.id(), job.payload().userId(), "done");
          });
    }

    @Bean
    QueueJobHandler<Event> analyticsHandler(MeterRegistry meters) {
      return handler(ANALYTICS, "default", meters, job -> pause(1, 3));
    }

    @Bean
    QueueJobHandler<Rollup> rollupHandler(MeterRegistry meters, Database db) {
      return handler(
          ROLLUP,
          "default",
          meters,
          job -> {
            Map<String, Long> counts = db.generationsByStatus();
            log.info(
                "analytics roll-up for tick {}: generations {}",
                ScheduledTick.of(job.id()).map(t -> t.at().toString()).orElse(job.id()),
                counts);
          });
    }

    @Bean
    QueueJobHandler<Notification> notificationHandler(MeterRegistry meters) {
      return handler(NOTIFICATION, "default", meters, job -> pause(2, 10));
    }

    private static <T> QueueJobHandler<T> handler(
        JobType<T> type, String queue, MeterRegistry meters, Work<T> work) {
      return new QueueJobHandler<>() {
        @Override
        public JobType<T> jobType() {
          return type;
        }

        @Override
        public String queue() {
          return queue;
        }

        @Override
        public void handle(Job<T> job) throws Exception {
          work.run(job);
          meters.counter("reference.jobs.done", "type", type.name()).increment();
        }
      };
    }

    private static void pause(int minMillis, int maxMillis) throws InterruptedException {
      Thread.sleep(ThreadLocalRandom.current().nextInt(minMillis, maxMillis + 1));
    }
  }

  @FunctionalInterface
  private interface Work<T> {
    void run(Job<T> job) throws Exception;
  }
}
