package dev.headroom.queue;

/**
 * Runs one job on the worker's thread and returns its result, which is stored with the completed
 * job (encoded with the codec given to {@link WorkerBuilder#handle(JobType,
 * dev.headroom.core.codec.Codec, ResultJobHandler)}) and read with {@link JobInfo#result}. A null
 * result stores none. Throwing fails the attempt, as for {@link JobHandler}.
 *
 * @param <T> the payload type
 * @param <R> the result type
 */
@FunctionalInterface
public interface ResultJobHandler<T, R> {

  /** Handles the job and answers its result, or null. */
  R handle(Job<T> job) throws Exception;
}
