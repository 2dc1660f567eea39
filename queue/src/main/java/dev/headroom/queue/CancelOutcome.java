package dev.headroom.queue;

/** What {@link JobQueue#cancel(String)} did. */
public enum CancelOutcome {
  /** The job was waiting, delayed or retrying: it is deleted and will not run. */
  REMOVED,
  /**
   * The job is running: its handler is asked to stop ({@link Job#cancelRequested()} turns true). If
   * the attempt then fails, the job is dead-lettered with reason {@link
   * DeadLetter#REASON_CANCELLED} instead of retried; if it completes, it is completed.
   */
  REQUESTED,
  /**
   * The job had already completed or died: nothing was changed ({@link JobQueue#remove} deletes
   * it).
   */
  FINISHED,
  /** No job has this id (never enqueued, or dropped by retention). */
  NOT_FOUND
}
