package dev.headroom.queue;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * The tick of a {@link Schedule} that a job was enqueued for. A tick's job has the id {@code
 * schedule:<name>:<tick in epoch ms>}; {@link #of(String)} reads it back, so a handler can tell
 * which schedule and tick it runs for: {@code ScheduledTick.of(job.id())}.
 *
 * @param schedule the schedule's name
 * @param at the tick's time (for a {@link MissedTicks#RUN_ONCE} catch-up, the first missed tick's)
 */
public record ScheduledTick(String schedule, Instant at) {

  /** The prefix of every tick job's id. */
  public static final String ID_PREFIX = "schedule:";

  /** Checks for nulls. */
  public ScheduledTick {
    Objects.requireNonNull(schedule, "schedule");
    Objects.requireNonNull(at, "at");
  }

  /** The tick a job id stands for, if it is a tick job's id ({@code schedule:<name>:<ms>}). */
  public static Optional<ScheduledTick> of(String jobId) {
    Objects.requireNonNull(jobId, "jobId");
    int colon = jobId.lastIndexOf(':');
    if (!jobId.startsWith(ID_PREFIX) || colon <= ID_PREFIX.length()) {
      return Optional.empty();
    }
    try {
      long at = Long.parseLong(jobId.substring(colon + 1));
      return Optional.of(
          new ScheduledTick(jobId.substring(ID_PREFIX.length(), colon), Instant.ofEpochMilli(at)));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  /** The id of this tick's job. */
  public String jobId() {
    return jobId(schedule, at.toEpochMilli());
  }

  static String jobId(String schedule, long tickMillis) {
    return ID_PREFIX + schedule + ":" + tickMillis;
  }
}
