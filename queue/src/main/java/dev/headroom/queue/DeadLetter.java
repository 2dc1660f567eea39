package dev.headroom.queue;

import java.time.Instant;
import java.util.Objects;

/**
 * A job that will not run again unless replayed: the job (its payload, attempts, timestamps), why
 * it died, the last error, and when.
 *
 * @param job the job
 * @param reason one of the {@code REASON_*} constants
 * @param error the last error
 * @param diedAt when it was dead-lettered
 */
public record DeadLetter(JobInfo job, String reason, JobError error, Instant diedAt) {

  /** Attempts used up. */
  public static final String REASON_RETRIES_EXHAUSTED = "retries-exhausted";

  /** The handler threw a non-retryable exception. */
  public static final String REASON_NON_RETRYABLE = "non-retryable";

  /**
   * The job's worker died (its lease expired) more often than {@link JobQueueConfig#maxStalls()}.
   */
  public static final String REASON_STALLED = "stalled";

  /** No handler for the job's type at the worker that claimed it. */
  public static final String REASON_UNKNOWN_TYPE = "unknown-type";

  /** The payload could not be decoded with the handler's codec. */
  public static final String REASON_UNDECODABLE = "undecodable-payload";

  /**
   * The job's data was missing from the store when it was next touched (its Redis hash was evicted
   * or deleted): its id is all that is left, so the dead letter has no type or payload and cannot
   * be replayed.
   */
  public static final String REASON_MISSING = "missing";

  /** The job was {@linkplain JobQueue#cancel cancelled} while running and its attempt failed. */
  public static final String REASON_CANCELLED = "cancelled";

  /** Checks for nulls. */
  public DeadLetter {
    Objects.requireNonNull(job, "job");
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(error, "error");
    Objects.requireNonNull(diedAt, "diedAt");
  }
}
