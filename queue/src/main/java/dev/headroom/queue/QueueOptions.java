package dev.headroom.queue;

import dev.headroom.core.key.KeySpace;
import dev.headroom.core.time.TimeSource;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Immutable options of one queue: priority aging, leases and stall handling, retention of completed
 * jobs and dead letters, idle polling, capacity (in memory), health threshold, key space, time
 * source and meters. Start from {@link #defaults()} or {@link #builder()}; change one with
 * {@link #mutate()}.
 */
public final class QueueOptions {

  /** Default key space: {@code headroom:queue:}. */
  public static final KeySpace DEFAULT_KEY_SPACE = KeySpace.of("headroom", "queue");
  /** Default aging step: a waiting job gains one priority level per minute of waiting. */
  public static final Duration DEFAULT_PRIORITY_AGING = Duration.ofMinutes(1);
  /** The aging step that means "no aging": about 31 years per level, so priority always dominates. */
  public static final Duration NO_AGING = Duration.ofMillis(1_000_000_000_000L);
  /** Default lease a worker holds on a job, renewed every third of it while the handler runs. */
  public static final Duration DEFAULT_LEASE = Duration.ofSeconds(30);
  /** Default stalls (expired leases) a job survives; one more sends it to the dead letters. */
  public static final int DEFAULT_MAX_STALLS = 1;
  /** Default period of the reaper that returns jobs whose lease expired. */
  public static final Duration DEFAULT_REAP_INTERVAL = Duration.ofSeconds(5);
  /** Default longest idle wait before a worker looks again (it is woken sooner when work arrives). */
  public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofSeconds(1);
  /** Default number of completed jobs kept. */
  public static final int DEFAULT_COMPLETED_KEEP = 1000;
  /** Default age after which completed jobs are dropped. */
  public static final Duration DEFAULT_COMPLETED_AGE = Duration.ofHours(24);
  /** Default number of dead letters kept. */
  public static final int DEFAULT_DEAD_KEEP = 10_000;
  /** Default age after which dead letters are dropped. */
  public static final Duration DEFAULT_DEAD_AGE = Duration.ofDays(7);
  /** Default bound on unfinished jobs (waiting, delayed, active) of an in-memory queue. */
  public static final long DEFAULT_CAPACITY = 1_000_000;
  /** Default number of ready jobs above which health reports DEGRADED. */
  public static final long DEFAULT_HEALTH_THRESHOLD = 100;

  private static final QueueOptions DEFAULTS = builder().build();

  private final KeySpace keySpace;
  private final TimeSource timeSource;
  private final @Nullable MeterRegistry meterRegistry;
  private final boolean serverTime;
  private final Duration priorityAging;
  private final Duration lease;
  private final int maxStalls;
  private final Duration reapInterval;
  private final Duration pollInterval;
  private final int completedKeep;
  private final Duration completedAge;
  private final int deadKeep;
  private final Duration deadAge;
  private final long capacity;
  private final long healthThreshold;

  private QueueOptions(Builder b) {
    this.keySpace = b.keySpace;
    this.timeSource = b.timeSource;
    this.meterRegistry = b.meterRegistry;
    this.serverTime = b.serverTime;
    this.priorityAging = b.priorityAging;
    this.lease = b.lease;
    this.maxStalls = b.maxStalls;
    this.reapInterval = b.reapInterval;
    this.pollInterval = b.pollInterval;
    this.completedKeep = b.completedKeep;
    this.completedAge = b.completedAge;
    this.deadKeep = b.deadKeep;
    this.deadAge = b.deadAge;
    this.capacity = b.capacity;
    this.healthThreshold = b.healthThreshold;
  }

  /** The defaults (the constants of this class, the system clock, no meters, server time on Redis). */
  public static QueueOptions defaults() {
    return DEFAULTS;
  }

  /** A builder with the defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder starting from these options. */
  public Builder mutate() {
    Builder b = new Builder();
    b.keySpace = keySpace;
    b.timeSource = timeSource;
    b.meterRegistry = meterRegistry;
    b.serverTime = serverTime;
    b.priorityAging = priorityAging;
    b.lease = lease;
    b.maxStalls = maxStalls;
    b.reapInterval = reapInterval;
    b.pollInterval = pollInterval;
    b.completedKeep = completedKeep;
    b.completedAge = completedAge;
    b.deadKeep = deadKeep;
    b.deadAge = deadAge;
    b.capacity = capacity;
    b.healthThreshold = healthThreshold;
    return b;
  }

  /** Where Redis keys live; each queue's keys share the hash tag {@code {<queue name>}}. */
  public KeySpace keySpace() {
    return keySpace;
  }

  /** The clock of the in-memory backend, of worker-side timing, and of Redis when {@link #serverTime()} is off. */
  public TimeSource timeSource() {
    return timeSource;
  }

  /** The registry meters are bound to, if any. */
  public Optional<MeterRegistry> meterRegistry() {
    return Optional.ofNullable(meterRegistry);
  }

  /**
   * Whether the Redis backend reads the time from the Redis server (the default, and the only right
   * choice in production: producers' and workers' clocks may disagree). When false it sends
   * {@link #timeSource()}'s wall clock instead: a hook for deterministic tests only.
   */
  public boolean serverTime() {
    return serverTime;
  }

  /**
   * How much waiting raises a job's effective priority: one level per step. A job's place in line is
   * {@code readyAt - priority * step} (then FIFO), where {@code readyAt} is when it was enqueued or
   * became due, so a low-priority job cannot starve: after waiting {@code k} steps it goes ahead of
   * jobs up to {@code k} levels higher enqueued just now. {@link #NO_AGING} makes priority strict.
   */
  public Duration priorityAging() {
    return priorityAging;
  }

  /** How long a worker's claim on a job lasts without renewal; a job whose lease expires is returned to waiting. */
  public Duration lease() {
    return lease;
  }

  /** Expired leases a job survives; at the next it goes to the dead letters with reason {@code stalled}. */
  public int maxStalls() {
    return maxStalls;
  }

  /** How often a running worker pool looks for expired leases and applies age retention. */
  public Duration reapInterval() {
    return reapInterval;
  }

  /**
   * The longest an idle worker waits before it looks for work again. It is woken sooner when a job
   * is enqueued, and when a delayed job becomes due. On Redis the wait is also kept below the
   * connector's command timeout.
   */
  public Duration pollInterval() {
    return pollInterval;
  }

  /** How many completed jobs are kept (0: none, a job is deleted when it completes). */
  public int completedKeep() {
    return completedKeep;
  }

  /** How long completed jobs are kept at most. */
  public Duration completedAge() {
    return completedAge;
  }

  /** How many dead letters are kept; the oldest go first. */
  public int deadKeep() {
    return deadKeep;
  }

  /** How long dead letters are kept at most. */
  public Duration deadAge() {
    return deadAge;
  }

  /** The most unfinished jobs (waiting, delayed, active) an in-memory queue holds; enqueue beyond it fails. */
  public long capacity() {
    return capacity;
  }

  /**
   * The number of ready jobs (state WAITING; delayed and retrying jobs are not counted) above which
   * health reports DEGRADED.
   */
  public long healthThreshold() {
    return healthThreshold;
  }

  @Override
  public String toString() {
    return "QueueOptions[keySpace=" + keySpace.prefix() + ", priorityAging=" + priorityAging + ", lease=" + lease
        + ", maxStalls=" + maxStalls + ", reapInterval=" + reapInterval + ", pollInterval=" + pollInterval
        + ", completed=" + completedKeep + "/" + completedAge + ", dead=" + deadKeep + "/" + deadAge + ", capacity="
        + capacity + ", healthThreshold=" + healthThreshold + ", serverTime=" + serverTime + ", meters="
        + (meterRegistry != null) + "]";
  }

  /** Builds {@link QueueOptions}; each setter checks its value at once. */
  public static final class Builder {
    private KeySpace keySpace = DEFAULT_KEY_SPACE;
    private TimeSource timeSource = TimeSource.system();
    private @Nullable MeterRegistry meterRegistry;
    private boolean serverTime = true;
    private Duration priorityAging = DEFAULT_PRIORITY_AGING;
    private Duration lease = DEFAULT_LEASE;
    private int maxStalls = DEFAULT_MAX_STALLS;
    private Duration reapInterval = DEFAULT_REAP_INTERVAL;
    private Duration pollInterval = DEFAULT_POLL_INTERVAL;
    private int completedKeep = DEFAULT_COMPLETED_KEEP;
    private Duration completedAge = DEFAULT_COMPLETED_AGE;
    private int deadKeep = DEFAULT_DEAD_KEEP;
    private Duration deadAge = DEFAULT_DEAD_AGE;
    private long capacity = DEFAULT_CAPACITY;
    private long healthThreshold = DEFAULT_HEALTH_THRESHOLD;

    private Builder() {}

    /** Where Redis keys live (default {@code headroom:queue:}). */
    public Builder keySpace(KeySpace keySpace) {
      this.keySpace = Objects.requireNonNull(keySpace, "keySpace");
      return this;
    }

    /** The time source (default the system clock); tests pass a {@code ManualTimeSource}. */
    public Builder timeSource(TimeSource timeSource) {
      this.timeSource = Objects.requireNonNull(timeSource, "timeSource");
      return this;
    }

    /** Binds meters {@code headroom.queue.*} to {@code registry}. */
    public Builder meterRegistry(MeterRegistry registry) {
      this.meterRegistry = Objects.requireNonNull(registry, "meterRegistry");
      return this;
    }

    /** See {@link QueueOptions#serverTime()}; keep the default in production. */
    public Builder serverTime(boolean serverTime) {
      this.serverTime = serverTime;
      return this;
    }

    /**
     * One priority level per {@code step} of waiting (default 1 min).
     *
     * @throws IllegalArgumentException if not between 1 ms and {@link #NO_AGING}
     */
    public Builder priorityAging(Duration step) {
      JobOptions.checkPositive("priorityAging", step);
      if (step.compareTo(NO_AGING) > 0) {
        throw new IllegalArgumentException("priorityAging must be at most " + NO_AGING + " (no aging), was " + step);
      }
      this.priorityAging = step;
      return this;
    }

    /** Strict priority: a higher priority always runs first. */
    public Builder noPriorityAging() {
      this.priorityAging = NO_AGING;
      return this;
    }

    /**
     * The lease (default 30 s). A worker renews it every third while the handler runs, so it only
     * expires when the worker died or lost Redis for that long.
     *
     * @throws IllegalArgumentException if below 300 ms
     */
    public Builder lease(Duration lease) {
      Objects.requireNonNull(lease, "lease");
      if (lease.toMillis() < 300) {
        throw new IllegalArgumentException("lease must be at least 300 ms (renewed every third), was " + lease);
      }
      this.lease = lease;
      return this;
    }

    /**
     * Expired leases a job survives (default 1).
     *
     * @throws IllegalArgumentException if negative
     */
    public Builder maxStalls(int maxStalls) {
      if (maxStalls < 0) {
        throw new IllegalArgumentException("maxStalls must not be negative, was " + maxStalls);
      }
      this.maxStalls = maxStalls;
      return this;
    }

    /** How often to reap expired leases (default 5 s). */
    public Builder reapInterval(Duration interval) {
      this.reapInterval = JobOptions.checkPositive("reapInterval", interval);
      return this;
    }

    /** The longest idle wait (default 1 s). */
    public Builder pollInterval(Duration interval) {
      this.pollInterval = JobOptions.checkPositive("pollInterval", interval);
      return this;
    }

    /**
     * Keep at most {@code count} completed jobs, each at most {@code maxAge} (default 1000, 24 h).
     *
     * @throws IllegalArgumentException if {@code count} is negative or {@code maxAge} not positive
     */
    public Builder completedRetention(int count, Duration maxAge) {
      if (count < 0) {
        throw new IllegalArgumentException("completed retention count must not be negative, was " + count);
      }
      this.completedKeep = count;
      this.completedAge = JobOptions.checkPositive("completed retention maxAge", maxAge);
      return this;
    }

    /**
     * Keep at most {@code count} dead letters, each at most {@code maxAge} (default 10 000, 7 days).
     *
     * @throws IllegalArgumentException if {@code count} is below 1 or {@code maxAge} not positive
     */
    public Builder deadRetention(int count, Duration maxAge) {
      if (count < 1) {
        throw new IllegalArgumentException("dead letter retention count must be at least 1, was " + count);
      }
      this.deadKeep = count;
      this.deadAge = JobOptions.checkPositive("dead letter retention maxAge", maxAge);
      return this;
    }

    /**
     * The most unfinished jobs an in-memory queue holds (default one million).
     *
     * @throws IllegalArgumentException if below 1
     */
    public Builder capacity(long capacity) {
      if (capacity < 1) {
        throw new IllegalArgumentException("capacity must be at least 1, was " + capacity);
      }
      this.capacity = capacity;
      return this;
    }

    /**
     * Health is DEGRADED above this many ready jobs (default 100; delayed and retrying jobs do not count).
     *
     * @throws IllegalArgumentException if negative
     */
    public Builder healthThreshold(long threshold) {
      if (threshold < 0) {
        throw new IllegalArgumentException("healthThreshold must not be negative, was " + threshold);
      }
      this.healthThreshold = threshold;
      return this;
    }

    /** The options. */
    public QueueOptions build() {
      return new QueueOptions(this);
    }
  }
}
