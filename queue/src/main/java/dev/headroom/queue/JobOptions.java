package dev.headroom.queue;

import dev.headroom.core.backoff.Backoff;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import org.jspecify.annotations.Nullable;

/**
 * How to enqueue one job: priority, delay or run-at time, attempts, backoff, timeout and an
 * optional job id for idempotent enqueue. Unset values come from the {@link JobType}. Immutable;
 * start from {@link #ofDefaults()} or {@link #builder()}.
 *
 * <pre>{@code
 * JobOptions.builder().priority(10).delay(Duration.ofMinutes(5)).jobId("welcome-" + userId).build()
 * }</pre>
 */
public final class JobOptions {

  /** The lowest priority. */
  public static final int MIN_PRIORITY = -1000;

  /** The highest priority. */
  public static final int MAX_PRIORITY = 1000;

  /** The longest job id, in characters. */
  public static final int MAX_JOB_ID_LENGTH = JobType.MAX_NAME_LENGTH;

  private static final JobOptions DEFAULTS = builder().build();

  private final int priority;
  private final Duration delay;
  private final @Nullable Instant runAt;
  private final int maxAttempts;
  private final @Nullable Backoff backoff;
  private final @Nullable Duration timeout;
  private final @Nullable String jobId;
  private final @Nullable String group;

  private JobOptions(Builder b) {
    this.priority = b.priority;
    this.delay = b.delay;
    this.runAt = b.runAt;
    this.maxAttempts = b.maxAttempts;
    this.backoff = b.backoff;
    this.timeout = b.timeout;
    this.jobId = b.jobId;
    this.group = b.group;
  }

  /** Priority 0, no delay, everything else from the job type. */
  public static JobOptions ofDefaults() {
    return DEFAULTS;
  }

  /** A builder with the defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** The defaults with {@code priority}. */
  public static JobOptions priority(int priority) {
    return builder().priority(priority).build();
  }

  /** The defaults with {@code delay}. */
  public static JobOptions delayed(Duration delay) {
    return builder().delay(delay).build();
  }

  /** A builder starting from these options. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.priority = priority;
    b.delay = delay;
    b.runAt = runAt;
    b.maxAttempts = maxAttempts;
    b.backoff = backoff;
    b.timeout = timeout;
    b.jobId = jobId;
    b.group = group;
    return b;
  }

  /** Higher runs first; FIFO within a priority (see {@link JobQueueConfig#priorityAging()}). */
  public int priority() {
    return priority;
  }

  /**
   * How long after enqueue the job may run; zero for at once. Ignored when {@link #runAt()} is set.
   */
  public Duration delay() {
    return delay;
  }

  /** When the job may run, if set (the producer's clock). */
  public Optional<Instant> runAt() {
    return Optional.ofNullable(runAt);
  }

  /** Attempts in all, first try included, if set; else the backoff's. */
  public OptionalInt maxAttempts() {
    return maxAttempts == 0 ? OptionalInt.empty() : OptionalInt.of(maxAttempts);
  }

  /** The retry policy of this job, if it overrides its type's. */
  public Optional<Backoff> backoff() {
    return Optional.ofNullable(backoff);
  }

  /** How long one attempt may run, if it overrides its type's. */
  public Optional<Duration> timeout() {
    return Optional.ofNullable(timeout);
  }

  /** The job id for idempotent enqueue, if set; otherwise a unique id is generated. */
  public Optional<String> jobId() {
    return Optional.ofNullable(jobId);
  }

  /**
   * The job's group (a tenant, say), if set: grouped jobs are served round-robin between groups,
   * and at most {@link JobQueueConfig#groupConcurrency()} of a group run at once.
   */
  public Optional<String> group() {
    return Optional.ofNullable(group);
  }

  @Override
  public String toString() {
    return "JobOptions[priority="
        + priority
        + ", delay="
        + delay
        + ", runAt="
        + runAt
        + ", maxAttempts="
        + (maxAttempts == 0 ? "type" : maxAttempts)
        + ", backoff="
        + (backoff == null ? "type" : backoff)
        + ", timeout="
        + (timeout == null ? "type" : timeout)
        + ", jobId="
        + jobId
        + (group == null ? "" : ", group=" + group)
        + "]";
  }

