package dev.headroom.queue;

import dev.headroom.core.config.Require;
import dev.headroom.core.key.KeySpace;
import dev.headroom.core.time.TimeSource;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The configuration of one queue, immutable: priority aging, leases and stall handling, retention
 * of completed jobs and dead letters, idle polling, capacity (in memory), health threshold, key
 * space, time source and meters. Start from {@link #ofDefaults()} or {@link #builder()}; change one
 * with {@link #toBuilder()}. {@link Builder#build()} checks every value and names the field, the
 * value and the rule of the first bad one.
 *
 * <pre>{@code
 * JobQueueConfig config = JobQueueConfig.builder().meterRegistry(registry).lease(Duration.ofMinutes(1)).build();
 * }</pre>
 */
public final class JobQueueConfig {

  /** Default key space: {@code headroom:queue:}. */
  public static final KeySpace DEFAULT_KEY_SPACE = KeySpace.of("headroom", "queue");

  /** Default aging step: a waiting job gains one priority level per minute of waiting. */
  public static final Duration DEFAULT_PRIORITY_AGING = Duration.ofMinutes(1);

  /**
   * The aging step that means "no aging": about 31 years per level, so priority always dominates.
   */
  public static final Duration NO_AGING = Duration.ofSeconds(1_000_000_000L);

  /** Default lease a worker holds on a job, renewed every third of it while the handler runs. */
  public static final Duration DEFAULT_LEASE = Duration.ofSeconds(30);

  /** Default stalls (expired leases) a job survives; one more sends it to the dead letters. */
  public static final int DEFAULT_MAX_STALLS = 1;

  /** Default period of the reaper that returns jobs whose lease expired. */
  public static final Duration DEFAULT_REAP_INTERVAL = Duration.ofSeconds(5);

  /**
   * Default longest idle wait before a worker looks again (it is woken sooner when work arrives).
   */
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

  /** Default number of events kept for {@link JobQueue#subscribe subscribers}. */
  public static final int DEFAULT_EVENT_RETENTION = 10_000;

  /** Default running jobs per group: no limit. */
  public static final int NO_GROUP_LIMIT = Integer.MAX_VALUE;

  /** The most jobs a {@link JobRateLimit} may admit per window (its log holds one entry each). */
  public static final int MAX_RATE_LIMIT_JOBS = 100_000;

  /** Default duplicate-suppression window: none beyond the life of the job itself. */
  public static final Duration DEFAULT_DEDUPE_WINDOW = Duration.ZERO;

  private static final JobQueueConfig DEFAULTS = builder().build();

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
  private final int eventRetention;
  private final int groupConcurrency;
  private final Map<String, Integer> groupConcurrencyOverrides;
  private final @Nullable JobRateLimit rateLimit;
  private final Duration dedupeWindow;

  private JobQueueConfig(Builder b) {
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
    this.eventRetention = b.eventRetention;
    this.groupConcurrency = b.groupConcurrency;
    this.groupConcurrencyOverrides =
        java.util.Collections.unmodifiableMap(new LinkedHashMap<>(b.groupConcurrencyOverrides));
    this.rateLimit = b.rateLimit;
    this.dedupeWindow = b.dedupeWindow;
  }

  /**
   * The defaults: the constants of this class, the system clock, no meters, server time on Redis.
   */
  public static JobQueueConfig ofDefaults() {
    return DEFAULTS;
  }

  /** A builder with the defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder starting from this configuration. */
  public Builder toBuilder() {
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
    b.eventRetention = eventRetention;
    b.groupConcurrency = groupConcurrency;
    b.groupConcurrencyOverrides.putAll(groupConcurrencyOverrides);
    b.rateLimit = rateLimit;
    b.dedupeWindow = dedupeWindow;
    return b;
  }

  /** Where Redis keys live; each queue's keys share the hash tag {@code {<queue name>}}. */
  public KeySpace keySpace() {
    return keySpace;
  }

  /**
   * The clock of the in-memory backend, of worker-side timing, and of Redis when {@link
   * #serverTime()} is off.
   */
  public TimeSource timeSource() {
    return timeSource;
  }

  /** The registry meters are bound to, if any. */
  public Optional<MeterRegistry> meterRegistry() {
    return Optional.ofNullable(meterRegistry);
  }

  /**
   * Whether the Redis backend reads the time from the Redis server (the default, and the only right
   * choice in production: producers' and workers' clocks may disagree). When false it sends {@link
   * #timeSource()}'s wall clock instead: a hook for deterministic tests only.
   */
  public boolean serverTime() {
    return serverTime;
  }

  /**
   * How much waiting raises a job's effective priority: one level per step. A job's place in line
   * is {@code readyAt - priority * step} (then FIFO), where {@code readyAt} is when it was enqueued
   * or became due, so a low-priority job cannot starve: after waiting {@code k} steps it goes ahead
   * of jobs up to {@code k} levels higher enqueued just now. {@link #NO_AGING} makes priority
   * strict.
   */
  public Duration priorityAging() {
    return priorityAging;
  }

  /**
   * How long a worker's claim on a job lasts without renewal; a job whose lease expires is returned
   * to waiting.
   */
  public Duration lease() {
    return lease;
  }

  /**
   * Expired leases a job survives; at the next it goes to the dead letters with reason {@code
   * stalled}.
   */
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

  /**
   * The most unfinished jobs (waiting, delayed, active) an in-memory queue holds; enqueue beyond it
   * fails.
   */
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

  /**
   * How many events the queue's event log keeps for {@link JobQueue#subscribe subscribers} (on
   * Redis a stream trimmed with {@code MAXLEN ~}, so about that many); 0 writes no events.
   */
  public int eventRetention() {
    return eventRetention;
  }

  /**
   * The most jobs of one group (see {@link JobOptions.Builder#group}) that run at once, counted
   * across every process, unless {@link #groupConcurrencyOverrides()} names the group; {@link
   * #NO_GROUP_LIMIT} (the default) for no limit. Every process of a queue must use the same limits.
   */
  public int groupConcurrency() {
    return groupConcurrency;
  }

  /** The running-jobs limit of {@code group}: its override, else {@link #groupConcurrency()}. */
  public int groupConcurrency(String group) {
    return groupConcurrencyOverrides.getOrDefault(group, groupConcurrency);
  }

  /** Groups with a limit of their own (unmodifiable). */
  public Map<String, Integer> groupConcurrencyOverrides() {
    return groupConcurrencyOverrides;
  }

  /**
   * The queue's rate limit, if any: at most {@code jobs} attempts start in any window, across every
   * worker of every process (on Redis checked and counted in the claim step, on the server's
   * clock).
   */
  public Optional<JobRateLimit> rateLimit() {
    return Optional.ofNullable(rateLimit);
  }

  /**
   * How long an enqueue with an explicit {@linkplain JobOptions.Builder#jobId job id} suppresses
   * later enqueues of that id, counted from when it was stored, whatever the retention of the job
   * itself (zero, the default: only while the job exists). A duplicate is refused while its job
   * exists or within this window, whichever is longer.
   */
  public Duration dedupeWindow() {
    return dedupeWindow;
  }

  @Override
  public String toString() {
    return "JobQueueConfig[keySpace="
        + keySpace.prefix()
        + ", priorityAging="
        + priorityAging
        + ", lease="
        + lease
        + ", maxStalls="
        + maxStalls
        + ", reapInterval="
        + reapInterval
        + ", pollInterval="
        + pollInterval
        + ", completed="
        + completedKeep
        + "/"
        + completedAge
        + ", dead="
        + deadKeep
        + "/"
        + deadAge
        + ", capacity="
        + capacity
        + ", healthThreshold="
        + healthThreshold
        + ", eventRetention="
        + eventRetention
        + (groupConcurrency == NO_GROUP_LIMIT ? "" : ", groupConcurrency=" + groupConcurrency)
        + (groupConcurrencyOverrides.isEmpty()
            ? ""
            : ", groupOverrides=" + groupConcurrencyOverrides)
        + (rateLimit == null ? "" : ", rateLimit=" + rateLimit.jobs() + "/" + rateLimit.window())
        + ", dedupeWindow="
        + dedupeWindow
        + ", serverTime="
        + serverTime
        + ", meters="
        + (meterRegistry != null)
        + "]";
  }

  /**
   * Builds a {@link JobQueueConfig}. Setters only refuse null; {@link #build()} checks the values.
   * Not thread-safe.
   */
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
    private int eventRetention = DEFAULT_EVENT_RETENTION;
    private int groupConcurrency = NO_GROUP_LIMIT;
    private final Map<String, Integer> groupConcurrencyOverrides = new LinkedHashMap<>();
    private @Nullable JobRateLimit rateLimit;
    private Duration dedupeWindow = DEFAULT_DEDUPE_WINDOW;

    private Builder() {}

    /** Where Redis keys live (default {@code headroom:queue:}). */
    public Builder keySpace(KeySpace keySpace) {
      this.keySpace = Require.nonNull("keySpace", keySpace);
      return this;
    }

    /**
     * The clock of every time-dependent decision (default the system clock); tests pass a {@code
     * ManualTimeSource}.
     */
    public Builder timeSource(TimeSource timeSource) {
      this.timeSource = Require.nonNull("timeSource", timeSource);
      return this;
    }

    /**
     * Binds the queue's meters ({@code headroom.queue.*}, tag {@code queue=<name>}) to {@code
     * registry} (default none).
     */
    public Builder meterRegistry(MeterRegistry registry) {
      this.meterRegistry = Require.nonNull("meterRegistry", registry);
      return this;
    }

    /** See {@link JobQueueConfig#serverTime()}; keep the default in production. */
    public Builder serverTime(boolean serverTime) {
      this.serverTime = serverTime;
      return this;
    }

    /**
     * One priority level per {@code step} of waiting (default 1 min); between 1 ms and {@link
     * #NO_AGING}.
     */
    public Builder priorityAging(Duration step) {
      this.priorityAging = Require.nonNull("priorityAging", step);
      return this;
    }

    /** Strict priority: a higher priority always runs first. */
    public Builder noPriorityAging() {
      this.priorityAging = NO_AGING;
      return this;
    }

    /**
     * The lease (default 30 s, at least 300 ms). A worker renews it every third while the handler
     * runs, so it only expires when the worker died or lost Redis for that long.
     */
    public Builder lease(Duration lease) {
      this.lease = Require.nonNull("lease", lease);
      return this;
    }

    /** Expired leases a job survives (default 1, not negative). */
    public Builder maxStalls(int maxStalls) {
      this.maxStalls = maxStalls;
      return this;
    }

    /** How often to reap expired leases (default 5 s, at least 1 ms). */
    public Builder reapInterval(Duration interval) {
      this.reapInterval = Require.nonNull("reapInterval", interval);
      return this;
    }

    /** The longest idle wait (default 1 s, at least 1 ms). */
    public Builder pollInterval(Duration interval) {
      this.pollInterval = Require.nonNull("pollInterval", interval);
      return this;
    }

    /**
     * Keep at most {@code count} completed jobs (not negative), each at most {@code maxAge} (at
     * least 1 ms); default 1000 and 24 h.
     */
    public Builder completedRetention(int count, Duration maxAge) {
      this.completedKeep = count;
      this.completedAge = Require.nonNull("completedRetention maxAge", maxAge);
      return this;
    }

    /**
     * Keep at most {@code count} dead letters (at least 1), each at most {@code maxAge} (at least 1
     * ms); default 10 000 and 7 days.
     */
    public Builder deadRetention(int count, Duration maxAge) {
      this.deadKeep = count;
      this.deadAge = Require.nonNull("deadRetention maxAge", maxAge);
      return this;
    }

    /** The most unfinished jobs an in-memory queue holds (default one million, at least 1). */
    public Builder capacity(long capacity) {
      this.capacity = capacity;
      return this;
    }

    /**
     * Health is DEGRADED above this many ready jobs (default 100, not negative; delayed and
     * retrying jobs do not count).
     */
    public Builder healthThreshold(long threshold) {
      this.healthThreshold = threshold;
      return this;
    }

    /**
     * Events kept for subscribers (default 10 000, 0 to 10 000 000; 0 writes none, which saves the
     * store one write per finished job).
     */
    public Builder eventRetention(int count) {
      this.eventRetention = count;
      return this;
    }

    /**
     * At most {@code max} jobs of one group run at once, across every process (default {@link
     * #NO_GROUP_LIMIT}; at least 1). Jobs without a group are not limited.
     */
    public Builder groupConcurrency(int max) {
      this.groupConcurrency = max;
      return this;
    }

    /**
     * At most {@code max} jobs of {@code group} run at once (at least 1), instead of {@link
     * #groupConcurrency(int)}.
     *
     * @throws IllegalArgumentException if the group is not a valid group name (see {@link
     *     JobOptions.Builder#group})
     */
    public Builder groupConcurrency(String group, int max) {
      groupConcurrencyOverrides.put(JobType.checkName("group", group), max);
      return this;
    }

    /**
     * At most {@code jobs} attempts of this queue start in any window of {@code window} (1 to
     * {@value #MAX_RATE_LIMIT_JOBS} jobs, a window of 1 ms to 1 day), shared by every worker in
     * every process; default none. Idle workers wait until the next start is allowed.
     */
    public Builder rateLimit(int jobs, Duration window) {
      this.rateLimit = new JobRateLimit(jobs, Require.nonNull("rateLimit window", window));
      return this;
    }

    /** No rate limit (the default). */
    public Builder noRateLimit() {
      this.rateLimit = null;
      return this;
    }

    /**
     * How long an explicit job id suppresses duplicates, whatever the retention (default zero:
     * while the job exists; not negative, at most 365 days). See {@link
     * JobQueueConfig#dedupeWindow()}.
     */
    public Builder dedupeWindow(Duration window) {
      this.dedupeWindow = Require.nonNull("dedupeWindow", window);
      return this;
    }

    /**
     * The configuration.
     *
     * @throws IllegalArgumentException naming the field, the value and the rule of the first bad
     *     value
     */
    public JobQueueConfig build() {
      atLeastOneMilli("priorityAging", priorityAging);
      Require.that(
          priorityAging.compareTo(NO_AGING) <= 0,
          "priorityAging",
          priorityAging,
          "be at most " + NO_AGING + " (no aging)");
      Require.that(
          lease.toMillis() >= 300, "lease", lease, "be at least 300 ms (renewed every third)");
      Require.that(maxStalls >= 0, "maxStalls", maxStalls, "not be negative");
      atLeastOneMilli("reapInterval", reapInterval);
      atLeastOneMilli("pollInterval", pollInterval);
      Require.that(
          completedKeep >= 0, "completedRetention count", completedKeep, "not be negative");
      atLeastOneMilli("completedRetention maxAge", completedAge);
      Require.that(deadKeep >= 1, "deadRetention count", deadKeep, "be at least 1");
      atLeastOneMilli("deadRetention maxAge", deadAge);
      Require.that(capacity >= 1, "capacity", capacity, "be at least 1");
      Require.that(healthThreshold >= 0, "healthThreshold", healthThreshold, "not be negative");
      Require.that(
          eventRetention >= 0 && eventRetention <= 10_000_000,
          "eventRetention",
          eventRetention,
          "be within 0..10000000");
      Require.that(groupConcurrency >= 1, "groupConcurrency", groupConcurrency, "be at least 1");
      for (Map.Entry<String, Integer> e : groupConcurrencyOverrides.entrySet()) {
        Require.that(
            e.getValue() >= 1,
            "groupConcurrency(" + e.getKey() + ")",
            e.getValue(),
            "be at least 1");
      }
      if (rateLimit != null) {
        checkRateLimit("rateLimit", rateLimit);
      }
      Require.that(!dedupeWindow.isNegative(), "dedupeWindow", dedupeWindow, "not be negative");
      Require.that(
          dedupeWindow.compareTo(Duration.ofDays(365)) <= 0,
          "dedupeWindow",
          dedupeWindow,
          "be at most 365 days");
      return new JobQueueConfig(this);
    }

    static void checkRateLimit(String field, JobRateLimit limit) {
      Require.that(
          limit.jobs() >= 1 && limit.jobs() <= MAX_RATE_LIMIT_JOBS,
          field + " jobs",
          limit.jobs(),
          "be within 1.." + MAX_RATE_LIMIT_JOBS);
      Require.that(
          limit.window().toMillis() >= 1 && limit.window().compareTo(Duration.ofDays(1)) <= 0,
          field + " window",
          limit.window(),
          "be within 1 ms..1 day");
    }

    private static void atLeastOneMilli(String field, Duration value) {
      Require.that(value.toMillis() >= 1, field, value, "be at least 1 ms");
    }
  }
}
