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
   * Jobs in {@code state}, one page: {@code WAITING} in the order they will run, {@code DELAYED}
   * and {@code RETRYING} by run-at time, {@code ACTIVE} by lease deadline, {@code COMPLETED} and
   * {@code DEAD} newest first. Delayed and retrying jobs share one set, so listing one of them
   * reads past the other's jobs (a cost that grows with them). A job that changes state meanwhile
   * may be missing from the page.
   *
   * @throws IllegalArgumentException if {@code offset} is negative or {@code limit} below 1
   */
  Page<JobInfo> jobs(JobState state, int offset, int limit);

  /**
   * Cancels a job: a waiting, delayed or retrying job is deleted; a running job is asked to stop
   * (its handler sees {@link Job#cancelRequested()}; on Redis within a third of the lease, at once
   * in the process that runs it). See {@link CancelOutcome}.
   */
  CancelOutcome cancel(String jobId);

  /**
   * Deletes a job that is not running (waiting, delayed, retrying, completed or dead), so it will
   * not run and its id is free again.
   *
   * @return whether it was deleted (false: no such job, or it is running)
   */
  boolean remove(String jobId);

  /**
   * Makes a delayed or retrying job ready now: it goes in line as if it had been enqueued now.
   *
   * @return whether it was delayed or retrying
   */
  boolean promote(String jobId);

  /**
   * Changes the priority of a job that has not started: a waiting job moves to the place the new
   * priority gives it (its ready time and FIFO sequence kept); a delayed or retrying one gets it
   * when it becomes ready.
   *
   * @return whether the job was waiting, delayed or retrying
   * @throws IllegalArgumentException if the priority is outside -1000..1000
   */
  boolean changePriority(String jobId, int priority);

  /**
   * Pauses the queue for every process: once this returns, no worker anywhere claims a job until
   * {@link #resume()} (on Redis the claim script checks a flag key; running jobs finish). Producers
   * can still enqueue. Idempotent.
   */
  void pause();

  /**
   * Resumes a paused queue; idle workers everywhere are woken and claim at once (at the latest
   * after their poll interval). Idempotent.
   */
  void resume();

  /** Whether the queue is paused (by any process). */
  boolean isPaused();

  /**
   * Deletes every waiting, delayed and retrying job (running, completed and dead ones stay), in
   * batches of at most 1000 per call to the store, so Redis is never blocked long; jobs enqueued
   * meanwhile may be deleted too.
   *
   * @return how many were deleted
   */
  long drain();

  /**
   * Deletes everything of the queue: every job in every state, dead letters, completed jobs and
   * events. Refused unless the queue is {@linkplain #pause() paused}, and, unless {@code force},
   * while jobs are running (with force their workers' answers are refused as stale). The queue
   * stays paused. Works in batches like {@link #drain()}.
   *
   * @return how many jobs were deleted
   * @throws IllegalStateException if the queue is not paused, or jobs run and {@code force} is
   *     false
   */
  long obliterate(boolean force);

  /**
   * Subscribes to the events of every job of this queue whatever process ran it (completed, failed,
   * dead, progress, stalled), from now on. See {@link QueueEvents} for the bounds.
   */
  QueueEvents subscribe(QueueEventListener listener);

  /**
   * Subscribes from after event {@code afterId} (a {@link QueueEvent#id()} seen before; {@code "0"}
   * for every event still kept), to resume where a subscriber stopped.
   *
   * @throws IllegalArgumentException if {@code afterId} is not an event id
   */
  QueueEvents subscribe(String afterId, QueueEventListener listener);

  /**
   * The queue's recurring jobs: schedules by cron expression or interval, each tick enqueued
   * exactly once whatever the number of processes.
   */
  JobSchedules schedules();

  /** The dead letters. */
  DeadLetters deadLetters();

  /**
   * Adds a listener for jobs finished by this process's workers ({@link #subscribe} hears every
   * process's).
   */
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
