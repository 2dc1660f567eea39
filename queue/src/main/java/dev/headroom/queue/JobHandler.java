package dev.headroom.queue;

/**
 * Runs one job on the worker's thread. Returning completes the job; throwing fails the attempt,
 * which is retried with backoff unless the exception is non-retryable or attempts are used up. A
 * handler must be safe to run more than once for one job (delivery is at least once).
 *
 * @param <T> the payload type
 */
@FunctionalInterface
public interface JobHandler<T> {

  /** Handles the job. */
  void handle(Job<T> job) throws Exception;
}
