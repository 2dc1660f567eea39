package dev.headroom.queue;

import dev.headroom.core.config.Require;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A recurring job: a name, the job it enqueues at every tick (a type, a payload and options), and
 * when it ticks, by a cron expression in a time zone or by a fixed interval. Immutable; hand it to
 * {@link JobSchedules#upsert}. Build one with {@link #builder}:
 *
 * <pre>{@code
 * Schedule<Digest> nightly = Schedule.builder("nightly-digest", DIGEST, new Digest("all"))
 *     .cron("0 3 * * *", ZoneId.of("Europe/Berlin"))
 *     .build();
 * }</pre>
 *
 * <p><b>Cron</b> expressions have 5 fields ({@code minute hour day-of-month month day-of-week}, as
 * in Unix cron) or 6 (seconds first, as in Spring); cron-utils parses them, so it must be on the
 * class path (an optional dependency). They match wall-clock times in the schedule's zone. When
 * clocks go forward, times in the skipped hour fire once, at the end of the gap (in Europe/Berlin a
 * 02:30 job fires at 03:00 CEST that day); when clocks go back, times in the repeated hour fire
 * once, at their first occurrence (a 02:30 job fires at 02:30 CEST, not again at 02:30 CET).
 *
 * <p><b>Intervals</b> tick at whole multiples of the interval since 1970-01-01T00:00Z (every 5
 * minutes: at :00, :05, ... UTC), the same on every process.
 *
 * <p>A tick's job has the id {@code schedule:<name>:<tick in epoch ms>} ({@link ScheduledTick}).
 */
public final class Schedule<T> {

  /** The longest schedule name: a tick's job id adds a prefix and the tick time to it. */
  public static final int MAX_NAME_LENGTH = 150;

  /** Default time after which a tick not yet fired counts as missed. */
  public static final Duration DEFAULT_MISSED_AFTER = Duration.ofMinutes(1);

  private final String name;
  private final JobType<T> type;
  private final T payload;
  private final Timing timing;
  private final MissedTicks missedTicks;
  private final Duration missedAfter;
  private final JobOptions options;
  private final @Nullable String cron;
  private final @Nullable ZoneId zone;
  private final @Nullable Duration interval;

  private Schedule(Builder<T> b, Timing timing) {
    this.name = b.name;
    this.type = b.type;
    this.payload = b.payload;
    this.timing = timing;
    this.missedTicks = b.missedTicks;
    this.missedAfter = b.missedAfter;
    this.options = b.options;
    this.cron = b.cron;
    this.zone = b.zone;
    this.interval = b.interval;
  }

  /**
   * A builder for a schedule that enqueues {@code payload} as a job of {@code type} at every tick;
   * set its timing with {@link Builder#cron} or {@link Builder#every}.
   */
  public static <T> Builder<T> builder(String name, JobType<T> type, T payload) {
    return new Builder<>(name, type, payload);
  }

  /** A builder starting from this schedule. */
  public Builder<T> toBuilder() {
    Builder<T> b = new Builder<>(name, type, payload);
    b.cron = cron;
    b.zone = zone;
    b.interval = interval;
    b.missedTicks = missedTicks;
    b.missedAfter = missedAfter;
    b.options = options;
    return b;
  }

  /** The schedule's name, unique within its queue. */
  public String name() {
    return name;
  }

  /** The type of every tick's job. */
  public JobType<T> type() {
    return type;
  }

  /** The payload of every tick's job. */
  public T payload() {
    return payload;
  }

  /** The options of every tick's job (priority, attempts, backoff, timeout). */
  public JobOptions options() {
    return options;
  }

  /** The cron expression, for a cron schedule. */
  public Optional<String> cron() {
    return Optional.ofNullable(cron);
  }

  /** The time zone of a cron schedule. */
  public Optional<ZoneId> zone() {
    return Optional.ofNullable(zone);
  }

  /** The interval, for an interval schedule. */
  public Optional<Duration> interval() {
    return Optional.ofNullable(interval);
  }

  /** What happens to missed ticks. */
  public MissedTicks missedTicks() {
    return missedTicks;
  }

  /** How late a tick may fire before it counts as missed. */
  public Duration missedAfter() {
    return missedAfter;
  }

  /** The first tick strictly after {@code after}, if there is one. */
  public Optional<Instant> nextTick(Instant after) {
    long next = timing.nextAfter(after.toEpochMilli());
    return next == Timing.NEVER ? Optional.empty() : Optional.of(Instant.ofEpochMilli(next));
  }

  Timing timing() {
    return timing;
  }

  String missedSpec() {
    return missedSpec(missedTicks, missedAfter.toMillis());
  }

  static String missedSpec(MissedTicks policy, long afterMillis) {
    return (policy == MissedTicks.SKIP ? "skip " : "run-once ") + afterMillis;
  }

  @Override
  public String toString() {
    return "Schedule["
        + name
        + ", "
        + timing.describe()
        + ", "
        + type.name()
        + ", missed="
        + missedTicks
        + " after "
        + missedAfter
        + "]";
  }

  /**
   * Builds a {@link Schedule}. Setters only refuse null; {@link #build()} checks the values. Not
   * thread-safe.
   */
  public static final class Builder<T> {
    private final String name;
    private final JobType<T> type;
    private final T payload;
    private @Nullable String cron;
    private @Nullable ZoneId zone;
    private @Nullable Duration interval;
    private MissedTicks missedTicks = MissedTicks.RUN_ONCE;
    private Duration missedAfter = DEFAULT_MISSED_AFTER;
    private JobOptions options = JobOptions.ofDefaults();

    private Builder(String name, JobType<T> type, T payload) {
      this.name = Require.nonNull("name", name);
      this.type = Require.nonNull("type", type);
      this.payload = Require.nonNull("payload", payload);
    }

    /**
     * Ticks at the wall-clock times a cron expression matches in {@code zone} (replaces an
     * interval). Needs cron-utils on the class path.
     */
    public Builder<T> cron(String expression, ZoneId zone) {
      this.cron = Require.nonNull("cron", expression);
      this.zone = Require.nonNull("zone", zone);
      this.interval = null;
      return this;
    }

    /**
     * Ticks every {@code interval} (at least 10 ms), at whole multiples of it since the epoch
     * (replaces a cron expression).
     */
    public Builder<T> every(Duration interval) {
      this.interval = Require.nonNull("every", interval);
      this.cron = null;
      this.zone = null;
      return this;
    }

    /** What happens to missed ticks (default {@link MissedTicks#RUN_ONCE}). */
    public Builder<T> missedTicks(MissedTicks policy) {
      this.missedTicks = Require.nonNull("missedTicks", policy);
      return this;
    }

    /**
     * How late a tick may fire before it counts as missed (default 1 min, at least 1 ms): a tick
     * less late still runs, one job per tick.
     */
    public Builder<T> missedAfter(Duration lateness) {
      this.missedAfter = Require.nonNull("missedAfter", lateness);
      return this;
    }

    /**
     * The options of every tick's job (default {@link JobOptions#ofDefaults()}); they must not
     * carry a job id, a delay or a run-at: a tick's job has its own id and runs at its tick.
     */
    public Builder<T> options(JobOptions options) {
      this.options = Require.nonNull("options", options);
      return this;
    }

    /**
     * The schedule.
     *
     * @throws IllegalArgumentException naming the field, the value and the rule of the first bad
     *     value (including a cron expression that does not parse)
     * @throws IllegalStateException for a cron schedule when cron-utils is not on the class path
     */
    public Schedule<T> build() {
      JobType.checkName("schedule name", name);
      Require.that(
          name.length() <= MAX_NAME_LENGTH,
          "schedule name",
          name,
          "have at most " + MAX_NAME_LENGTH + " characters");
      Require.that(
          cron != null || interval != null, "timing", null, "be set: call cron(...) or every(...)");
      Require.that(missedAfter.toMillis() >= 1, "missedAfter", missedAfter, "be at least 1 ms");
      Require.that(
          options.jobId().isEmpty(),
          "options.jobId",
          options.jobId().orElse(null),
          "be absent (a tick's job id is schedule:<name>:<tick>)");
      Require.that(
          options.delay().isZero(),
          "options.delay",
          options.delay(),
          "be zero (ticks run at once)");
      Require.that(
          options.runAt().isEmpty(),
          "options.runAt",
          options.runAt().orElse(null),
          "be absent (ticks run at once)");
      Timing timing =
          cron != null
              ? Timing.cron(cron, Objects.requireNonNull(zone))
              : Timing.every(Objects.requireNonNull(interval));
      return new Schedule<>(this, timing);
    }
  }
}