  static Duration checkPositive(String what, Duration value) {
    Objects.requireNonNull(value, what);
    if (value.isNegative() || value.isZero() || value.toMillis() == 0) {
      throw new IllegalArgumentException(what + " must be at least 1 ms, was " + value);
    }
    return value;
  }

  /** Builds {@link JobOptions}; each setter checks its value at once. */
  public static final class Builder {
    private int priority;
    private Duration delay = Duration.ZERO;
    private @Nullable Instant runAt;
    private int maxAttempts;
    private @Nullable Backoff backoff;
    private @Nullable Duration timeout;
    private @Nullable String jobId;
    private @Nullable String group;

    private Builder() {}

    /**
     * Higher runs first (default 0).
     *
     * @throws IllegalArgumentException outside {@value #MIN_PRIORITY}..{@value #MAX_PRIORITY}
     */
    public Builder priority(int priority) {
      if (priority < MIN_PRIORITY || priority > MAX_PRIORITY) {
        throw new IllegalArgumentException(
            "priority must be within " + MIN_PRIORITY + ".." + MAX_PRIORITY + ", was " + priority);
      }
      this.priority = priority;
      return this;
    }

    /**
     * Runs the job no sooner than {@code delay} after it is enqueued (default zero). On Redis the
     * delay is counted on the Redis server's clock.
     *
     * @throws IllegalArgumentException if negative
     */
    public Builder delay(Duration delay) {
      Objects.requireNonNull(delay, "delay");
      if (delay.isNegative()) {
        throw new IllegalArgumentException("delay must not be negative, was " + delay);
      }
      this.delay = delay;
      this.runAt = null;
      return this;
    }

    /** Runs the job no sooner than {@code runAt} by the producer's clock; replaces a delay. */
    public Builder runAt(Instant runAt) {
      this.runAt = Objects.requireNonNull(runAt, "runAt");
      this.delay = Duration.ZERO;
      return this;
    }

    /**
     * Attempts in all, first try included (default: the backoff's).
     *
     * @throws IllegalArgumentException if below 1
     */
    public Builder maxAttempts(int maxAttempts) {
      if (maxAttempts < 1) {
        throw new IllegalArgumentException(
            "maxAttempts must be at least 1 (the first try counts), was " + maxAttempts);
      }
      this.maxAttempts = maxAttempts;
      return this;
    }

    /** The retry policy of this job (default: its type's). */
    public Builder backoff(Backoff backoff) {
      this.backoff = Objects.requireNonNull(backoff, "backoff");
      return this;
    }

    /**
     * How long one attempt may run (default: its type's).
     *
     * @throws IllegalArgumentException if not positive
     */
    public Builder timeout(Duration timeout) {
      this.timeout = checkPositive("timeout", timeout);
      return this;
    }

    /**
     * The job's id, for idempotent enqueue: while a job with this id exists in the queue (waiting,
     * delayed, active, retrying, or kept as completed or dead), enqueueing it again adds nothing
     * and answers the same id.
     *
     * @throws IllegalArgumentException if empty, longer than {@value #MAX_JOB_ID_LENGTH}
     *     characters, or with whitespace or control characters
     * @throws dev.headroom.core.key.InvalidKeyException (an {@code IllegalArgumentException}) if it
     *     has an unpaired UTF-16 surrogate, which Redis would store as '?', the same as other ids
     */
    public Builder jobId(String jobId) {
      this.jobId = JobType.checkName("jobId", jobId);
      return this;
    }

    /**
     * The job's group, such as a tenant id (default none). Waiting jobs of different groups are
     * served round-robin, one group after the other, so a group with many waiting jobs does not
     * delay another group's first job; and at most {@link JobQueueConfig#groupConcurrency(String)}
     * jobs of one group run at once, counted across every process. Jobs without a group are not
     * limited and keep their plain order.
     *
     * @throws IllegalArgumentException if empty, longer than {@value #MAX_JOB_ID_LENGTH}
     *     characters, with whitespace or control characters, or with an unpaired UTF-16 surrogate
     */
    public Builder group(String group) {
      this.group = JobType.checkName("group", group);
      return this;
    }

    /** The options. */
    public JobOptions build() {
      return new JobOptions(this);
    }
  }
}
