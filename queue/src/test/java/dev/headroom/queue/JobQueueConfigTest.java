package dev.headroom.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.headroom.core.backoff.Backoff;
import dev.headroom.core.backoff.Jitter;
import dev.headroom.core.codec.Codec;
import dev.headroom.queue.broker.RetrySpec;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Bad input fails where it is given, with a message naming the field, the value and the rule. */
class JobQueueConfigTest {

  private static final JobType<String> TEXT = JobType.of("text", Codec.utf8());

  @Test
  void jobOptionsRejectBadValues() {
    assertThatThrownBy(() -> JobOptions.builder().delay(Duration.ofMillis(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("delay must not be negative, was PT-0.001S");
    assertThatThrownBy(() -> JobOptions.builder().maxAttempts(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxAttempts must be at least 1")
        .hasMessageContaining("was 0");
    assertThatThrownBy(() -> JobOptions.builder().priority(1001))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("priority must be within -1000..1000, was 1001");
    assertThatThrownBy(() -> JobOptions.builder().timeout(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("timeout must be at least 1 ms");
    assertThatThrownBy(() -> JobOptions.builder().jobId("has space"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("jobId must not contain whitespace");
    assertThatThrownBy(() -> JobOptions.builder().jobId("x".repeat(201)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("jobId must have 1 to 200 characters");
  }

  @Test
  void groupsAndRateLimitsAreCheckedWithTheFieldTheValueAndTheRule() {
    assertThatThrownBy(() -> JobOptions.builder().group("has space"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("group must not contain whitespace");
    assertThatThrownBy(() -> JobQueueConfig.builder().groupConcurrency(0).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("groupConcurrency must be at least 1, was 0");
    assertThatThrownBy(() -> JobQueueConfig.builder().groupConcurrency("t1", 0).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("groupConcurrency(t1) must be at least 1, was 0");
    assertThatThrownBy(() -> JobQueueConfig.builder().rateLimit(0, Duration.ofSeconds(1)).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("rateLimit jobs must be within 1..100000, was 0");
    assertThatThrownBy(() -> JobQueueConfig.builder().rateLimit(5, Duration.ofDays(2)).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("rateLimit window must be within 1 ms..1 day, was PT48H");
    assertThatThrownBy(
            () -> JobType.builder("t", Codec.utf8()).rateLimit(200_000, Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("rateLimit jobs must be within 1..100000, was 200000");
    JobQueueConfig c =
        JobQueueConfig.builder()
            .groupConcurrency(2)
            .groupConcurrency("vip", 5)
            .rateLimit(30, Duration.ofMinutes(1))
            .build();
    assertThat(c.groupConcurrency("vip")).isEqualTo(5);
    assertThat(c.groupConcurrency("other")).isEqualTo(2);
    assertThat(c.rateLimit()).contains(new JobRateLimit(30, Duration.ofMinutes(1)));
    assertThat(c.toBuilder().build().toString()).isEqualTo(c.toString());
    assertThat(c.toBuilder().noRateLimit().build().rateLimit()).isEmpty();
    assertThat(JobQueueConfig.ofDefaults().groupConcurrency("any"))
        .isEqualTo(JobQueueConfig.NO_GROUP_LIMIT);
    assertThat(JobOptions.builder().group("t1").build().group()).contains("t1");
  }

  @Test
  void jobOptionsKeepWhatWasSet() {
    Instant at = Instant.parse("2030-01-01T00:00:00Z");
    JobOptions o =
        JobOptions.builder().delay(Duration.ofSeconds(5)).runAt(at).priority(3).jobId("a").build();
    assertThat(o.runAt()).contains(at);
    assertThat(o.delay()).isZero();
    assertThat(o.toBuilder().build().toString()).isEqualTo(o.toString());
    assertThat(JobOptions.ofDefaults().maxAttempts()).isEmpty();
    assertThat(JobOptions.ofDefaults().priority()).isZero();
  }

  @Test
  void aQueueConfigCopiesIntoABuilderAndKeepsWhatWasSet() {
    JobQueueConfig c =
        JobQueueConfig.builder().lease(Duration.ofMinutes(1)).capacity(5).noPriorityAging().build();
    assertThat(c.toBuilder().build().toString()).isEqualTo(c.toString());
    assertThat(c.toBuilder().capacity(6).build().capacity()).isEqualTo(6);
    assertThat(c.capacity()).isEqualTo(5);
    assertThat(c.priorityAging()).isEqualTo(JobQueueConfig.NO_AGING);
    assertThat(JobQueueConfig.ofDefaults().lease()).isEqualTo(JobQueueConfig.DEFAULT_LEASE);
    assertThat(JobQueueConfig.ofDefaults().meterRegistry()).isEmpty();
    assertThatThrownBy(() -> JobQueueConfig.builder().timeSource(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("timeSource must not be null");
  }

  @Test
  void theEventRetentionIsKeptAndChecked() {
    assertThat(JobQueueConfig.ofDefaults().eventRetention())
        .isEqualTo(JobQueueConfig.DEFAULT_EVENT_RETENTION);
    JobQueueConfig none = JobQueueConfig.builder().eventRetention(0).build();
    assertThat(none.toBuilder().build().eventRetention()).isZero();
    assertThatThrownBy(() -> JobQueueConfig.builder().eventRetention(-1).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("eventRetention must be within 0..10000000, was -1");
  }

  @Test
  void aQueueConfigAndWorkersRejectBadValues() {
    assertThatThrownBy(() -> JobQueueConfig.builder().lease(Duration.ofMillis(100)).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("lease must be at least 300 ms (renewed every third), was PT0.1S");
    assertThatThrownBy(() -> JobQueueConfig.builder().pollInterval(Duration.ZERO).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("pollInterval must be at least 1 ms, was PT0S");
    assertThatThrownBy(() -> JobQueueConfig.builder().healthThreshold(-1).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("healthThreshold must not be negative, was -1");
    assertThatThrownBy(() -> JobQueueConfig.builder().maxStalls(-1).build())
        .hasMessageContaining("maxStalls must not be negative");
    assertThatThrownBy(() -> JobQueueConfig.builder().capacity(0).build())
        .hasMessageContaining("capacity must be at least 1, was 0");
    assertThatThrownBy(() -> JobQueueConfig.builder().deadRetention(0, Duration.ofDays(1)).build())
        .hasMessageContaining("at least 1");
    assertThatThrownBy(
            () -> JobQueueConfig.builder().completedRetention(-1, Duration.ofDays(1)).build())
        .hasMessageContaining("must not be negative");
    assertThatThrownBy(
            () -> JobQueueConfig.builder().priorityAging(Duration.ofDays(365 * 40)).build())
        .hasMessageContaining("at most");
    try (JobQueue q = JobQueues.inMemory("validation", JobQueueConfig.ofDefaults())) {
      assertThatThrownBy(() -> q.workers().concurrency(0))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("concurrency must be within 1..10000, was 0");
      assertThatThrownBy(() -> q.workers().start())
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("at least one handler");
      assertThatThrownBy(() -> q.workers().handle(TEXT, j -> {}).handle(TEXT, j -> {}))
          .hasMessageContaining("job type 'text' already has a handler");
    }
    assertThatThrownBy(() -> JobQueues.inMemory("two words", JobQueueConfig.ofDefaults()))
        .hasMessageContaining("queue name must not contain whitespace");
    assertThatThrownBy(() -> JobType.of("", Codec.utf8()))
        .hasMessageContaining("job type name must have 1 to 200 characters");
  }

  @Test
  void theDedupeWindowIsOffByDefaultAndChecked() {
    assertThat(JobQueueConfig.ofDefaults().dedupeWindow()).isZero();
    JobQueueConfig c = JobQueueConfig.builder().dedupeWindow(Duration.ofHours(6)).build();
    assertThat(c.toBuilder().build().dedupeWindow()).isEqualTo(Duration.ofHours(6));
    assertThat(c.toString()).contains("dedupeWindow=PT6H");
    assertThatThrownBy(() -> JobQueueConfig.builder().dedupeWindow(Duration.ofSeconds(-1)).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("dedupeWindow must not be negative, was PT-1S");
    assertThatThrownBy(() -> JobQueueConfig.builder().dedupeWindow(Duration.ofDays(366)).build())
        .hasMessage("dedupeWindow must be at most 365 days, was PT8784H");
  }

  @Test
  void aJobsOwnBackoffTravelsAsText() {
    Backoff b =
        Backoff.exponential(Duration.ofMillis(250), Duration.ofMinutes(3))
            .multiplier(3)
            .jitter(Jitter.DECORRELATED)
            .maxAttempts(7)
            .build();
    Backoff back = RetrySpec.parse(RetrySpec.format(b));
    assertThat(back.toString()).isEqualTo(b.toString());
    assertThatThrownBy(() -> RetrySpec.parse("1,2")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aJobErrorKeepsClassMessageAndATrimmedStack() {
    JobError e = JobError.of(new IllegalStateException("x".repeat(5000)));
    assertThat(e.className()).isEqualTo(IllegalStateException.class.getName());
    assertThat(e.message()).hasSize(JobError.MAX_MESSAGE_CHARS).endsWith("...");
    assertThat(e.stackTrace()).hasSizeLessThanOrEqualTo(JobError.MAX_STACK_CHARS);
    assertThat(JobError.of(new RuntimeException()).message()).isEmpty();
  }

  @Test
  void aTypeKnowsWhatIsNotRetryable() {
    JobType<String> t =
        JobType.builder("t", Codec.utf8()).nonRetryable(IllegalArgumentException.class).build();
    assertThat(t.isNonRetryable(new NumberFormatException())).isTrue();
    assertThat(t.isNonRetryable(new NonRetryableException("no"))).isTrue();
    assertThat(t.isNonRetryable(new IllegalStateException())).isFalse();
    assertThat(TEXT.backoff()).isSameAs(JobType.DEFAULT_BACKOFF);
  }
}
