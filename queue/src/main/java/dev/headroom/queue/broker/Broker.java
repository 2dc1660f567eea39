package dev.headroom.queue.broker;

import dev.headroom.queue.CancelOutcome;
import dev.headroom.queue.DeadLetter;
import dev.headroom.queue.DeadLetterFilter;
import dev.headroom.queue.JobInfo;
import dev.headroom.queue.JobState;
import dev.headroom.queue.Page;
import dev.headroom.queue.QueueCounts;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * Storage of one queue: what {@code BrokerJobQueue} (workers, retries, meters) asks of a backend.
 * Every operation is atomic on its own; times are the backend's (the Redis server's clock, or the
 * time source). Failures to reach the store are thrown as {@link
 * dev.headroom.queue.QueueUnavailableException}. Implementations are thread-safe.
 *
 * <p>Ordering rule shared by all backends: a ready job's place in line is {@code readyAt - priority
 * * agingStep} in milliseconds, ties broken by a sequence number given at enqueue (FIFO); {@code
 * readyAt} is when it was enqueued, or when it became due after a delay or retry backoff.
 */
public interface Broker extends AutoCloseable {

  /** {@link #renew} and {@link #progress}: the lease no longer holds. */
  int LOST = 0;

  /** {@link #renew} and {@link #progress}: the lease holds. */
  int HELD = 1;

  /** {@link #renew} and {@link #progress}: the lease holds and the job was cancelled. */
  int CANCEL_REQUESTED = 2;

  /** The queue's name. */
  String queueName();

  /**
   * Stores jobs; a job whose id exists is left alone.
   *
   * @return for each job, whether it was stored (false: the id existed)
   */
  boolean[] enqueue(List<NewJob> jobs);

  /**
   * Stores jobs as {@link #enqueue(List)} does, and with {@code dedupeMillis > 0} also refuses an
   * id stored less than {@code dedupeMillis} ago, even if its job is gone (trimmed by retention):
   * each id stored here is remembered that long.
   *
   * @return for each job, whether it was stored (false: the id existed or was stored within the
   *     window)
   */
  default boolean[] enqueue(List<NewJob> jobs, long dedupeMillis) {
    if (dedupeMillis > 0) {
      throw new UnsupportedOperationException(this + " has no dedupe window");
    }
    return enqueue(jobs);
  }

  /**
   * The store of this queue's recurring schedules, on the same storage, so a tick's job is stored
   * atomically with the schedule's advance.
   *
   * @throws UnsupportedOperationException if the backend has no schedules
   */
  default ScheduleStore scheduleStore() {
    throw new UnsupportedOperationException(this + " has no schedules");
  }

  /**
   * Applies settlements (each only if its lease token still holds), then claims up to {@code
   * claimMax} ready jobs with leases of {@code leaseMillis}, after moving due delayed jobs to
   * waiting. Never blocks beyond one round trip.
   *
   * @param tokenPrefix unique per call; the claims' tokens start with it
   */
  Exchange exchange(
      List<Settlement> settlements, int claimMax, String tokenPrefix, long leaseMillis);

  /**
   * Blocks until work may be there: a job was enqueued or given back since {@code last} was taken,
   * the next delayed job is due, or {@code maxMillis} passed, whichever is first. May return early.
   *
   * @throws InterruptedException if interrupted
   */
  void awaitWork(Exchange last, long maxMillis) throws InterruptedException;

  /** Wakes every thread in {@link #awaitWork} of this process. */
  void wakeAll();

  /**
   * Extends the leases of jobs held by this process.
   *
   * @return for each job {@link #LOST}, {@link #HELD} or {@link #CANCEL_REQUESTED}
   */
  int[] renew(List<ClaimedJob> jobs, long leaseMillis);

  /**
   * Stores a running job's progress (JSON) and writes a progress event, if its lease holds.
   *
   * @return {@link #LOST}, {@link #HELD} or {@link #CANCEL_REQUESTED}
   */
  int progress(ClaimedJob job, String json);

  /**
   * Returns jobs whose lease expired to waiting, counting a stall, or sends those with more than
   * {@code maxStalls} stalls to the dead letters; then applies age retention.
   *
   * @param buried told the type of each job dead-lettered for stalling, once the reap is stored
   * @return how many leases had expired
   */
  int reap(int maxStalls, Consumer<String> buried);

  /** {@link #reap(int, Consumer)}, not told which jobs were dead-lettered. */
  default int reap(int maxStalls) {
    return reap(maxStalls, type -> {});
  }

  /**
   * Tells {@code listener} the id of every job found without its data (a Redis hash evicted or
   * deleted) and dead-lettered as {@link dev.headroom.queue.DeadLetter#REASON_MISSING}; called on
   * the thread that made the call. Backends that cannot lose a job's data never call it.
   */
  default void onMissingJob(Consumer<String> listener) {}

  /**
   * Checks how the store is set up for a queue: adds what it knows to {@code details} (for health)
   * and answers what is wrong, or null. Never blocks; may refresh its knowledge in the background.
   */
  default @Nullable String misconfiguration(Map<String, Object> details) {
    return null;
  }

  /** Jobs by state. */
  QueueCounts counts();

  /** One job. */
  Optional<JobInfo> job(String id);

  /** Jobs in one state; see {@code JobQueue.jobs}. */
  Page<JobInfo> jobs(JobState state, int offset, int limit);

  /** Deletes a waiting, delayed or retrying job, or flags a running one as cancelled. */
  CancelOutcome cancel(String id);

  /** Deletes a job that is not running; answers whether it did. */
  boolean remove(String id);

  /** Moves a delayed or retrying job to waiting, ready now; answers whether it did. */
  boolean promote(String id);

  /** Sets the priority of a waiting (re-placed in line), delayed or retrying job. */
  boolean changePriority(String id, int priority);

  /** Sets or clears the paused flag that every claim checks; clearing it wakes idle workers. */
  void paused(boolean paused);

  /** Whether the paused flag is set. */
  boolean paused();

  /** Deletes up to {@code batch} waiting, delayed or retrying jobs; answers how many. */
  long drain(int batch);

  /**
   * Deletes up to {@code batch} jobs in any state, and once none is left the queue's other keys
   * (the paused flag stays).
   *
   * @return how many jobs were deleted, -1 if jobs run and not {@code force} (nothing deleted), -2
   *     if the queue is not paused (nothing deleted)
   */
  long obliterate(int batch, boolean force);

  /** A reader of the queue's event log, for one subscription; close it when done. */
  EventReader eventReader();

  /** Dead letters matching {@code filter}, newest first. */
  Page<DeadLetter> deadLetters(DeadLetterFilter filter, int offset, int limit);

  /** One dead letter. */
  Optional<DeadLetter> deadLetter(String id);

  /**
   * Moves dead letters back in line (attempts, stalls and error cleared), the i-th (0-based) ready
   * {@code floor(i * spacingMillis)} ms from now.
   *
   * @return how many were dead letters
   */
  long replay(List<String> ids, double spacingMillis);

  /** Deletes dead letters; answers how many were. */
  long purge(List<String> ids);

  /** Releases what the broker holds (not a shared connector). */
  @Override
  void close();
}
