package dev.headroom.queue;

import dev.headroom.core.health.HealthCheck;
import java.util.List;
import java.util.Optional;

/**
 * A named priority job queue. Producers {@linkplain #enqueue enqueue} typed jobs; a {@linkplain
 * #workers() worker pool} runs them with retries, backoff and dead letters. Create one with {@link
 * JobQueues} or a {@link JobQueueRegistry}. Thread-safe; close it to stop its worker pools and
 * remove its meters.
 *
 * <p>Delivery is at least once: a job runs again if its worker dies (or loses Redis for longer than
 * the lease) before its answer is stored. Order: higher priority first, FIFO within a priority,
 * with {@linkplain JobQueueConfig#priorityAging() aging} so low priorities do not starve.
 */
public interface JobQueue extends HealthCheck, AutoCloseable {

  /**
   * The queue's name: its key in a {@link JobQueueRegistry}, its meters' {@code queue} tag, its
   * Redis hash tag, and the name it reports its health under.
   */
  @Override
  String name();

  /** Enqueues a job with {@link JobOptions#ofDefaults()}. */
  default <T> String enqueue(JobType<T> type, T payload) {
    return enqueue(type, payload, JobOptions.ofDefaults());
  }

  /**
   * Enqueues a job and answers its id once it is stored. With a {@linkplain
   * JobOptions.Builder#jobId job id} that exists already, stores nothing and answers that id.
   *
   * @throws dev.headroom.core.codec.CodecException if the payload cannot be encoded
   * @throws QueueUnavailableException if Redis is unreachable or too slow: the job was not accepted
   * @throws QueueFullException if an in-memory queue is at capacity
   */
  <T> String enqueue(JobType<T> type, T payload, JobOptions options);

  /**
   * Enqueues many jobs of one type with the same options, in few round trips (pipelined batches on
   * Redis), and answers their ids in order. Options must not carry a job id (each job gets its
   * own). On Redis each batch is stored atomically; if an exception is thrown, earlier batches may
   * be stored.
   *
   * @throws IllegalArgumentException if {@code options} has a job id
   */
  <T> List<String> enqueueAll(JobType<T> type, List<? extends T> payloads, JobOptions options);

  /** A builder for a worker pool of this queue. */
  WorkerBuilder workers();

  /**
   * A snapshot of one job, if it exists (completed and dead jobs exist within their retention).
   *
   * @throws dev.headroom.core.key.InvalidKeyException if the id has an unpaired UTF-16 surrogate
   *     (no job can have it)
   */
  Optional<JobInfo> job(String jobId);

  /** Jobs by state. */
  QueueCounts counts();

  /**
   * The queue's recurring jobs: schedules by cron expression or interval, each tick enqueued
   * exactly once whatever the number of processes.
   */
  JobSchedules schedules();

  /** The dead letters. */
  DeadLetters deadLetters();

  /** Adds a listener for jobs finished by this process's workers. */
  void addListener(JobListener listener);

  /** Removes a listener. */
  void removeListener(JobListener listener);

  /**
   * Shuts down this queue's worker pools (each with its default deadline) and releases what the
   * queue holds. The Redis connector is shared, not closed. Idempotent.
   */
  @Override
  void close();
}
