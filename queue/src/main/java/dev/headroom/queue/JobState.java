package dev.headroom.queue;

/** Where a job is in its life. */
public enum JobState {
  /** Ready to run, in line by effective priority. */
  WAITING,
  /** Enqueued with a delay or run-at time that has not come yet. */
  DELAYED,
  /** Claimed by a worker, which holds a lease on it. */
  ACTIVE,
  /** Ran successfully (kept within the completed-job retention). */
  COMPLETED,
  /** Failed and waits for its next attempt after a backoff. */
  RETRYING,
  /** Out of attempts, non-retryable, undeliverable or stalled too often: kept as a dead letter. */
  DEAD
}
