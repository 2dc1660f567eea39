package dev.headroom.queue;

import java.util.Optional;

/**
 * The dead letters of one queue: list, inspect, replay and purge. Retention (count and age, see
 * {@link JobQueueConfig.Builder#deadRetention}) is applied automatically. Filtered listings read
 * the dead letters newest first and filter as they go, so their cost grows with the number of dead
 * letters (bounded by the retention). Thread-safe.
 */
public interface DeadLetters {

  /** How many dead letters there are. */
  long count();

  /** Dead letters matching {@code filter}, newest first, {@code limit} from {@code offset} on. */
  Page<DeadLetter> list(DeadLetterFilter filter, int offset, int limit);

  /** One dead letter. */
  Optional<DeadLetter> get(String jobId);

  /**
   * Puts one dead letter back in line with its attempts and stalls reset; it keeps its id, type,
   * payload and priority.
   *
   * @return whether it was a dead letter
   */
  boolean replay(String jobId);

  /** Replays every dead letter matching {@code filter} at once; answers how many. */
  default long replay(DeadLetterFilter filter) {
    return replay(filter, 0);
  }

  /**
   * Replays every dead letter matching {@code filter}, spread at most {@code perSecond} per second
   * (0 for no limit): the first is ready at once, the next {@code 1/perSecond} later, and so on, so
   * replaying thousands does not swamp the workers or what they call. The spacing is stored with
   * the jobs (they are delayed), so it holds across workers and restarts.
   *
   * @return how many were replayed
   * @throws IllegalArgumentException if {@code perSecond} is negative
   */
  long replay(DeadLetterFilter filter, double perSecond);

  /** Replays every dead letter at most {@code perSecond} per second (0 for no limit). */
  default long replayAll(double perSecond) {
    return replay(DeadLetterFilter.all(), perSecond);
  }

  /** Deletes one dead letter; answers whether it was one. */
  boolean purge(String jobId);

  /** Deletes every dead letter matching {@code filter}; answers how many. */
  long purge(DeadLetterFilter filter);
}
