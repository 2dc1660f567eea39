package dev.headroom.queue;

import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Something that happened to a job of a queue, in whatever process, as {@link JobQueue#subscribe}
 * delivers it.
 *
 * @param id the event's position in the queue's event log (a Redis stream id, {@code <ms>-<n>});
 *     pass the last one seen to {@link JobQueue#subscribe(String, QueueEventListener)} to resume
 *     after it
 * @param kind what happened
 * @param jobId the job
 * @param type the job type's name (empty for a job whose data was missing)
 * @param attempt the attempt it concerns (for {@link Kind#STALLED}: the attempt that stalled)
 * @param at when it happened (the store's clock)
 * @param error for {@link Kind#FAILED} and {@link Kind#DEAD}: the error (without stack trace)
 * @param reason for {@link Kind#DEAD}: a {@code DeadLetter.REASON_*}
 * @param progress for {@link Kind#PROGRESS}: the JSON value reported
 */
public record QueueEvent(
    String id,
    Kind kind,
    String jobId,
    String type,
    int attempt,
    Instant at,
    @Nullable JobError error,
    @Nullable String reason,
    @Nullable String progress) {

  /** What happened. */
  public enum Kind {
    /** The job completed (its result, if any, is read with {@link JobQueue#job}). */
    COMPLETED,
    /** An attempt failed and the job will be retried. */
    FAILED,
    /** The job went to the dead letters (after its last attempt, or stalled, or cancelled). */
    DEAD,
    /** The handler reported progress. */
    PROGRESS,
    /** The job's lease expired (its worker died or lost the store): it is back in line. */
    STALLED
  }

  /** Checks for nulls. */
  public QueueEvent {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(jobId, "jobId");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(at, "at");
  }
}
