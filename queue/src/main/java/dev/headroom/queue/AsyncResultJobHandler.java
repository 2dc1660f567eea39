package dev.headroom.queue;

import java.util.concurrent.CompletionStage;

/**
 * Starts one job and answers a stage whose value is the job's result, stored with the completed job
 * (encoded on the worker's thread with the codec given to {@link WorkerBuilder#handleAsync(JobType,
 * dev.headroom.core.codec.Codec, AsyncResultJobHandler)}); a null value stores none. Failing the
 * stage fails the attempt, as for {@link AsyncJobHandler}.
 *
 * @param <T> the payload type
 * @param <R> the result type
 */
@FunctionalInterface
public interface AsyncResultJobHandler<T, R> {

  /** Starts the job. */
  CompletionStage<R> handle(Job<T> job) throws Exception;
}
