package dev.headroom.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import static org.awaitility.Awaitility.await;

import dev.headroom.core.backoff.Backoff;
import dev.headroom.core.codec.Codec;
import dev.headroom.core.codec.JsonCodec;
import dev.headroom.core.http.RouteRequest;
import dev.headroom.core.http.RouteResponse;
import dev.headroom.core.redis.RedisConnector;
import dev.headroom.queue.web.AccessCheck;
import dev.headroom.queue.web.OperatorPage;
import dev.headroom.queue.web.OperatorPageConfig;
import dev.headroom.core.time.ManualTimeSource;
import dev.headroom.testkit.ReadmeSnippets;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Every Java block of README.md stands here, compiled, and runs on the in-memory queue. */
class ReadmeSnippetsTest {

  // ---- README: Use (the job types) ----

  record Email(String to, String template) {}
  record Prompt(String documentId, String model) {}

  static final JobType<Email> EMAIL = JobType.of("email", Email.class);           // JSON payload
  static final JobType<Prompt> AI = JobType.builder("ai-processing", JsonCodec.of(Prompt.class))
      .backoff(Backoff.exponential(Duration.ofSeconds(5), Duration.ofMinutes(10)).maxAttempts(8).build())
      .timeout(Duration.ofMinutes(2))                   // an attempt longer than this fails
      .nonRetryable(IllegalArgumentException.class)      // straight to the dead letters
      .build();

  // ---- what the snippets call ----

  interface Mailer {
    void send(Email email);
  }

  interface Model {
    CompletionStage<String> complete(Prompt prompt);
  }

  interface Alerts {
    void send(String message);
  }

  interface Dashboard {
    void progress(String jobId, String progress);

    void done(String jobId);
  }

  private final List<Email> mailed = new CopyOnWriteArrayList<>();
  private final Mailer mailer = mailed::add;
  private final Model model = p -> CompletableFuture.completedFuture("summary of " + p.documentId());
  private final Alerts alerts = message -> { };
  private final List<Prompt> prompts = List.of(new Prompt("doc-1", "small"), new Prompt("doc-2", "small"));

  @Test
  void everyJavaBlockOfTheReadmeStandsHere() {
    ReadmeSnippets.assertAllIn(Path.of("README.md"), Path.of("src/test/java/dev/headroom/queue/ReadmeSnippetsTest.java"),
        // mounting the operator page on monitoring's server: the demo module has both on its class path
        Path.of("../demo/src/test/java/dev/headroom/demo/QueueOperatorPageReadmeSnippetsTest.java"));
  }

  @Test
  void theShapeRunsInMemoryWithoutAConnector() {
    SimpleMeterRegistry meterRegistry = new SimpleMeterRegistry();
    try (JobQueue queue = shape(Optional.empty(), meterRegistry)) {
      assertThat(queue.counts().waiting()).isEqualTo(1);
      assertThat(meterRegistry.find("headroom.queue.enqueued").tag("queue", "jobs").counter().count()).isEqualTo(1);
    }
  }

  private static JobQueue shape(Optional<RedisConnector> redis, MeterRegistry meterRegistry) {
    // ---- README: the four-line shape ----
    JobQueueConfig config = JobQueueConfig.builder().meterRegistry(meterRegistry).build();
    JobQueue queue = JobQueues.create(redis, "jobs", config);            // on Redis when present, else in memory
    String id = queue.enqueue(EMAIL, new Email("ada@example.com", "welcome"));
    JobQueueRegistry queues = JobQueueRegistry.create(redis, config);    // named queues: queues.getOrCreate("emails")
    assertThat(queue.job(id)).isPresent();
    assertThat(queues.getOrCreate("emails").name()).isEqualTo("emails");
    queues.close();
    return queue;
  }

  @Test
  void theUseSnippetRunsInMemory() {
    use(JobQueues.inMemory("jobs", JobQueueConfig.ofDefaults()));
  }

