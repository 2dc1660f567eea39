package dev.headroom.queue;

/**
 * Hears about jobs that workers of this process finished, after the outcome is stored. Called on
 * the worker's thread: keep it short and do not throw (a thrown exception is logged and ignored).
 * Each failed attempt gives {@link #onFailed} and then either {@link #onRetrying} or {@link
 * #onDead}.
 */
public interface JobListener {

  /** The job completed. */
  default void onCompleted(JobEvent event) {}

  /** An attempt failed. */
  default void onFailed(JobEvent event) {}

  /** The job will be retried after {@link JobEvent#retryIn()}. */
  default void onRetrying(JobEvent event) {}

  /** The job went to the dead letters. */
  default void onDead(JobEvent event) {}
}
