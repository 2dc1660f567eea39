package dev.headroom.queue.broker;

import dev.headroom.queue.JobError;
import org.jspecify.annotations.Nullable;

/**
 * A worker's answer for a claimed job.
 *
 * @param job the job as claimed (its lease token is checked)
 * @param kind what to do
 * @param retryDelayMillis the backoff before the next attempt, for {@link Kind#RETRY}
 * @param error the failure, for {@link Kind#RETRY} and {@link Kind#DEAD}
 * @param reason the dead-letter reason, for {@link Kind#DEAD}
 * @param result the encoded result, for {@link Kind#COMPLETE}, or null (the array is not copied)
 */
@SuppressWarnings("ArrayRecordComponent")
public record Settlement(
    ClaimedJob job,
    Kind kind,
    long retryDelayMillis,
    @Nullable JobError error,
    @Nullable String reason,
    byte @Nullable [] result) {

  /** A settlement without a result. */
  public Settlement(
      ClaimedJob job,
      Kind kind,
      long retryDelayMillis,
      @Nullable JobError error,
      @Nullable String reason) {
    this(job, kind, retryDelayMillis, error, reason, null);
  }

  /** What a settlement does. */
  public enum Kind {
    /** Completed: kept within the completed retention. */
    COMPLETE,
    /** Failed: back to waiting after the retry delay (as retrying while it lasts). */
    RETRY,
    /** Dead-lettered. */
    DEAD,
    /** Given back unfinished (shutdown): to waiting in its old place, the attempt not counted. */
    RELEASE
  }

  /** The job completed. */
  public static Settlement complete(ClaimedJob job) {
    return new Settlement(job, Kind.COMPLETE, 0, null, null, null);
  }

  /** The job completed with a result (encoded), or none if null. */
  public static Settlement complete(ClaimedJob job, byte @Nullable [] result) {
    return new Settlement(job, Kind.COMPLETE, 0, null, null, result);
  }

  /** The job is given back unfinished. */
  public static Settlement release(ClaimedJob job) {
    return new Settlement(job, Kind.RELEASE, 0, null, null);
  }
}