  private void use(JobQueue queue) {
    // ---- README: Use (producers, consumers, dead letters, shutdown) ----
    // Producers
    String id = queue.enqueue(EMAIL, new Email("ada@example.com", "welcome"));
    queue.enqueue(EMAIL, new Email("bob@example.com", "digest"), JobOptions.builder()
        .priority(-5).delay(Duration.ofMinutes(10)).jobId("digest-bob-2026-11-21").build());   // idempotent
    queue.enqueueAll(AI, prompts, JobOptions.priority(3));                                     // pipelined batches

    // Consumers
    WorkerPool workers = queue.workers()
        .handle(EMAIL, job -> mailer.send(job.payload()))                  // sync, on the worker's thread
        .handleAsync(AI, job -> model.complete(job.payload()))             // returns a CompletionStage
        .concurrency(8)
        .start();
    queue.addListener(new JobListener() {
      @Override public void onDead(JobEvent e) { alerts.send(e.queue() + " " + e.jobId() + ": " + e.reason()); }
    });

    // Dead letters
    DeadLetters dead = queue.deadLetters();
    Page<DeadLetter> page = dead.list(DeadLetterFilter.type(AI).andErrorClass("java.io.IOException"), 0, 50);
    dead.replay(DeadLetterFilter.type(AI), 20);          // at most 20 per second
    dead.purge(DeadLetterFilter.errorClass(IllegalArgumentException.class));

    // Shutdown: stop taking jobs, let running ones finish for 30 s, give the rest back
    workers.shutdown(Duration.ofSeconds(30));
    queue.close();
    assertThat(id).isNotBlank();
    assertThat(page.items()).isEmpty();
  }

  @Test
  void theJobControlSnippetRunsInMemory() {
    JobQueue queue = JobQueues.inMemory("jobs", JobQueueConfig.ofDefaults());
    String id = queue.enqueue(EMAIL, new Email("ada@example.com", "welcome"));
    String laterId = queue.enqueue(EMAIL, new Email("bob@example.com", "digest"), JobOptions.delayed(Duration.ofHours(1)));
    String deadId = queue.enqueue(EMAIL, new Email("eve@example.com", "gone"));
    // ---- README: Job control ----
    JobInfo info = queue.job(id).orElseThrow();                      // state, attempts, last error, progress, result
    Page<JobInfo> next = queue.jobs(JobState.WAITING, 0, 50);        // in the order they will run
    queue.changePriority(id, 10);                                    // a waiting job moves up the line
    queue.promote(laterId);                                          // a delayed or retrying job runs now
    CancelOutcome outcome = queue.cancel(id);                        // REMOVED if not started, REQUESTED if running
    queue.remove(deadId);                                            // any job that is not running

    queue.pause();                                                   // no worker in any process claims a job
    queue.resume();
    queue.drain();                                                   // deletes every waiting, delayed and retrying job
    queue.pause();
    queue.obliterate(false);                                         // deletes everything; refused while jobs run
    // ----
    assertThat(info.state()).isEqualTo(JobState.WAITING);
    assertThat(next.items()).hasSize(2);
    assertThat(outcome).isEqualTo(CancelOutcome.REMOVED);
    assertThat(queue.counts().unfinished()).isZero();
    queue.close();
  }

  @Test
  void theGroupsAndRateLimitsSnippetRunsInMemory() {
    // ---- README: Groups and rate limits ----
    JobQueueConfig fair = JobQueueConfig.builder()
        .groupConcurrency(2)                                   // at most 2 running jobs per group (tenant), in all processes
        .groupConcurrency("tenant-big", 5)                     // a group with a limit of its own
        .rateLimit(30, Duration.ofMinutes(1))                  // at most 30 jobs of this queue start per minute
        .build();
    JobQueue tenants = JobQueues.inMemory("tenants", fair);
    tenants.enqueue(AI, new Prompt("doc-7", "large"), JobOptions.builder().group("tenant-42").build());
    JobType<Prompt> summaries = JobType.builder("summaries", JsonCodec.of(Prompt.class))
        .rateLimit(10, Duration.ofSeconds(1))                  // at most 10 of this type start per second
        .build();
    // ----
    assertThat(fair.groupConcurrency("tenant-big")).isEqualTo(5);
    assertThat(tenants.counts().waiting()).isEqualTo(1);
    assertThat(summaries.rateLimit()).isPresent();
    List<Prompt> ran = new CopyOnWriteArrayList<>();
    tenants.workers().handle(AI, job -> { ran.add(job.payload()); }).start();
    await().atMost(Duration.ofSeconds(10)).until(() -> ran.size() == 1);
    tenants.close();
  }

