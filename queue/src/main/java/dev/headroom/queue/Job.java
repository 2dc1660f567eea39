package dev.headroom.queue;

import java.time.Instant;

/**
 * One attempt at a job, as a handler sees it: the decoded payload and where the job stands.
 *
 * @param <T> the payload type
 */
public interface Job<T> {

  /** The job id. */
  String id();

  /** The job type's name. */
  String type();

  /** The decoded payload. */
  T payload();

  /**
   * This attempt's number, 1 for the first; a job handed back at shutdown or after a worker died
   * keeps its count.
   */
  int attempt();

  /** Attempts in all, first try included. */
  int maxAttempts();

  /** The priority it was enqueued with. */
  int priority();

  /** When it was enqueued. */
  Instant enqueuedAt();

  /**
   * Whether this worker has lost the job: its lease expired (the worker could not reach Redis to
   * renew it) or the pool gave it back at shutdown. Another worker may run it; whatever this
   * attempt answers is ignored. A long handler may check it to stop early.
   */
  boolean leaseLost();

  /**
   * Whether the job was {@linkplain JobQueue#cancel cancelled} while it runs. A long handler checks
   * it and stops (throwing, say, {@link java.util.concurrent.CancellationException}): a failed
   * attempt of a cancelled job is dead-lettered with reason {@link DeadLetter#REASON_CANCELLED},
   * not retried. Seen at once in the process that cancels; from another process within a third of
   * the lease (the renewal), or at the next {@link #progress} report.
   */
  default boolean cancelRequested() {
    return false;
  }

  /**
   * Reports progress as a percentage, stored with the job ({@link JobInfo#progress()}) and sent to
   * {@linkplain JobQueue#subscribe subscribers}. One write to the store, on this thread; best
   * effort: when the store cannot be reached the report is dropped (logged at DEBUG), never thrown,
   * and the next one replaces it.
   *
   * @throws IllegalArgumentException if not within 0..100
   */
  default void progress(int percent) {
    if (percent < 0 || percent > 100) {
      throw new IllegalArgumentException("progress percent must be within 0..100, was " + percent);
    }
  }

  /**
   * Reports progress as a small JSON value (a number, a string, a map or a record; at most {@value
   * #MAX_PROGRESS_BYTES} bytes encoded), as {@link #progress(int)} does.
   *
   * @throws IllegalArgumentException if it encodes to more than {@value #MAX_PROGRESS_BYTES} bytes
   * @throws dev.headroom.core.codec.CodecException if it cannot be written as JSON
   */
  default void progress(Object value) {
    java.util.Objects.requireNonNull(value, "progress");
  }

  /** The longest progress value, encoded as JSON, in bytes. */
  int MAX_PROGRESS_BYTES = 4096;
}
