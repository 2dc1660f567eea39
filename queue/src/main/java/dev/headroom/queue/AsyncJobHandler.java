package dev.headroom.queue;

import java.util.concurrent.CompletionStage;

/**
 * Starts one job and answers a stage that completes when it is done: normal completion completes
 * the job, exceptional completion (or an exception thrown here) fails the attempt like {@link
 * JobHandler}. The worker's slot stays taken until the stage completes.
 *
 * @param <T> the payload type
 */
@FunctionalInterface
public interface AsyncJobHandler<T> {

  /** Starts the job. */
  CompletionStage<?> handle(Job<T> job) throws Exception;
}