  @Test
  void theProgressAndResultsSnippetRunsInMemory() {
    JobQueue queue = JobQueues.inMemory("jobs", JobQueueConfig.ofDefaults());
    String summaryId = queue.enqueue(AI, new Prompt("doc-1", "small"));
    // ---- README: Progress and results ----
    WorkerPool summaries = queue.workers()
        .handle(AI, Codec.utf8(), job -> {                           // the result codec: results are stored encoded
          List<String> parts = new ArrayList<>();
          for (int page = 1; page <= 4; page++) {
            if (job.cancelRequested()) throw new CancellationException("cancelled by an operator");
            parts.add(model.complete(job.payload()).toCompletableFuture().get());
            job.progress(page * 25);                                 // a percentage, or a small JSON value
          }
          return String.join("\n", parts);                           // stored with the completed job
        })
        .start();
    Optional<String> summary = queue.job(summaryId).flatMap(j -> j.result(Codec.utf8()));   // from any process
    // ----
    await().atMost(Duration.ofSeconds(10)).until(() -> queue.job(summaryId).orElseThrow().state() == JobState.COMPLETED);
    assertThat(queue.job(summaryId).flatMap(j -> j.result(Codec.utf8()))).contains(String.join("\n", List.of(
        "summary of doc-1", "summary of doc-1", "summary of doc-1", "summary of doc-1")));
    assertThat(queue.job(summaryId).orElseThrow().progress()).isEqualTo("100");
    assertThat(summary).isNotNull();
    summaries.close();
    queue.close();
  }

  @Test
  void theEventsSnippetRunsInMemory() {
    JobQueue queue = JobQueues.inMemory("jobs", JobQueueConfig.ofDefaults());
    List<String> done = new CopyOnWriteArrayList<>();
    Dashboard dashboard = new Dashboard() {
      @Override public void progress(String jobId, String progress) { }
      @Override public void done(String jobId) { done.add(jobId); }
    };
    // ---- README: Events across processes ----
    QueueEvents events = queue.subscribe(e -> {
      switch (e.kind()) {
        case PROGRESS -> dashboard.progress(e.jobId(), e.progress());
        case COMPLETED -> dashboard.done(e.jobId());
        case DEAD -> alerts.send(e.jobId() + " died: " + e.reason());
        default -> { }                                               // FAILED (will retry), STALLED
      }
    });
    String lastSeen = events.lastId();                               // keep it, and after a restart:
    QueueEvents resumed = queue.subscribe(lastSeen, e -> dashboard.done(e.jobId()));
    // ----
    String id = queue.enqueue(EMAIL, new Email("ada@example.com", "welcome"));
    WorkerPool workers = queue.workers().handle(EMAIL, job -> mailer.send(job.payload())).start();
    await().atMost(Duration.ofSeconds(10)).until(() -> done.size() == 2);
    assertThat(done).containsExactly(id, id);
    events.close();
    resumed.close();
    workers.close();
    queue.close();
  }

  // ---- README: Recurring jobs ----

  record Digest(String audience) {}

  static final JobType<Digest> DIGEST = JobType.of("digest", Digest.class);

  interface Digests {
    void send(Digest digest, Instant tick);
  }

  private static final Logger log = LoggerFactory.getLogger(ReadmeSnippetsTest.class);
  private final List<Instant> sentTicks = new CopyOnWriteArrayList<>();
  private final Digests digests = (digest, tick) -> sentTicks.add(tick);

  @Test
  void theRecurringJobsSnippetRunsInMemory() {
    ManualTimeSource time = ManualTimeSource.create();
    try (JobQueue queue = JobQueues.inMemory("jobs", JobQueueConfig.builder().timeSource(time).build())) {
      recurring(queue);
      assertThat(queue.schedules().list()).extracting(ScheduleInfo::name).containsExactly("nightly-digest");
      await().atMost(Duration.ofSeconds(30)).until(() -> {
        time.advance(Duration.ofMinutes(30));
        return !sentTicks.isEmpty();
      });
      assertThat(sentTicks.get(0)).isEqualTo(Instant.parse("2026-01-01T02:00:00Z"));   // 03:00 CET
    }
  }

