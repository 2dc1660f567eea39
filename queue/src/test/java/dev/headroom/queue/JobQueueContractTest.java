package dev.headroom.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.headroom.core.backoff.Backoff;
import dev.headroom.core.backoff.Jitter;
import dev.headroom.core.codec.Codec;
import dev.headroom.core.codec.CodecException;
import dev.headroom.core.health.HealthStatus;
import dev.headroom.core.time.ManualTimeSource;
import dev.headroom.queue.broker.Broker;
import dev.headroom.queue.broker.ClaimedJob;
import dev.headroom.queue.broker.Exchange;
import dev.headroom.queue.broker.ScheduleStore;
import dev.headroom.queue.broker.Settlement;
import dev.headroom.queue.broker.StoredSchedule;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every backend promises, run against each of them. Time is a {@link ManualTimeSource} ({@link
 * #time}) that the backend must use for every decision: in memory directly, on Redis through the
 * documented caller-time hook ({@code JobQueueConfig.serverTime(false)}). Workers poll every 20 ms
 * here, so they notice a moved clock without a wake-up.
 */
public abstract class JobQueueContractTest {

  /** The clock of every queue the suite creates. */
  protected ManualTimeSource time;

  private final List<JobQueue> queues = new ArrayList<>();

  static final JobType<String> TEXT =
      JobType.builder("text", Codec.utf8())
          .backoff(
              Backoff.exponential(Duration.ofSeconds(10), Duration.ofMinutes(10))
                  .jitter(Jitter.NONE)
                  .maxAttempts(3)
                  .build())
          .build();

  /**
   * A queue named {@code name} on the backend under test, with these options (clock set, keys
   * isolated by the subclass).
   */
  protected abstract JobQueue create(String name, JobQueueConfig options);

  /** For the backend tests that extend this suite. */
  protected JobQueueContractTest() {}

  @BeforeEach
  void newClock() {
    time = ManualTimeSource.create();
  }

  @AfterEach
  void closeQueues() {
    for (JobQueue q : queues) {
      q.close();
    }
  }

  protected JobQueueConfig.Builder options() {
    return JobQueueConfig.builder()
        .timeSource(time)
        .serverTime(false)
        .pollInterval(Duration.ofMillis(20))
        .reapInterval(Duration.ofMillis(50));
  }

  protected JobQueue queue(JobQueueConfig options) {
    JobQueue q = create("contract", options);
    queues.add(q);
    return q;
  }

  protected JobQueue queue() {
    return queue(options().build());
  }

  /** Records what a handler saw, in order. */
  public static final class Recorder implements JobHandler<String> {
    /** Payloads in the order they ran. */
    public final List<String> seen = new CopyOnWriteArrayList<>();

    /** An empty record. */
    public Recorder() {}

    @Override
    public void handle(Job<String> job) {
      seen.add(job.payload());
    }
  }

  private static void awaitState(JobQueue q, String id, JobState state) {
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> q.job(id).map(JobInfo::state).orElse(null) == state);
  }

  @Test
  void runsHigherPriorityFirstAndFifoWithinAPriority() {
    JobQueue q = queue();
    q.enqueue(TEXT, "a", JobOptions.priority(0));
    q.enqueue(TEXT, "b", JobOptions.priority(5));
    q.enqueue(TEXT, "c", JobOptions.priority(0));
    q.enqueue(TEXT, "d", JobOptions.priority(5));
    q.enqueue(TEXT, "e", JobOptions.priority(1));
    q.enqueue(TEXT, "f", JobOptions.priority(-3));
    q.enqueue(TEXT, "g");
    Recorder r = new Recorder();
    q.workers().handle(TEXT, r).concurrency(1).start();
    await().atMost(Duration.ofSeconds(10)).until(() -> r.seen.size() == 7);
    assertThat(r.seen).containsExactly("b", "d", "e", "a", "c", "g", "f");
  }

  @Test
  void agingLetsALowPriorityJobThatWaitedOvertake() {
    JobQueue q = queue(options().priorityAging(Duration.ofMinutes(1)).build());
    q.enqueue(TEXT, "old-low", JobOptions.priority(0));
    time.advance(Duration.ofMinutes(3));
    q.enqueue(TEXT, "new-2", JobOptions.priority(2));
    q.enqueue(TEXT, "new-3", JobOptions.priority(3));
    q.enqueue(TEXT, "new-5", JobOptions.priority(5));
    Recorder r = new Recorder();
    q.workers().handle(TEXT, r).concurrency(1).start();
    await().atMost(Duration.ofSeconds(10)).until(() -> r.seen.size() == 4);
    // places: old-low t0; new-2 t0+1m; new-3 t0 (tie: enqueued later, so after); new-5 t0-2m
    assertThat(r.seen).containsExactly("new-5", "old-low", "new-3", "new-2");
  }

  @Test
  void withoutAgingPriorityAlwaysWins() {
    JobQueue q = queue(options().noPriorityAging().build());
    q.enqueue(TEXT, "old-low", JobOptions.priority(0));
    time.advance(Duration.ofDays(365));
    q.enqueue(TEXT, "new-1", JobOptions.priority(1));
    Recorder r = new Recorder();
    q.workers().handle(TEXT, r).concurrency(1).start();
    await().atMost(Duration.ofSeconds(10)).until(() -> r.seen.size() == 2);
    assertThat(r.seen).containsExactly("new-1", "old-low");
  }

  @Test
  void aDelayedJobRunsOnlyOnceItIsDue() {
    JobQueue q = queue();
    String delayed = q.enqueue(TEXT, "later", JobOptions.delayed(Duration.ofSeconds(10)));
    String at =
        q.enqueue(TEXT, "at", JobOptions.builder().runAt(time.now().plusSeconds(20)).build());
    assertThat(q.job(delayed).orElseThrow().state()).isEqualTo(JobState.DELAYED);
    assertThat(q.job(delayed).orElseThrow().runAt()).isEqualTo(time.now().plusSeconds(10));
    assertThat(q.counts().delayed()).isEqualTo(2);
    Recorder r = new Recorder();
    q.workers().handle(TEXT, r).concurrency(1).start();
    time.advance(Duration.ofMillis(9_999));
    String marker = q.enqueue(TEXT, "marker");
    awaitState(q, marker, JobState.COMPLETED);
    // the exchange that completed the marker also claims whatever is due: nothing was
    assertThat(q.job(delayed).orElseThrow().state()).isEqualTo(JobState.DELAYED);
    time.advance(Duration.ofMillis(1));
    awaitState(q, delayed, JobState.COMPLETED);
    assertThat(q.job(at).orElseThrow().state()).isEqualTo(JobState.DELAYED);
    time.advance(Duration.ofSeconds(10));
    awaitState(q, at, JobState.COMPLETED);
    assertThat(r.seen).containsExactly("marker", "later", "at");
  }

  @Test
  void aClaimThatGetsFewerJobsThanAskedTellsWhenTheNextDelayedJobIsDue() {
    JobQueue q = queue();
    q.enqueue(TEXT, "now");
    q.enqueue(TEXT, "later", JobOptions.delayed(Duration.ofSeconds(5)));
    Broker broker = ((BrokerJobQueue) q).broker;
    Exchange ex = broker.exchange(List.of(), 2, "w:", 1000);
    assertThat(ex.claimed()).hasSize(1);
    assertThat(ex.nextDueMillis())
        .as("the slot left without a job waits until then, not the poll interval")
        .isEqualTo(5000);
  }

  @Test
  void retriesOnTheBackoffScheduleThenDeadLetters() {
    JobQueue q = queue();
    List<String> events = new CopyOnWriteArrayList<>();
    q.addListener(
        new JobListener() {
          @Override
          public void onFailed(JobEvent e) {
            events.add("failed " + e.attempt());
          }

          @Override
          public void onRetrying(JobEvent e) {
            events.add("retrying in " + e.retryIn());
          }

          @Override
          public void onDead(JobEvent e) {
            events.add("dead " + e.reason());
          }
        });
    AtomicInteger attempts = new AtomicInteger();
    q.workers()
        .handle(
            TEXT,
            job -> {
              attempts.incrementAndGet();
              throw new IOException("boom " + job.attempt());
            })
        .concurrency(1)
        .start();
    String id = q.enqueue(TEXT, "x");
    awaitState(q, id, JobState.RETRYING);
    JobInfo first = q.job(id).orElseThrow();
    assertThat(first.attempts()).isEqualTo(1);
    assertThat(first.runAt()).isEqualTo(time.now().plusSeconds(10));
    assertThat(first.lastError().className()).isEqualTo(IOException.class.getName());
    assertThat(first.lastError().message()).isEqualTo("boom 1");
    assertThat(first.lastError().stackTrace()).contains("IOException").contains("at ");
    time.advance(Duration.ofMillis(9_999));
    assertThat(q.job(id).orElseThrow().state()).isEqualTo(JobState.RETRYING);
    time.advance(Duration.ofMillis(1));
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> attempts.get() == 2 && q.job(id).orElseThrow().state() == JobState.RETRYING);
    assertThat(q.job(id).orElseThrow().runAt()).isEqualTo(time.now().plusSeconds(20));
    time.advance(Duration.ofSeconds(20));
    awaitState(q, id, JobState.DEAD);
    DeadLetter dead = q.deadLetters().get(id).orElseThrow();
    assertThat(dead.reason()).isEqualTo(DeadLetter.REASON_RETRIES_EXHAUSTED);
    assertThat(dead.error().message()).isEqualTo("boom 3");
    assertThat(dead.job().attempts()).isEqualTo(3);
    assertThat(dead.job().enqueuedAt()).isEqualTo(time.now().minusSeconds(30));
    assertThat(dead.diedAt()).isEqualTo(time.now());
    await().atMost(Duration.ofSeconds(10)).until(() -> events.size() == 6);
    assertThat(events)
        .containsExactly(
            "failed 1",
            "retrying in PT10S",
            "failed 2",
            "retrying in PT20S",
            "failed 3",
            "dead retries-exhausted");
  }

  @Test
  void aJobThatSucceedsOnItsRetryCompletes() {
    JobQueue q = queue();
    List<Integer> completedAttempts = new CopyOnWriteArrayList<>();
    q.addListener(
        new JobListener() {
          @Override
          public void onCompleted(JobEvent e) {
            completedAttempts.add(e.attempt());
          }
        });
    q.workers()
        .handle(
            TEXT,
            job -> {
              if (job.attempt() == 1) {
                throw new IllegalStateException("first try fails");
              }
            })
        .start();
    String id =
        q.enqueue(
            TEXT,
            "x",
            JobOptions.builder()
                .backoff(
                    Backoff.exponential(Duration.ofMillis(5), Duration.ofMillis(5))
                        .jitter(Jitter.NONE)
                        .build())
                .build());
    awaitState(q, id, JobState.RETRYING);
    time.advance(Duration.ofMillis(5));
    awaitState(q, id, JobState.COMPLETED);
    JobInfo done = q.job(id).orElseThrow();
    assertThat(done.attempts()).isEqualTo(2);
    assertThat(done.finishedAt()).isEqualTo(time.now());
    assertThat(done.maxAttempts()).isEqualTo(Backoff.DEFAULT_MAX_ATTEMPTS);
    await().atMost(Duration.ofSeconds(5)).until(() -> completedAttempts.equals(List.of(2)));
  }

  @Test
  void nonRetryableFailuresGoStraightToTheDeadLetters() {
    JobType<String> strict =
        JobType.builder("strict", Codec.utf8())
            .nonRetryable(IllegalArgumentException.class)
            .build();
    JobQueue q = queue();
    q.workers()
        .handle(
            TEXT,
            job -> {
              throw new NonRetryableException("bad input");
            })
        .handle(
            strict,
            job -> {
              throw new NumberFormatException("not a number");
            })
        .start();
    String a = q.enqueue(TEXT, "a");
    String b = q.enqueue(strict, "b");
    awaitState(q, a, JobState.DEAD);
    awaitState(q, b, JobState.DEAD);
    assertThat(q.deadLetters().get(a).orElseThrow().reason())
        .isEqualTo(DeadLetter.REASON_NON_RETRYABLE);
    DeadLetter dl = q.deadLetters().get(b).orElseThrow();
    assertThat(dl.reason()).isEqualTo(DeadLetter.REASON_NON_RETRYABLE);
    assertThat(dl.error().className()).isEqualTo(NumberFormatException.class.getName());
    assertThat(dl.job().attempts()).isEqualTo(1);
  }

  record Shape(String kind, int sides) {}

  @Test
  void unknownTypesAndUndecodablePayloadsAreDeadLetteredNotRetried() {
    JobType<Shape> shape = JobType.of("shape", Shape.class);
    JobType<String> wrongShape = JobType.of("shape", Codec.utf8());
    JobType<String> mystery = JobType.of("mystery", Codec.utf8());
    JobQueue q = queue();
    List<Shape> seen = new CopyOnWriteArrayList<>();
    q.workers().handle(shape, job -> seen.add(job.payload())).handle(TEXT, job -> {}).start();
    String good = q.enqueue(shape, new Shape("triangle", 3));
    String garbled = q.enqueue(wrongShape, "{not json");
    String unknown = q.enqueue(mystery, "?");
    awaitState(q, good, JobState.COMPLETED);
    awaitState(q, garbled, JobState.DEAD);
    awaitState(q, unknown, JobState.DEAD);
    assertThat(seen).containsExactly(new Shape("triangle", 3));
    assertThat(q.deadLetters().get(garbled).orElseThrow().reason())
        .isEqualTo(DeadLetter.REASON_UNDECODABLE);
    assertThat(q.deadLetters().get(garbled).orElseThrow().error().className())
        .isEqualTo(CodecException.class.getName());
    DeadLetter u = q.deadLetters().get(unknown).orElseThrow();
    assertThat(u.reason()).isEqualTo(DeadLetter.REASON_UNKNOWN_TYPE);
    assertThat(u.error().message()).contains("mystery");
    assertThat(u.job().attempts()).isEqualTo(1);
  }

  @Test
  void aPayloadThatCannotBeEncodedFailsAtEnqueue() {
    Codec<String> broken =
        new Codec<>() {
          @Override
          public byte[] encode(String value) {
            throw new CodecException("cannot encode " + value, null);
          }

          @Override
          public String decode(byte[] bytes) {
            return "";
          }
        };
    JobQueue q = queue();
    assertThatThrownBy(() -> q.enqueue(JobType.of("broken", broken), "x"))
        .isInstanceOf(CodecException.class);
    assertThat(q.counts().waiting()).isZero();
  }

  @Test
  void aJobIdMakesEnqueueIdempotentWhileTheJobExists() {
    JobQueue q = queue();
    JobOptions once = JobOptions.builder().jobId("welcome-42").build();
    assertThat(q.enqueue(TEXT, "first", once)).isEqualTo("welcome-42");
    assertThat(q.enqueue(TEXT, "second", once)).isEqualTo("welcome-42");
    assertThat(q.counts().waiting()).isEqualTo(1);
    Recorder r = new Recorder();
    q.workers().handle(TEXT, r).start();
    awaitState(q, "welcome-42", JobState.COMPLETED);
    assertThat(q.enqueue(TEXT, "third", once)).isEqualTo("welcome-42");
    assertThat(q.job("welcome-42").orElseThrow().state()).isEqualTo(JobState.COMPLETED);
    assertThat(r.seen).containsExactly("first");
    assertThat(q.job("no-such-job")).isEmpty();
  }

  @Test
  void aDedupeWindowRefusesADuplicateAfterRetentionDroppedTheJobAndAcceptsItAfterTheWindow() {
    JobQueue q =
        queue(
            options()
                .completedRetention(0, Duration.ofHours(1))
                .dedupeWindow(Duration.ofMinutes(10))
                .build());
    JobOptions once = JobOptions.builder().jobId("report-7").build();
    Recorder r = new Recorder();
    q.workers().handle(TEXT, r).concurrency(1).start();
    q.enqueue(TEXT, "first", once);
    await().atMost(Duration.ofSeconds(10)).until(() -> r.seen.size() == 1);
    await().atMost(Duration.ofSeconds(10)).until(() -> q.job("report-7").isEmpty());
    time.advance(Duration.ofMinutes(9));
    assertThat(q.enqueue(TEXT, "second", once)).isEqualTo("report-7");
    assertThat(q.job("report-7")).as("refused within the window, the job long gone").isEmpty();
    time.advance(Duration.ofMinutes(1));
    q.enqueue(TEXT, "third", once);
    await().atMost(Duration.ofSeconds(10)).until(() -> r.seen.size() == 2);
    assertThat(r.seen).containsExactly("first", "third");
    // generated ids are never remembered: the window costs nothing without a job id
    q.enqueue(TEXT, "plain");
    await().atMost(Duration.ofSeconds(10)).until(() -> r.seen.size() == 3);
  }

  @Test
  void withoutADedupeWindowAnIdIsFreeAgainOnceRetentionDroppedItsJob() {
    JobQueue q = queue(options().completedRetention(0, Duration.ofHours(1)).build());
    JobOptions once = JobOptions.builder().jobId("report-8").build();
    Recorder r = new Recorder();
    q.workers().handle(TEXT, r).concurrency(1).start();
    q.enqueue(TEXT, "first", once);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> q.job("report-8").isEmpty() && r.seen.size() == 1);
    q.enqueue(TEXT, "second", once);
    await().atMost(Duration.ofSeconds(10)).until(() -> r.seen.size() == 2);
  }

  @Test
  void aDedupeWindowStillRefusesWhileTheJobExistsPastTheWindow() {
    JobQueue q = queue(options().dedupeWindow(Duration.ofSeconds(1)).build());
    JobOptions once = JobOptions.builder().jobId("report-9").build();
    q.enqueue(TEXT, "first", once);
    time.advance(Duration.ofMinutes(5));
    q.enqueue(TEXT, "second", once);
    assertThat(q.counts().waiting()).isEqualTo(1);
    assertThat(q.job("report-9").orElseThrow().payload(TEXT)).isEqualTo("first");
  }

  // ---- recurring jobs ----

  private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");

  /** Moves the clock in steps until {@code done} holds: the ticker fires on the clock's timers. */
  private void advanceUntil(Duration step, BooleanSupplier done) {
    await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(20))
        .until(
            () -> {
              if (done.getAsBoolean()) {
                return true;
              }
              time.advance(step);
              return false;
            });
  }

  /**
   * Options for a test that moves the clock in steps of minutes while jobs run: a lease of a day
   * cannot expire under a running job (the reaper would run it a second time).
   */
  private JobQueueConfig longLeases() {
    return options().lease(Duration.ofDays(1)).build();
  }

  private static String tickId(String schedule, Instant at) {
    return "schedule:" + schedule + ":" + at.toEpochMilli();
  }

  /** Job ids in the order they ran. */
  private static List<String> runIds(JobQueue q) {
    List<String> ran = new CopyOnWriteArrayList<>();
    q.workers().handle(TEXT, job -> ran.add(job.id())).concurrency(2).start();
    return ran;
  }

  @Test
  void anIntervalScheduleEnqueuesOneJobPerTickNamedAfterItsScheduleAndTick() {
    JobQueue q = queue();
    List<String> ran = runIds(q);
    Instant t0 = time.now();
    q.schedules()
        .upsert(
            Schedule.builder("every-minute", TEXT, "tick").every(Duration.ofMinutes(1)).build());
    ScheduleInfo info = q.schedules().get("every-minute").orElseThrow();
    assertThat(info.nextTick()).isEqualTo(t0.plusSeconds(60));
    assertThat(info.lastTick()).isNull();
    assertThat(info.timing()).isEqualTo("every PT1M");
    assertThat(info.type()).isEqualTo("text");
    assertThat(info.missedTicks()).isEqualTo(MissedTicks.RUN_ONCE);
    advanceUntil(Duration.ofSeconds(5), () -> ran.size() >= 3);
    List<String> sorted = new ArrayList<>(ran);
    Collections.sort(sorted);
    assertThat(sorted.subList(0, 3))
        .containsExactly(
            tickId("every-minute", t0.plusSeconds(60)),
            tickId("every-minute", t0.plusSeconds(120)),
            tickId("every-minute", t0.plusSeconds(180)));
    assertThat(ScheduledTick.of(sorted.get(0)))
        .contains(new ScheduledTick("every-minute", t0.plusSeconds(60)));
    assertThat(q.job(sorted.get(0)).orElseThrow().payload(TEXT)).isEqualTo("tick");
    assertThat(q.schedules().get("every-minute").orElseThrow().lastTick())
        .isAfterOrEqualTo(t0.plusSeconds(180));
    assertThat(q.schedules().remove("every-minute")).isTrue();
    assertThat(q.schedules().remove("every-minute")).isFalse();
    assertThat(q.schedules().list()).isEmpty();
  }

  @Test
  void aCronTimeInTheSkippedHourRunsOnceAtTheEndOfTheGap() {
    time.setWallClock(
        Instant.parse("2026-03-29T00:50:00Z")); // 01:50 CET, clocks go forward at 02:00
    JobQueue q = queue(longLeases());
    List<String> ran = runIds(q);
    q.schedules().upsert(Schedule.builder("nightly", TEXT, "n").cron("30 2 * * *", BERLIN).build());
    Instant gapEnd = Instant.parse("2026-03-29T01:00:00Z"); // 03:00 CEST
    assertThat(q.schedules().get("nightly").orElseThrow().nextTick()).isEqualTo(gapEnd);
    advanceUntil(Duration.ofMinutes(1), () -> ran.contains(tickId("nightly", gapEnd)));
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                q.schedules()
                    .get("nightly")
                    .orElseThrow()
                    .nextTick()
                    .equals(Instant.parse("2026-03-30T00:30:00Z")));
    assertThat(ran).containsExactly(tickId("nightly", gapEnd));
    assertThat(q.schedules().get("nightly").orElseThrow().lastTick()).isEqualTo(gapEnd);
  }

  @Test
  void aCronTimeInTheRepeatedHourRunsOnlyAtItsFirstOccurrence() {
    time.setWallClock(Instant.parse("2026-10-25T00:20:00Z")); // 02:20 CEST, clocks go back at 03:00
    JobQueue q = queue(longLeases());
    List<String> ran = runIds(q);
    q.schedules().upsert(Schedule.builder("nightly", TEXT, "n").cron("30 2 * * *", BERLIN).build());
    Instant first = Instant.parse("2026-10-25T00:30:00Z"); // 02:30 CEST
    advanceUntil(Duration.ofMinutes(1), () -> ran.contains(tickId("nightly", first)));
    // its answer is stored before the clock jumps past its lease (else it is reaped and runs again)
    await().atMost(Duration.ofSeconds(10)).until(() -> q.counts().completed() == 1);
    for (int i = 0; i < 8; i++) {
      time.advance(Duration.ofMinutes(10)); // through 02:30 CET (01:30Z)
    }
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                q.schedules()
                    .get("nightly")
                    .orElseThrow()
                    .nextTick()
                    .equals(Instant.parse("2026-10-26T01:30:00Z")));
    assertThat(ran).containsExactly(tickId("nightly", first));
  }

  @Test
  void ticksMissedWhileNothingTickedRunOnceByDefault() {
    JobQueue q = queue();
    List<String> ran = runIds(q);
    Instant t0 = time.now();
    Schedule<String> s =
        Schedule.builder("ten-minutes", TEXT, "t").every(Duration.ofMinutes(10)).build();
    q.schedules().upsert(s);
    // the wall clock jumps, no timer fires: as if no process ticked for 65 minutes
    time.setWallClock(t0.plus(Duration.ofMinutes(65)));
    q.schedules().upsert(s); // the same timing keeps the next tick, and ticks at once
    await().atMost(Duration.ofSeconds(10)).until(() -> ran.size() == 1);
    assertThat(ran).containsExactly(tickId("ten-minutes", t0.plus(Duration.ofMinutes(10))));
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                q.schedules()
                    .get("ten-minutes")
                    .orElseThrow()
                    .nextTick()
                    .equals(t0.plus(Duration.ofMinutes(70))));
    assertThat(q.schedules().get("ten-minutes").orElseThrow().lastTick())
        .isEqualTo(t0.plus(Duration.ofMinutes(10)));
    assertThat(ran).hasSize(1);
  }

  @Test
  void ticksMissedWhileNothingTickedAreSkippedWhenAskedTo() {
    JobQueue q = queue();
    Instant t0 = time.now();
    Schedule<String> s =
        Schedule.builder("ten-minutes", TEXT, "t")
            .every(Duration.ofMinutes(10))
            .missedTicks(MissedTicks.SKIP)
            .missedAfter(Duration.ofMinutes(2))
            .build();
    q.schedules().upsert(s);
    time.setWallClock(t0.plus(Duration.ofMinutes(61))); // 60 is 1 minute late: not missed
    q.schedules().upsert(s);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                q.schedules()
                    .get("ten-minutes")
                    .orElseThrow()
                    .nextTick()
                    .equals(t0.plus(Duration.ofMinutes(70))));
    QueueCounts c = q.counts();
    assertThat(c.waiting()).isEqualTo(1);
    assertThat(q.job(tickId("ten-minutes", t0.plus(Duration.ofMinutes(60))))).isPresent();
    assertThat(q.schedules().get("ten-minutes").orElseThrow().lastTick())
        .isEqualTo(t0.plus(Duration.ofMinutes(60)));
  }

  @Test
  void aTickFiresOnlyForTheFirstCallerThatFindsTheScheduleAsPlanned() {
    JobQueue q = queue();
    ScheduleStore store = ((BrokerJobQueue) q).broker.scheduleStore();
    q.schedules().upsert(Schedule.builder("raced", TEXT, "r").every(Duration.ofMinutes(1)).build());
    StoredSchedule s = store.get("raced").orElseThrow();
    long next = s.next();
    long[] ticks = {next};
    assertThat(store.fire("raced", s.version(), next, ticks, next + 60_000)).isTrue();
    assertThat(store.fire("raced", s.version(), next, ticks, next + 60_000))
        .as("a second process that planned the same tick")
        .isFalse();
    assertThat(store.fire("raced", s.version() + 1, next + 60_000, ticks, next + 120_000))
        .as("a plan made before the schedule was replaced")
        .isFalse();
    assertThat(q.counts().waiting()).isEqualTo(1);
    StoredSchedule after = store.get("raced").orElseThrow();
    assertThat(after.next()).isEqualTo(next + 60_000);
    assertThat(after.last()).isEqualTo(next);
    assertThat(store.remove("raced")).isTrue();
    assertThat(store.fire("raced", s.version(), next + 60_000, new long[0], next + 120_000))
        .isFalse();
  }

  @Test
  void upsertKeepsTheTicksOfAnUnchangedTimingAndRestartsAChangedOne() {
    JobQueue q = queue();
    List<String> payloads = new CopyOnWriteArrayList<>();
    q.workers().handle(TEXT, job -> payloads.add(job.payload())).concurrency(1).start();
    Instant t0 = time.now();
    Schedule<String> a = Schedule.builder("report", TEXT, "a").every(Duration.ofMinutes(1)).build();
    q.schedules().upsert(a);
    advanceUntil(Duration.ofSeconds(10), () -> payloads.contains("a"));
    ScheduleInfo before = q.schedules().get("report").orElseThrow();
    assertThat(before.lastTick()).isEqualTo(t0.plusSeconds(60));
    q.schedules()
        .upsert(Schedule.builder("report", TEXT, "b").every(Duration.ofMinutes(1)).build());
    ScheduleInfo same = q.schedules().get("report").orElseThrow();
    assertThat(same.lastTick()).isEqualTo(before.lastTick());
    assertThat(same.nextTick()).isEqualTo(before.nextTick());
    advanceUntil(Duration.ofSeconds(10), () -> payloads.contains("b"));
    q.schedules().upsert(a.toBuilder().every(Duration.ofMinutes(7)).build());
    ScheduleInfo changed = q.schedules().get("report").orElseThrow();
    assertThat(changed.lastTick()).isNull();
    assertThat(changed.nextTick().toEpochMilli() % Duration.ofMinutes(7).toMillis()).isZero();
    assertThat(changed.nextTick()).isAfter(time.now());
    assertThat(changed.timing()).isEqualTo("every PT7M");
    q.schedules()
        .upsert(
            Schedule.builder("daily", TEXT, "d")
                .cron("0 3 * * *", BERLIN)
                .missedTicks(MissedTicks.SKIP)
                .build());
    assertThat(q.schedules().list())
        .extracting(ScheduleInfo::name)
        .containsExactly("report", "daily");
    ScheduleInfo daily = q.schedules().get("daily").orElseThrow();
    assertThat(daily.timing()).isEqualTo("0 3 * * * (Europe/Berlin)");
    assertThat(daily.missedTicks()).isEqualTo(MissedTicks.SKIP);
    assertThat(q.schedules().get("nothing")).isEmpty();
  }

  @Test
  void enqueueAllStoresEveryJobInOrder() {
    JobQueue q = queue();
    List<String> payloads = new ArrayList<>();
    for (int i = 0; i < 1234; i++) {
      payloads.add("p" + i);
    }
    List<String> ids = q.enqueueAll(TEXT, payloads, JobOptions.ofDefaults());
    assertThat(ids).hasSize(1234).doesNotHaveDuplicates();
    assertThat(q.counts().waiting()).isEqualTo(1234);
    assertThat(q.job(ids.get(1233)).orElseThrow().payload(TEXT)).isEqualTo("p1233");
    Recorder r = new Recorder();
    q.workers().handle(TEXT, r).concurrency(1).start();
    await().atMost(Duration.ofSeconds(20)).until(() -> r.seen.size() == 1234);
    assertThat(r.seen).isEqualTo(payloads);
    assertThatThrownBy(() -> q.enqueueAll(TEXT, payloads, JobOptions.builder().jobId("x").build()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("jobId");
  }

  @Test
  void asyncHandlersCompleteAndFailThroughTheirStage() {
    JobType<String> async =
        JobType.builder("async", Codec.utf8())
            .backoff(
                Backoff.exponential(Duration.ofSeconds(1), Duration.ofSeconds(1))
                    .jitter(Jitter.NONE)
                    .maxAttempts(1)
                    .build())
            .build();
    JobQueue q = queue();
    q.workers()
        .handleAsync(
            async,
            job ->
                job.payload().equals("ok")
                    ? CompletableFuture.completedFuture(null)
                    : CompletableFuture.failedFuture(new IOException("async failure")))
        .start();
    String ok = q.enqueue(async, "ok");
    String bad = q.enqueue(async, "bad");
    awaitState(q, ok, JobState.COMPLETED);
    awaitState(q, bad, JobState.DEAD);
    assertThat(q.deadLetters().get(bad).orElseThrow().error().className())
        .isEqualTo(IOException.class.getName());
  }

  @Test
  void anAttemptThatExceedsItsTimeoutFails() {
    JobQueue q = queue();
    q.workers().handle(TEXT, job -> new CountDownLatch(1).await()).start();
    String id =
        q.enqueue(
            TEXT,
            "stuck",
            JobOptions.builder().timeout(Duration.ofMillis(100)).maxAttempts(1).build());
    awaitState(q, id, JobState.DEAD);
    assertThat(q.deadLetters().get(id).orElseThrow().error().className())
        .isEqualTo(java.util.concurrent.TimeoutException.class.getName());
  }

  @Test
  void deadLettersCanBeListedFilteredInspectedReplayedAndPurged() {
    JobType<String> other = JobType.builder("other", Codec.utf8()).backoff(TEXT.backoff()).build();
    JobQueue q = queue();
    Map<String, AtomicInteger> runs = new ConcurrentHashMap<>();
    JobHandler<String> failFirst =
        job -> {
          if (runs.computeIfAbsent(job.payload(), k -> new AtomicInteger()).incrementAndGet()
              == 1) {
            throw job.payload().startsWith("io")
                ? new IOException(job.payload())
                : new IllegalStateException(job.payload());
          }
        };
    q.workers().handle(TEXT, failFirst).handle(other, failFirst).concurrency(1).start();
    JobOptions once = JobOptions.builder().maxAttempts(1).build();
    List<String> ids = new ArrayList<>();
    for (String p : List.of("io-1", "state-1", "io-2", "state-2")) {
      ids.add(q.enqueue(TEXT, p, once));
      awaitState(q, ids.get(ids.size() - 1), JobState.DEAD);
      time.advance(Duration.ofSeconds(1));
    }
    ids.add(q.enqueue(other, "io-3", once));
    awaitState(q, ids.get(4), JobState.DEAD);
    DeadLetters dl = q.deadLetters();
    assertThat(dl.count()).isEqualTo(5);

    Page<DeadLetter> first = dl.list(DeadLetterFilter.all(), 0, 2);
    assertThat(first.items()).extracting(d -> d.job().id()).containsExactly(ids.get(4), ids.get(3));
    assertThat(first.hasMore()).isTrue();
    Page<DeadLetter> last = dl.list(DeadLetterFilter.all(), 4, 2);
    assertThat(last.items()).extracting(d -> d.job().id()).containsExactly(ids.get(0));
    assertThat(last.hasMore()).isFalse();
    assertThat(
            dl.list(DeadLetterFilter.type(TEXT).andErrorClass(IOException.class.getName()), 0, 10)
                .items())
        .extracting(d -> d.job().payload(TEXT))
        .containsExactly("io-2", "io-1");
    assertThat(dl.list(DeadLetterFilter.errorClass(IllegalStateException.class), 1, 10).items())
        .extracting(d -> d.job().payload(TEXT))
        .containsExactly("state-1");
    assertThat(dl.list(DeadLetterFilter.type(other), 0, 10).items()).hasSize(1);

    assertThat(dl.replay(ids.get(0))).isTrue();
    assertThat(dl.replay(ids.get(0))).isFalse();
    awaitState(q, ids.get(0), JobState.COMPLETED);
    assertThat(q.job(ids.get(0)).orElseThrow().attempts()).isEqualTo(1);

    // two IllegalStateException letters, one per second: the first at once, the second a second
    // later
    assertThat(dl.replay(DeadLetterFilter.errorClass(IllegalStateException.class), 1.0))
        .isEqualTo(2);
    awaitState(q, ids.get(1), JobState.COMPLETED);
    assertThat(q.job(ids.get(3)).orElseThrow().state()).isEqualTo(JobState.DELAYED);
    assertThat(q.job(ids.get(3)).orElseThrow().runAt()).isEqualTo(time.now().plusSeconds(1));
    time.advance(Duration.ofSeconds(1));
    awaitState(q, ids.get(3), JobState.COMPLETED);

    assertThat(dl.purge(ids.get(2))).isTrue();
    assertThat(q.job(ids.get(2))).isEmpty();
    assertThat(dl.purge(DeadLetterFilter.all())).isEqualTo(1);
    assertThat(dl.count()).isZero();
    assertThat(dl.list(DeadLetterFilter.all(), 0, 10).items()).isEmpty();
  }

  @Test
  void replayAllWithoutLimitPutsEveryLetterBackAtOnce() {
    JobQueue q = queue();
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      ids.add(q.enqueue(TEXT, "n" + i));
    }
    Broker broker = ((BrokerJobQueue) q).broker;
    Exchange ex = broker.exchange(List.of(), 3, "t:", 60_000);
    List<Settlement> kill = new ArrayList<>();
    for (ClaimedJob c : ex.claimed()) {
      kill.add(
          new Settlement(
              c,
              Settlement.Kind.DEAD,
              0,
              new JobError("x.Y", "m", ""),
              DeadLetter.REASON_NON_RETRYABLE));
    }
    broker.exchange(kill, 0, "t2:", 60_000);
    assertThat(q.deadLetters().replayAll(0)).isEqualTo(3);
    assertThat(q.counts().waiting()).isEqualTo(3);
    Recorder r = new Recorder();
    q.workers().handle(TEXT, r).concurrency(1).start();
    await().atMost(Duration.ofSeconds(10)).until(() -> r.seen.size() == 3);
    assertThat(r.seen).containsExactly("n0", "n1", "n2");
  }

  @Test
  void retentionBoundsCompletedJobsAndDeadLettersByCountAndAge() {
    JobQueue q =
        queue(
            options()
                .completedRetention(2, Duration.ofHours(1))
                .deadRetention(2, Duration.ofDays(1))
                .build());
    q.workers()
        .handle(
            TEXT,
            job -> {
              if (job.payload().startsWith("fail")) {
                throw new NonRetryableException("no");
              }
            })
        .concurrency(1)
        .start();
    List<String> done = new ArrayList<>();
    List<String> dead = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      done.add(q.enqueue(TEXT, "ok" + i));
      awaitState(q, done.get(i), JobState.COMPLETED);
      dead.add(q.enqueue(TEXT, "fail" + i));
      awaitState(q, dead.get(i), JobState.DEAD);
      time.advance(Duration.ofMillis(10));
    }
    QueueCounts c = q.counts();
    assertThat(c.completed()).isEqualTo(2);
    assertThat(c.dead()).isEqualTo(2);
    assertThat(q.job(done.get(0))).isEmpty();
    assertThat(q.job(done.get(3))).isPresent();
    assertThat(q.job(dead.get(1))).isEmpty();
    assertThat(q.deadLetters().list(DeadLetterFilter.all(), 0, 10).items())
        .extracting(d -> d.job().id())
        .containsExactly(dead.get(3), dead.get(2));
    time.advance(Duration.ofHours(2));
    await().atMost(Duration.ofSeconds(10)).until(() -> q.counts().completed() == 0);
    assertThat(q.counts().dead()).isEqualTo(2);
    time.advance(Duration.ofDays(1));
    await().atMost(Duration.ofSeconds(10)).until(() -> q.counts().dead() == 0);
    assertThat(q.job(dead.get(3))).isEmpty();
  }

  @Test
  void completedJobsAreDroppedAtOnceWithARetentionOfZero() {
    JobQueue q = queue(options().completedRetention(0, Duration.ofHours(1)).build());
    q.workers().handle(TEXT, job -> {}).start();
    String id = q.enqueue(TEXT, "x");
    await().atMost(Duration.ofSeconds(10)).until(() -> q.job(id).isEmpty());
    assertThat(q.counts().completed()).isZero();
  }

  @Test
  void shutdownLetsRunningJobsFinishBeforeTheDeadline() throws Exception {
    JobQueue q = queue();
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    WorkerPool pool =
        q.workers()
            .handle(
                TEXT,
                job -> {
                  started.countDown();
                  release.await();
                })
            .start();
    String id = q.enqueue(TEXT, "x");
    assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
    CompletableFuture<Integer> back =
        CompletableFuture.supplyAsync(() -> pool.shutdown(Duration.ofSeconds(10)));
    await().atMost(Duration.ofSeconds(5)).until(() -> !pool.isRunning());
    String later = q.enqueue(TEXT, "after shutdown started");
    release.countDown();
    assertThat(back.get(10, TimeUnit.SECONDS)).isZero();
    assertThat(q.job(id).orElseThrow().state()).isEqualTo(JobState.COMPLETED);
    assertThat(q.job(later).orElseThrow().state()).isEqualTo(JobState.WAITING);
    assertThat(pool.inFlight()).isZero();
  }

  @Test
  void shutdownGivesUnfinishedJobsBackInTheirPlaceAfterTheDeadline() throws Exception {
    JobQueue q = queue();
    CountDownLatch started = new CountDownLatch(2);
    List<Boolean> sawLoss = new CopyOnWriteArrayList<>();
    WorkerPool pool =
        q.workers()
            .handle(
                TEXT,
                job -> {
                  started.countDown();
                  try {
                    new CountDownLatch(1).await();
                  } catch (InterruptedException e) {
                    sawLoss.add(job.leaseLost());
                    throw e;
                  }
                })
            .concurrency(2)
            .start();
    String a = q.enqueue(TEXT, "a");
    String b = q.enqueue(TEXT, "b");
    String c = q.enqueue(TEXT, "c", JobOptions.priority(-1));
    assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(pool.shutdown(Duration.ofMillis(100))).isEqualTo(2);
    assertThat(pool.shutdown(Duration.ofMillis(100))).as("idempotent").isEqualTo(2);
    for (String id : List.of(a, b)) {
      JobInfo info = q.job(id).orElseThrow();
      assertThat(info.state()).isEqualTo(JobState.WAITING);
      assertThat(info.attempts()).as("a given-back attempt does not count").isZero();
    }
    await().atMost(Duration.ofSeconds(5)).until(() -> sawLoss.size() == 2);
    assertThat(sawLoss).containsOnly(true);
    Recorder r = new Recorder();
    q.workers().handle(TEXT, r).concurrency(1).start();
    await().atMost(Duration.ofSeconds(10)).until(() -> r.seen.size() == 3);
    assertThat(r.seen).containsExactly("a", "b", "c");
    assertThat(q.job(c).orElseThrow().attempts()).isEqualTo(1);
  }

  @Test
  void aReapedJobRunsAgainAndTheLateAnswerOfItsFirstWorkerIsIgnored() {
    JobQueue q = queue(options().lease(Duration.ofSeconds(1)).maxStalls(1).build());
    String id = q.enqueue(TEXT, "x");
    Broker broker = ((BrokerJobQueue) q).broker;
    ClaimedJob lost = broker.exchange(List.of(), 1, "dead-worker:", 1000).claimed().get(0);
    assertThat(q.job(id).orElseThrow().state()).isEqualTo(JobState.ACTIVE);
    assertThat(broker.reap(1)).as("lease still valid").isZero();
    time.advance(Duration.ofMillis(1001));
    assertThat(broker.reap(1)).isEqualTo(1);
    JobInfo back = q.job(id).orElseThrow();
    assertThat(back.state()).isEqualTo(JobState.WAITING);
    assertThat(back.stalls()).isEqualTo(1);
    assertThat(back.attempts()).isZero();

    ClaimedJob second = broker.exchange(List.of(), 1, "w2:", 1000).claimed().get(0);
    assertThat(second.attempt()).isEqualTo(1);
    assertThat(broker.exchange(List.of(Settlement.complete(lost)), 0, "w1:", 1000).accepted())
        .containsExactly(false);
    assertThat(broker.renew(List.of(lost, second), 1000)).containsExactly(Broker.LOST, Broker.HELD);
    assertThat(q.job(id).orElseThrow().state()).isEqualTo(JobState.ACTIVE);
    time.advance(Duration.ofMillis(1001));
    assertThat(broker.reap(1)).isEqualTo(1);
    DeadLetter dl = q.deadLetters().get(id).orElseThrow();
    assertThat(dl.reason()).isEqualTo(DeadLetter.REASON_STALLED);
    assertThat(dl.job().stalls()).isEqualTo(2);
    assertThat(broker.exchange(List.of(Settlement.complete(second)), 0, "w2:", 1000).accepted())
        .containsExactly(false);
  }

  @Test
  void aJobDeadLetteredForStallingIsCountedAsDead() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    JobQueue q =
        queue(options().lease(Duration.ofSeconds(1)).maxStalls(0).meterRegistry(registry).build());
    String id = q.enqueue(TEXT, "x");
    Broker broker = ((BrokerJobQueue) q).broker;
    broker.exchange(List.of(), 1, "dead-worker:", 1000);
    time.advance(Duration.ofMillis(1001));
    // a pool makes the queue reap; it finds nothing to claim
    q.workers().handle(TEXT, new Recorder()).concurrency(1).start();
    awaitState(q, id, JobState.DEAD);
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> count(registry, "headroom.queue.stalled") == 1);
    assertThat(
            count(
                registry,
                "headroom.queue.dead",
                "type",
                "text",
                "reason",
                DeadLetter.REASON_STALLED))
        .isEqualTo(1);
  }

  private static double count(SimpleMeterRegistry registry, String name, String... tags) {
    Counter c = registry.find(name).tags(tags).counter();
    return c == null ? 0 : c.count();
  }

  @Test
  void onlyTheFirstClaimOfAJobIsMarkedFirst() {
    JobQueue q = queue(options().lease(Duration.ofSeconds(1)).build());
    String id = q.enqueue(TEXT, "x");
    Broker broker = ((BrokerJobQueue) q).broker;
    ClaimedJob first = broker.exchange(List.of(), 1, "w1:", 1000).claimed().get(0);
    assertThat(first.firstClaim()).isTrue();
    ClaimedJob givenBack =
        broker.exchange(List.of(Settlement.release(first)), 1, "w2:", 1000).claimed().get(0);
    assertThat(givenBack.attempt()).isEqualTo(1);
    assertThat(givenBack.firstClaim()).as("after a give-back").isFalse();
    time.advance(Duration.ofMillis(1001));
    assertThat(broker.reap(5)).isEqualTo(1);
    assertThat(broker.exchange(List.of(), 1, "w3:", 1000).claimed().get(0).firstClaim())
        .as("after a reap")
        .isFalse();
    assertThat(q.job(id).orElseThrow().state()).isEqualTo(JobState.ACTIVE);
  }

  @Test
  void countsAndJobInfoDescribeTheQueue() {
    JobQueue q = queue();
    String a = q.enqueue(TEXT, "a", JobOptions.builder().priority(7).maxAttempts(9).build());
    q.enqueue(TEXT, "b", JobOptions.delayed(Duration.ofMinutes(1)));
    time.advance(Duration.ofSeconds(3));
    QueueCounts c = q.counts();
    assertThat(c).isEqualTo(new QueueCounts(1, 1, 0, 0, 0, Duration.ofSeconds(3)));
    JobInfo info = q.job(a).orElseThrow();
    assertThat(info.type()).isEqualTo("text");
    assertThat(info.priority()).isEqualTo(7);
    assertThat(info.maxAttempts()).isEqualTo(9);
    assertThat(info.attempts()).isZero();
    assertThat(info.enqueuedAt()).isEqualTo(time.now().minusSeconds(3));
    assertThat(info.runAt()).isNull();
    assertThat(info.finishedAt()).isNull();
    assertThat(info.lastError()).isNull();
    assertThat(info.payload(TEXT)).isEqualTo("a");
  }

  @Test
  void healthIsDegradedAboveTheWaitingThreshold() {
    JobQueue q = queue(options().healthThreshold(2).build());
    assertThat(q.name()).isEqualTo("contract");
    assertThat(q.health().status()).isEqualTo(HealthStatus.UP);
    q.enqueueAll(TEXT, List.of("1", "2", "3"), JobOptions.ofDefaults());
    await().atMost(Duration.ofSeconds(5)).until(() -> q.health().status() == HealthStatus.DEGRADED);
    assertThat(q.health().details()).containsEntry("waiting", 3L).containsEntry("threshold", 2L);
  }

  @Test
  void manyWorkersRunEveryJobExactlyOnce() {
    JobQueue q = queue();
    Map<String, AtomicInteger> runs = new ConcurrentHashMap<>();
    q.workers()
        .handle(
            TEXT,
            job -> runs.computeIfAbsent(job.payload(), k -> new AtomicInteger()).incrementAndGet())
        .concurrency(8)
        .start();
    List<String> payloads = new ArrayList<>();
    for (int i = 0; i < 2000; i++) {
      payloads.add("j" + i);
    }
    List<String> shuffled = new ArrayList<>(payloads);
    Collections.shuffle(shuffled);
    for (int i = 0; i < 2000; i += 100) {
      q.enqueueAll(TEXT, shuffled.subList(i, i + 100), JobOptions.ofDefaults());
    }
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                runs.size() == 2000
                    && q.counts().completed() == 1000
                    && q.counts().unfinished() == 0);
    assertThat(runs.values()).allMatch(n -> n.get() == 1);
  }

  // ---- groups and the rate limit ----

  private static JobOptions inGroup(String group) {
    return JobOptions.builder().group(group).build();
  }

  private static List<String> payloads(List<ClaimedJob> jobs) {
    return jobs.stream().map(j -> new String(j.payload(), StandardCharsets.UTF_8)).toList();
  }

  private static ClaimedJob claimedWith(List<ClaimedJob> jobs, String payload) {
    return jobs.stream()
        .filter(j -> new String(j.payload(), StandardCharsets.UTF_8).equals(payload))
        .findFirst()
        .orElseThrow();
  }

  @Test
  void aTenantsFirstJobStartsWithinOneClaimCycleBehindAnotherTenantsTenThousand() {
    JobQueue q = queue();
    q.enqueueAll(TEXT, Collections.nCopies(10_000, "a"), inGroup("tenant-a"));
    String b = q.enqueue(TEXT, "b", inGroup("tenant-b"));
    time.advance(Duration.ofSeconds(3));
    assertThat(q.counts()).isEqualTo(new QueueCounts(10_001, 0, 0, 0, 0, Duration.ofSeconds(3)));
    Broker broker = ((BrokerJobQueue) q).broker;
    assertThat(payloads(broker.exchange(List.of(), 1, "c1:", 60_000).claimed()))
        .containsExactly("a");
    List<ClaimedJob> next = broker.exchange(List.of(), 1, "c2:", 60_000).claimed();
    assertThat(next).extracting(ClaimedJob::id).as("tenant b's turn").containsExactly(b);
    assertThat(payloads(broker.exchange(List.of(), 3, "c3:", 60_000).claimed()))
        .containsExactly("a", "a", "a");
  }

  @Test
  void groupsTakeTurnsAndPlainJobsKeepTheirPlaceInLine() {
    JobQueue q = queue();
    q.enqueueAll(TEXT, List.of("a1", "a2", "a3"), inGroup("a"));
    q.enqueue(TEXT, "b1", inGroup("b"));
    q.enqueue(TEXT, "c1", inGroup("c"));
    q.enqueue(TEXT, "p1");
    q.enqueue(TEXT, "p0", JobOptions.priority(5));
    Broker broker = ((BrokerJobQueue) q).broker;
    List<String> order = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      order.addAll(payloads(broker.exchange(List.of(), 1, "t" + i + ":", 60_000).claimed()));
    }
    // p0's priority puts it first; then the groups in turn, each job against the plain head
    assertThat(order).containsExactly("p0", "a1", "b1", "c1", "a2", "a3", "p1");
    assertThat(broker.exchange(List.of(), 1, "t7:", 60_000).claimed()).isEmpty();
  }

  @Test
  void aGroupRunsAtMostItsLimitAndGetsItsSlotsBackOnSettleGiveBackRetryAndReap() {
    JobQueue q =
        queue(
            options()
                .groupConcurrency(2)
                .groupConcurrency("vip", 3)
                .lease(Duration.ofSeconds(1))
                .build());
    q.enqueueAll(TEXT, List.of("a1", "a2", "a3", "a4", "a5"), inGroup("a"));
    q.enqueueAll(TEXT, List.of("v1", "v2", "v3", "v4", "v5"), inGroup("vip"));
    q.enqueue(TEXT, "p");
    Broker broker = ((BrokerJobQueue) q).broker;
    List<ClaimedJob> got = broker.exchange(List.of(), 20, "w1:", 1000).claimed();
    assertThat(payloads(got)).containsExactlyInAnyOrder("a1", "a2", "v1", "v2", "v3", "p");
    assertThat(broker.exchange(List.of(), 20, "w2:", 1000).claimed()).isEmpty();
    assertThat(q.counts().waiting()).isEqualTo(5);

    List<ClaimedJob> next =
        broker
            .exchange(List.of(Settlement.complete(claimedWith(got, "a1"))), 20, "w3:", 1000)
            .claimed();
    assertThat(payloads(next)).as("a slot freed by a completion").containsExactly("a3");
    next =
        broker
            .exchange(List.of(Settlement.release(claimedWith(got, "v1"))), 20, "w4:", 1000)
            .claimed();
    assertThat(payloads(next)).as("a job given back keeps its place").containsExactly("v1");
    ClaimedJob v1 = next.get(0);
    next =
        broker
            .exchange(
                List.of(
                    new Settlement(
                        v1, Settlement.Kind.RETRY, 0, new JobError("x.Y", "failed", ""), null)),
                20,
                "w5:",
                1000)
            .claimed();
    assertThat(payloads(next)).as("a failed job retried at once").containsExactly("v1");

    // the workers die: their leases expire and the reaper gives the groups their slots back
    time.advance(Duration.ofMillis(1001));
    assertThat(broker.reap(5)).isEqualTo(6);
    assertThat(payloads(broker.exchange(List.of(), 20, "w6:", 1000).claimed()))
        .containsExactlyInAnyOrder("a2", "a3", "v1", "v2", "v3", "p");
    assertThat(broker.exchange(List.of(), 20, "w7:", 1000).claimed()).isEmpty();
  }

  @Test
  void groupedJobsCanBeListedCancelledRemovedPromotedReprioritisedAndDrained() {
    JobQueue q = queue(options().groupConcurrency(1).build());
    String a1 = q.enqueue(TEXT, "a1", inGroup("a"));
    String a2 = q.enqueue(TEXT, "a2", inGroup("a"));
    String b1 = q.enqueue(TEXT, "b1", inGroup("b"));
    String later =
        q.enqueue(
            TEXT, "later", JobOptions.builder().group("b").delay(Duration.ofHours(1)).build());
    String plain = q.enqueue(TEXT, "plain");
    assertThat(q.jobs(JobState.WAITING, 0, 10).items())
        .extracting(JobInfo::id)
        .containsExactly(a1, a2, b1, plain);
    assertThat(q.jobs(JobState.WAITING, 1, 2).items())
        .extracting(JobInfo::id)
        .containsExactly(a2, b1);
    assertThat(q.changePriority(a2, 9)).isTrue();
    assertThat(q.jobs(JobState.WAITING, 0, 1).items()).extracting(JobInfo::id).containsExactly(a2);
    assertThat(q.cancel(b1)).isEqualTo(CancelOutcome.REMOVED);
    assertThat(q.promote(later)).isTrue();
    assertThat(q.remove(a1)).isTrue();
    assertThat(q.counts().waiting()).isEqualTo(3);

    q.pause();
    Broker broker = ((BrokerJobQueue) q).broker;
    assertThat(broker.exchange(List.of(), 10, "p:", 60_000).claimed()).as("paused").isEmpty();
    q.resume();
    List<ClaimedJob> got = broker.exchange(List.of(), 10, "r:", 60_000).claimed();
    assertThat(payloads(got)).containsExactly("a2", "later", "plain");
    String a3 = q.enqueue(TEXT, "a3", inGroup("a"));
    assertThat(broker.exchange(List.of(), 10, "r2:", 60_000).claimed())
        .as("group a is at its limit")
        .isEmpty();
    assertThat(q.jobs(JobState.WAITING, 0, 10).items()).extracting(JobInfo::id).containsExactly(a3);
    assertThat(q.drain()).isEqualTo(1);
    assertThat(q.counts().waiting()).isZero();
    broker.exchange(List.of(Settlement.complete(claimedWith(got, "a2"))), 0, "r3:", 60_000);
    String a4 = q.enqueue(TEXT, "a4", inGroup("a"));
    assertThat(broker.exchange(List.of(), 10, "r4:", 60_000).claimed())
        .extracting(ClaimedJob::id)
        .containsExactly(a4);

    q.pause();
    assertThat(q.obliterate(true)).as("three running, a2 completed").isEqualTo(4);
    q.resume();
    String a5 = q.enqueue(TEXT, "a5", inGroup("a"));
    assertThat(broker.exchange(List.of(), 10, "r5:", 60_000).claimed())
        .as("obliterate leaves no running count behind")
        .extracting(ClaimedJob::id)
        .containsExactly(a5);
  }

  @Test
  void workersRunGroupedJobsThroughDelaysAndRetriesWithinTheGroupLimit() {
    JobQueue q = queue(options().groupConcurrency(1).build());
    Map<String, AtomicInteger> running = new ConcurrentHashMap<>();
    AtomicInteger most = new AtomicInteger();
    List<String> failedOnce = new CopyOnWriteArrayList<>();
    List<String> done = new CopyOnWriteArrayList<>();
    q.workers()
        .handle(
            TEXT,
            job -> {
              String group = job.payload().substring(0, 1);
              int now = running.computeIfAbsent(group, g -> new AtomicInteger()).incrementAndGet();
              most.accumulateAndGet(now, Math::max);
              try {
                if (job.payload().endsWith("!") && !failedOnce.contains(job.payload())) {
                  failedOnce.add(job.payload());
                  throw new IOException("first attempt fails");
                }
                done.add(job.payload());
              } finally {
                running.get(group).decrementAndGet();
              }
            })
        .concurrency(4)
        .start();
    q.enqueueAll(TEXT, List.of("a1!", "a2", "a3"), inGroup("a"));
    q.enqueueAll(TEXT, List.of("b1", "b2!"), inGroup("b"));
    q.enqueue(TEXT, "b3", JobOptions.builder().group("b").delay(Duration.ofSeconds(5)).build());
    await().atMost(Duration.ofSeconds(10)).until(() -> failedOnce.size() == 2 && done.size() == 3);
    time.advance(Duration.ofSeconds(10)); // the retries' backoff and b3's delay
    await().atMost(Duration.ofSeconds(10)).until(() -> done.size() == 6);
    assertThat(done).containsExactlyInAnyOrder("a1!", "a2", "a3", "b1", "b2!", "b3");
    assertThat(most.get()).as("never two jobs of one group at once").isEqualTo(1);
  }

  @Test
  void aRateLimitStartsAtMostItsJobsPerWindowAndTellsIdleWorkersWhenTheNextMayStart() {
    JobQueue q = queue(options().rateLimit(3, Duration.ofSeconds(10)).build());
    q.enqueueAll(TEXT, List.of("1", "2", "3", "4", "5"), JobOptions.ofDefaults());
    Broker broker = ((BrokerJobQueue) q).broker;
    Exchange ex = broker.exchange(List.of(), 5, "r1:", 60_000);
    assertThat(payloads(ex.claimed())).containsExactly("1", "2", "3");
    assertThat(ex.nextDueMillis()).as("when the first start leaves the window").isEqualTo(10_000);
    time.advance(Duration.ofSeconds(4));
    ex = broker.exchange(List.of(), 5, "r2:", 60_000);
    assertThat(ex.claimed()).isEmpty();
    assertThat(ex.nextDueMillis()).isEqualTo(6_000);
    time.advance(Duration.ofSeconds(6));
    ex = broker.exchange(List.of(), 1, "r3:", 60_000);
    assertThat(payloads(ex.claimed())).containsExactly("4");
    time.advance(Duration.ofSeconds(1));
    ex = broker.exchange(List.of(), 5, "r4:", 60_000);
    assertThat(payloads(ex.claimed())).containsExactly("5");
    assertThat(ex.nextDueMillis()).as("nothing waits").isEqualTo(-1);
  }

  @Test
  void aTypesRateLimitDefersItsJobsToTheirTurnWhileOtherTypesRun() {
    JobType<String> ai =
        JobType.builder("ai", Codec.utf8()).rateLimit(2, Duration.ofSeconds(10)).build();
    JobQueue q = queue();
    List<String> ids =
        q.enqueueAll(ai, List.of("ai1", "ai2", "ai3", "ai4", "ai5"), JobOptions.ofDefaults());
    q.enqueue(TEXT, "t1");
    Broker broker = ((BrokerJobQueue) q).broker;
    Exchange ex = broker.exchange(List.of(), 3, "x1:", 60_000);
    assertThat(payloads(ex.claimed())).containsExactly("ai1", "ai2", "t1");
    JobInfo deferred = q.job(ids.get(3)).orElseThrow();
    assertThat(deferred.state()).isEqualTo(JobState.DELAYED);
    assertThat(deferred.runAt()).as("booked after ai3").isEqualTo(time.now().plusSeconds(15));
    ex = broker.exchange(List.of(), 3, "x2:", 60_000);
    assertThat(ex.claimed()).isEmpty();
    assertThat(ex.nextDueMillis()).isEqualTo(10_000);
    time.advance(Duration.ofSeconds(10));
    assertThat(payloads(broker.exchange(List.of(), 3, "x3:", 60_000).claimed()))
        .containsExactly("ai3");
    time.advance(Duration.ofSeconds(5));
    assertThat(payloads(broker.exchange(List.of(), 3, "x4:", 60_000).claimed()))
        .containsExactly("ai4");
    time.advance(Duration.ofSeconds(5));
    assertThat(payloads(broker.exchange(List.of(), 3, "x5:", 60_000).claimed()))
        .containsExactly("ai5");
  }

  @Test
  void workersWaitForTheRateLimitAndStartTheRestWhenTheWindowMoves() {
    JobQueue q = queue(options().rateLimit(2, Duration.ofMinutes(1)).groupConcurrency(5).build());
    Recorder r = new Recorder();
    q.workers().handle(TEXT, r).concurrency(4).start();
    q.enqueueAll(TEXT, List.of("1", "2", "3", "4", "5"), inGroup("g"));
    await().atMost(Duration.ofSeconds(10)).until(() -> r.seen.size() == 2);
    await()
        .during(Duration.ofMillis(300))
        .atMost(Duration.ofSeconds(5))
        .until(() -> r.seen.size() == 2);
    time.advance(Duration.ofMinutes(1));
    await().atMost(Duration.ofSeconds(10)).until(() -> r.seen.size() == 4);
    time.advance(Duration.ofMinutes(1));
    await().atMost(Duration.ofSeconds(10)).until(() -> r.seen.size() == 5);
  }

  @Test
  void aClosedQueueRefusesWork() {
    JobQueue q = queue();
    q.close();
    assertThatThrownBy(() -> q.enqueue(TEXT, "x"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("closed");
    assertThatThrownBy(() -> q.workers().handle(TEXT, job -> {}).start())
        .isInstanceOf(IllegalStateException.class);
    q.close();
  }

  // ---- job control, progress and results, events ----

  @Test
  void aJobShowsItsProgressAndTheResultItsHandlerReturned() {
    JobQueue q = queue();
    String id = q.enqueue(TEXT, "doc");
    q.workers()
        .handle(
            TEXT,
            Codec.utf8(),
            job -> {
              job.progress(50);
              job.progress(Map.of("pages", 3));
              return job.payload().equals("doc") ? "summary of " + job.payload() : null;
            })
        .concurrency(1)
        .start();
    awaitState(q, id, JobState.COMPLETED);
    JobInfo info = q.job(id).orElseThrow();
    assertThat(info.result(Codec.utf8())).contains("summary of doc");
    assertThat(info.progress()).isEqualTo("{\"pages\":3}");
    assertThat(info.attempts()).isEqualTo(1);
    assertThat(info.cancelRequested()).isFalse();
    String none = q.enqueue(TEXT, "nothing to return");
    awaitState(q, none, JobState.COMPLETED);
    assertThat(q.job(none).orElseThrow().result(Codec.utf8())).isEmpty();
  }

  @Test
  void anAsyncHandlerCanReturnAResult() {
    JobQueue q = queue();
    String id = q.enqueue(TEXT, "x");
    String none = q.enqueue(TEXT, "none");
    q.workers()
        .handleAsync(
            TEXT,
            Codec.utf8(),
            job ->
                CompletableFuture.supplyAsync(
                    () -> job.payload().equals("x") ? job.payload() + "!" : null))
        .concurrency(1)
        .start();
    awaitState(q, id, JobState.COMPLETED);
    awaitState(q, none, JobState.COMPLETED);
    assertThat(q.job(id).orElseThrow().result(Codec.utf8())).contains("x!");
    assertThat(q.job(none).orElseThrow().result(Codec.utf8())).isEmpty();
  }

  @Test
  void progressBeyondItsBoundsIsRefusedInTheHandler() {
    JobQueue q = queue();
    String id = q.enqueue(TEXT, "x", JobOptions.builder().maxAttempts(1).build());
    q.workers().handle(TEXT, job -> job.progress(101)).concurrency(1).start();
    awaitState(q, id, JobState.DEAD);
    assertThat(q.job(id).orElseThrow().lastError().message()).contains("0..100");
  }

  @Test
  void jobsAreListedByStateInTheirOrderWithPaging() {
    JobQueue q = queue();
    String low = q.enqueue(TEXT, "low", JobOptions.priority(-1));
    String first = q.enqueue(TEXT, "first");
    String high = q.enqueue(TEXT, "high", JobOptions.priority(3));
    String later = q.enqueue(TEXT, "later", JobOptions.delayed(Duration.ofSeconds(20)));
    String sooner = q.enqueue(TEXT, "sooner", JobOptions.delayed(Duration.ofSeconds(10)));
    Page<JobInfo> page = q.jobs(JobState.WAITING, 0, 2);
    assertThat(page.items()).extracting(JobInfo::id).containsExactly(high, first);
    assertThat(page.hasMore()).isTrue();
    Page<JobInfo> next = q.jobs(JobState.WAITING, page.nextOffset(), 2);
    assertThat(next.items()).extracting(JobInfo::id).containsExactly(low);
    assertThat(next.hasMore()).isFalse();
    assertThat(q.jobs(JobState.DELAYED, 0, 10).items())
        .extracting(JobInfo::id)
        .containsExactly(sooner, later);
    assertThat(q.jobs(JobState.DELAYED, 1, 10).items())
        .extracting(JobInfo::id)
        .containsExactly(later);
    assertThat(q.jobs(JobState.RETRYING, 0, 10).items()).isEmpty();
    assertThat(q.jobs(JobState.ACTIVE, 0, 10).items()).isEmpty();
    assertThatThrownBy(() -> q.jobs(JobState.WAITING, -1, 10))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void cancelDeletesJobsThatHaveNotStartedAndRemoveDeletesFinishedOnes() {
    JobQueue q = queue();
    String waiting = q.enqueue(TEXT, "w");
    String delayed = q.enqueue(TEXT, "d", JobOptions.delayed(Duration.ofMinutes(5)));
    assertThat(q.cancel(waiting)).isEqualTo(CancelOutcome.REMOVED);
    assertThat(q.cancel(delayed)).isEqualTo(CancelOutcome.REMOVED);
    assertThat(q.cancel("no-such-job")).isEqualTo(CancelOutcome.NOT_FOUND);
    assertThat(q.job(waiting)).isEmpty();
    assertThat(q.counts().unfinished()).isZero();
    String done = q.enqueue(TEXT, "done");
    q.workers().handle(TEXT, job -> {}).concurrency(1).start();
    awaitState(q, done, JobState.COMPLETED);
    assertThat(q.cancel(done)).isEqualTo(CancelOutcome.FINISHED);
    assertThat(q.remove(done)).isTrue();
    assertThat(q.job(done)).isEmpty();
    assertThat(q.remove(done)).isFalse();
    assertThat(q.enqueue(TEXT, "again", JobOptions.builder().jobId(waiting).build()))
        .as("a removed job's id is free again")
        .isEqualTo(waiting);
    awaitState(q, waiting, JobState.COMPLETED);
  }

  @Test
  void aRunningJobSeesItsCancellationAndIsDeadLetteredInsteadOfRetried() {
    JobQueue q = queue();
    String id = q.enqueue(TEXT, "long");
    q.workers()
        .handle(
            TEXT,
            job -> {
              await().atMost(Duration.ofSeconds(10)).until(job::cancelRequested);
              throw new CancellationException("stopped on request");
            })
        .concurrency(1)
        .start();
    awaitState(q, id, JobState.ACTIVE);
    assertThat(q.remove(id)).as("a running job is not removed").isFalse();
    assertThat(q.cancel(id)).isEqualTo(CancelOutcome.REQUESTED);
    assertThat(q.job(id).orElseThrow().cancelRequested()).isTrue();
    awaitState(q, id, JobState.DEAD);
    DeadLetter d = q.deadLetters().get(id).orElseThrow();
    assertThat(d.reason()).isEqualTo(DeadLetter.REASON_CANCELLED);
    assertThat(d.error().message()).isEqualTo("stopped on request");
    assertThat(d.job().attempts()).isEqualTo(1);
  }

  @Test
  void aFailureOfACancelledJobIsNotRetriedEvenIfItsWorkerHadNotSeenTheRequest() {
    JobQueue q = queue();
    String id = q.enqueue(TEXT, "x");
    Broker broker = ((BrokerJobQueue) q).broker;
    ClaimedJob c = broker.exchange(List.of(), 1, "w:", 60_000).claimed().get(0);
    assertThat(q.cancel(id)).isEqualTo(CancelOutcome.REQUESTED);
    assertThat(broker.renew(List.of(c), 60_000)).containsExactly(Broker.CANCEL_REQUESTED);
    broker.exchange(
        List.of(new Settlement(c, Settlement.Kind.RETRY, 1000, new JobError("x.Y", "m", ""), null)),
        0,
        "w2:",
        60_000);
    assertThat(q.job(id).orElseThrow().state()).isEqualTo(JobState.DEAD);
    assertThat(q.deadLetters().get(id).orElseThrow().reason())
        .isEqualTo(DeadLetter.REASON_CANCELLED);
  }

  @Test
  void aCancelledJobWhoseWorkerDiesIsDeadLetteredAsCancelledWhenItsLeaseExpires() {
    JobQueue q = queue();
    String id = q.enqueue(TEXT, "x");
    Broker broker = ((BrokerJobQueue) q).broker;
    broker.exchange(List.of(), 1, "w:", 1000);
    assertThat(q.cancel(id)).isEqualTo(CancelOutcome.REQUESTED);
    time.advance(Duration.ofSeconds(2));
    assertThat(broker.reap(5)).isEqualTo(1);
    assertThat(q.job(id).orElseThrow().state()).isEqualTo(JobState.DEAD);
    assertThat(q.deadLetters().get(id).orElseThrow().reason())
        .isEqualTo(DeadLetter.REASON_CANCELLED);
  }

  @Test
  void promoteRunsADelayedJobNowAndChangePriorityMovesAWaitingJob() {
    JobQueue q = queue();
    q.enqueue(TEXT, "a");
    String b = q.enqueue(TEXT, "b");
    String c = q.enqueue(TEXT, "c", JobOptions.delayed(Duration.ofHours(1)));
    assertThat(q.changePriority(b, 5)).isTrue();
    assertThat(q.job(b).orElseThrow().priority()).isEqualTo(5);
    assertThat(q.promote(c)).isTrue();
    assertThat(q.promote(c)).as("no longer delayed").isFalse();
    assertThat(q.job(c).orElseThrow().state()).isEqualTo(JobState.WAITING);
    assertThat(q.changePriority("no-such-job", 1)).isFalse();
    assertThatThrownBy(() -> q.changePriority(b, 1001))
        .isInstanceOf(IllegalArgumentException.class);
    Recorder r = new Recorder();
    q.workers().handle(TEXT, r).concurrency(1).start();
    await().atMost(Duration.ofSeconds(10)).until(() -> r.seen.size() == 3);
    assertThat(r.seen).containsExactly("b", "a", "c");
    assertThat(q.changePriority(b, 1)).as("completed").isFalse();
  }

  @Test
  void aPausedQueueClaimsNothingUntilItIsResumed() {
    JobQueue q = queue();
    assertThat(q.isPaused()).isFalse();
    q.pause();
    assertThat(q.isPaused()).isTrue();
    String id = q.enqueue(TEXT, "x");
    Broker broker = ((BrokerJobQueue) q).broker;
    assertThat(broker.exchange(List.of(), 1, "p:", 1000).claimed()).isEmpty();
    Recorder r = new Recorder();
    q.workers().handle(TEXT, r).concurrency(2).start();
    await()
        .during(Duration.ofMillis(300))
        .atMost(Duration.ofSeconds(5))
        .until(() -> q.job(id).orElseThrow().state() == JobState.WAITING);
    q.resume();
    assertThat(q.isPaused()).isFalse();
    awaitState(q, id, JobState.COMPLETED);
    assertThat(r.seen).containsExactly("x");
  }

  @Test
  void drainDeletesWhatWaitsAndObliterateEverythingBehindItsGuard() {
    JobQueue q = queue();
    q.enqueueAll(TEXT, List.of("1", "2", "3"), JobOptions.ofDefaults());
    q.enqueueAll(TEXT, List.of("4", "5"), JobOptions.delayed(Duration.ofMinutes(1)));
    assertThat(q.drain()).isEqualTo(5);
    assertThat(q.counts().unfinished()).isZero();
    String done = q.enqueue(TEXT, "done");
    WorkerPool pool = q.workers().handle(TEXT, job -> {}).concurrency(1).start();
    awaitState(q, done, JobState.COMPLETED);
    pool.shutdown(Duration.ofSeconds(5));
    q.enqueue(TEXT, "running");
    q.enqueue(TEXT, "waiting");
    assertThatThrownBy(() -> q.obliterate(true))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("paused");
    Broker broker = ((BrokerJobQueue) q).broker;
    ClaimedJob running = broker.exchange(List.of(), 1, "o:", 60_000).claimed().get(0);
    q.pause();
    assertThatThrownBy(() -> q.obliterate(false))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("running");
    assertThat(q.counts().unfinished()).isEqualTo(2);
    assertThat(q.obliterate(true)).isEqualTo(3);
    QueueCounts c = q.counts();
    assertThat(c.unfinished() + c.completed() + c.dead()).isZero();
    assertThat(q.job(done)).isEmpty();
    assertThat(q.isPaused()).as("obliterate leaves the queue paused").isTrue();
    assertThat(broker.exchange(List.of(Settlement.complete(running)), 0, "o2:", 60_000).accepted())
        .as("the answer of a job deleted while running is refused")
        .containsExactly(false);
  }

  @Test
  void subscribersHearEveryOutcomeAndCanResumeAfterALastSeenEvent() {
    JobQueue q = queue();
    List<QueueEvent> heard = new CopyOnWriteArrayList<>();
    QueueEvents events = q.subscribe(heard::add);
    String ok = q.enqueue(TEXT, "ok");
    String flaky = q.enqueue(TEXT, "flaky");
    String bad = q.enqueue(TEXT, "bad");
    AtomicInteger flakyRuns = new AtomicInteger();
    q.workers()
        .handle(
            TEXT,
            job -> {
              switch (job.payload()) {
                case "ok" -> job.progress(40);
                case "flaky" -> {
                  if (flakyRuns.incrementAndGet() == 1) {
                    throw new IOException("first try fails");
                  }
                }
                default -> throw new NonRetryableException("no");
              }
            })
        .concurrency(1)
        .start();
    awaitState(q, ok, JobState.COMPLETED);
    awaitState(q, bad, JobState.DEAD);
    awaitState(q, flaky, JobState.RETRYING);
    time.advance(Duration.ofSeconds(10));
    awaitState(q, flaky, JobState.COMPLETED);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> heard.stream().filter(e -> e.jobId().equals(flaky)).count() == 2);
    assertThat(kinds(heard, ok))
        .containsExactly(QueueEvent.Kind.PROGRESS, QueueEvent.Kind.COMPLETED);
    assertThat(heard.stream().filter(e -> e.kind() == QueueEvent.Kind.PROGRESS).findFirst())
        .get()
        .extracting(QueueEvent::progress)
        .isEqualTo("40");
    assertThat(kinds(heard, flaky))
        .containsExactly(QueueEvent.Kind.FAILED, QueueEvent.Kind.COMPLETED);
    QueueEvent failed =
        heard.stream().filter(e -> e.kind() == QueueEvent.Kind.FAILED).findFirst().orElseThrow();
    assertThat(failed.error().message()).isEqualTo("first try fails");
    assertThat(failed.attempt()).isEqualTo(1);
    assertThat(failed.type()).isEqualTo("text");
    assertThat(kinds(heard, bad)).containsExactly(QueueEvent.Kind.DEAD);
    assertThat(heard.stream().filter(e -> e.jobId().equals(bad)).findFirst().orElseThrow().reason())
        .isEqualTo(DeadLetter.REASON_NON_RETRYABLE);
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> events.lastId().equals(heard.get(heard.size() - 1).id()));
    events.close();
    assertThat(events.isRunning()).isFalse();

    // resumed after the last event seen: only what follows; from "0": every event kept
    List<QueueEvent> resumed = new CopyOnWriteArrayList<>();
    List<QueueEvent> all = new CopyOnWriteArrayList<>();
    try (QueueEvents again = q.subscribe(events.lastId(), resumed::add);
        QueueEvents fromStart = q.subscribe("0", all::add)) {
      await().atMost(Duration.ofSeconds(10)).until(() -> all.size() == heard.size());
      assertThat(all).isEqualTo(heard);
      assertThat(resumed).isEmpty();
      assertThat(again.isRunning() && fromStart.isRunning()).isTrue();
      String held = q.enqueue(TEXT, "flaky", JobOptions.builder().jobId("held").build());
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> q.job(held).orElseThrow().state() == JobState.COMPLETED);
      assertThat(held).isEqualTo("held");
      await().atMost(Duration.ofSeconds(10)).until(() -> resumed.size() == 1);
      assertThat(resumed.get(0).jobId()).isEqualTo(held);
      assertThat(resumed.get(0).kind()).isEqualTo(QueueEvent.Kind.COMPLETED);
    }
    assertThatThrownBy(() -> q.subscribe("not-an-id", e -> {}))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void anExpiredLeaseIsHeardAsStalled() {
    JobQueue q = queue();
    List<QueueEvent> heard = new CopyOnWriteArrayList<>();
    try (QueueEvents events = q.subscribe(heard::add)) {
      String id = q.enqueue(TEXT, "x");
      Broker broker = ((BrokerJobQueue) q).broker;
      broker.exchange(List.of(), 1, "s:", 1000);
      time.advance(Duration.ofSeconds(2));
      assertThat(broker.reap(1)).isEqualTo(1);
      await().atMost(Duration.ofSeconds(10)).until(() -> heard.size() == 1);
      assertThat(heard.get(0).kind()).isEqualTo(QueueEvent.Kind.STALLED);
      assertThat(heard.get(0).jobId()).isEqualTo(id);
      assertThat(heard.get(0).at()).isEqualTo(time.now());
      assertThat(heard.get(0).attempt()).as("the attempt that stalled").isEqualTo(1);
      assertThat(events.isRunning()).isTrue();
    }
  }

  @Test
  void noEventsAreWrittenWithAnEventRetentionOfZero() {
    JobQueue q = queue(options().eventRetention(0).build());
    List<QueueEvent> heard = new CopyOnWriteArrayList<>();
    try (QueueEvents events = q.subscribe(heard::add)) {
      String id = q.enqueue(TEXT, "x");
      q.workers().handle(TEXT, job -> {}).concurrency(1).start();
      awaitState(q, id, JobState.COMPLETED);
      assertThat(events.lastId()).isEqualTo("0-0");
    }
    assertThat(heard).isEmpty();
  }

  private static List<QueueEvent.Kind> kinds(List<QueueEvent> events, String jobId) {
    return events.stream().filter(e -> e.jobId().equals(jobId)).map(QueueEvent::kind).toList();
  }
}
