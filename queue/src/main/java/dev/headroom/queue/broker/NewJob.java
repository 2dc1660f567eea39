package dev.headroom.queue.broker;

import dev.headroom.queue.JobRateLimit;
import org.jspecify.annotations.Nullable;

/**
 * A job to store.
 *
 * @param id the job id
 * @param type the type's name
 * @param payload the encoded payload
 * @param priority the priority
 * @param delayMillis the delay from the backend's now, when {@code runAtMillis} is negative
 * @param runAtMillis the epoch millisecond it may run at, or -1
 * @param maxAttempts attempts in all
 * @param timeoutMillis how long one attempt may run, 0 for the type's
 * @param retrySpec the job's own backoff ({@link RetrySpec#format}), empty for the type's
 * @param group the job's group, or null for none
 * @param typeRateLimit the rate limit of the job's type, or null for none
 */
// built on the hot path: the payload array is not copied, and NewJob equality is never used
@SuppressWarnings("ArrayRecordComponent")
public record NewJob(
    String id,
    String type,
    byte[] payload,
    int priority,
    long delayMillis,
    long runAtMillis,
    int maxAttempts,
    long timeoutMillis,
    String retrySpec,
    @Nullable String group,
    @Nullable JobRateLimit typeRateLimit) {

  /** A job without a group. */
  public NewJob(
      String id,
      String type,
      byte[] payload,
      int priority,
      long delayMillis,
      long runAtMillis,
      int maxAttempts,
      long timeoutMillis,
      String retrySpec) {
    this(
        id,
        type,
        payload,
        priority,
        delayMillis,
        runAtMillis,
        maxAttempts,
        timeoutMillis,
        retrySpec,
        null,
        null);
  }

  /** Whether the job does not go straight to waiting. */
  public boolean deferred() {
    return runAtMillis >= 0 || delayMillis > 0;
  }
}