  private void recurring(JobQueue queue) {
    JobSchedules schedules = queue.schedules();
    schedules.upsert(Schedule.builder("nightly-digest", DIGEST, new Digest("all"))
        .cron("0 3 * * *", ZoneId.of("Europe/Berlin"))       // 03:00 Berlin time (needs cron-utils)
        .missedTicks(MissedTicks.RUN_ONCE)                    // after downtime: one catch-up job (the default)
        .build());
    schedules.upsert(Schedule.builder("rollup", DIGEST, new Digest("analytics"))
        .every(Duration.ofMinutes(5))                         // at :00, :05, ... UTC
        .missedTicks(MissedTicks.SKIP)
        .options(JobOptions.priority(2))
        .build());
    for (ScheduleInfo s : schedules.list()) {                 // soonest first, for an operator's page
      log.info("{} ({}): next {}, last {}", s.name(), s.timing(), s.nextTick(), s.lastTick());
    }
    queue.workers().handle(DIGEST, job -> {
      ScheduledTick tick = ScheduledTick.of(job.id()).orElseThrow();   // id schedule:nightly-digest:<epoch ms>
      digests.send(job.payload(), tick.at());
    }).start();
    schedules.remove("rollup");
  }

  // ---- README: Duplicate suppression ----

  @Test
  void theDedupeWindowSnippetBuilds() {
    JobQueueConfig config = JobQueueConfig.builder()
        .completedRetention(1000, Duration.ofHours(1))
        .dedupeWindow(Duration.ofDays(2))            // a job id is refused for 2 days, whatever the retention
        .build();
    assertThat(config.dedupeWindow()).isEqualTo(Duration.ofDays(2));
  }

  /** The queue snippet of the root README (kept here so it compiles too). */
  @Test
  void theRootReadmeSnippetRunsInMemory() {
    rootReadme(Optional.empty(), new SimpleMeterRegistry());
  }

  private void rootReadme(Optional<RedisConnector> redis, MeterRegistry meterRegistry) {
    JobQueueConfig config = JobQueueConfig.builder().meterRegistry(meterRegistry).build();
    JobQueue queue = JobQueues.create(redis, "jobs", config);            // on Redis when present, else in memory
    queue.enqueue(EMAIL, new Email("ada@example.com", "welcome"),
        JobOptions.builder().priority(5).jobId("welcome-ada").build());   // the same id again adds nothing
    WorkerPool workers = queue.workers()
        .handle(EMAIL, job -> mailer.send(job.payload()))
        .concurrency(8)
        .start();
    // failures retry with backoff, then land in queue.deadLetters() to inspect and replay
    workers.shutdown(Duration.ofSeconds(30));   // unfinished jobs go back to the queue
    queue.close();
  }

  // ---- README: Operator's page ----

  @Test
  void operatorsPage() {
    try (JobQueueRegistry queues = JobQueueRegistry.create(Optional.empty(), JobQueueConfig.ofDefaults())) {
      queues.getOrCreate("emails").enqueue(EMAIL, new Email("ada@example.com", "welcome"));

      OperatorPage page = OperatorPage.of(queues, OperatorPageConfig.builder()   // queues: a JobQueueRegistry
          .actionsEnabled(true)                                    // read-only without it
          .readAccess(request -> request.principal().isPresent())  // who may look (default: whoever reaches it)
          .actAccess(AccessCheck.principalIn("ada", "grace"))      // who may pause, resume, cancel, replay, purge
          .build());
      RouteResponse overview = page.handle(RouteRequest.builder("GET", "/").contextPath("/queues").principal("ada").build());

      assertThat(overview.status()).isEqualTo(200);
      assertThat(overview.bodyText()).contains("emails").contains("/queues/queue?name=emails");
      assertThat(page.handle(RouteRequest.builder("GET", "/").build()).status()).isEqualTo(403);
    }
  }
}
