package dev.headroom.queue.broker;

import java.util.List;
import java.util.Optional;

/**
 * Storage of one queue's recurring schedules, on the queue's own store: what the schedule ticker
 * asks of a backend. The ticker computes ticks (cron needs a library, so the store never does); the
 * store keeps each schedule's next and last tick and fires a tick atomically with the enqueue of
 * its job, so any number of processes may try and exactly one succeeds. Times are the store's clock
 * ({@link #now()}). Failures to reach the store are thrown as {@link
 * dev.headroom.queue.QueueUnavailableException}. Implementations are thread-safe.
 */
public interface ScheduleStore {

  /** The store's clock in epoch milliseconds (the Redis server's, or the time source's). */
  long now();

  /**
   * Creates or replaces a schedule. When one of that name exists with the same {@link
   * StoredSchedule#timing()}, its next and last tick are kept; otherwise the next tick is {@code
   * firstTick} and there is no last one. Every upsert gives the schedule a new version.
   */
  void upsert(StoredSchedule schedule, long firstTick);

  /** Deletes a schedule; answers whether it existed. Ticks already enqueued stay. */
  boolean remove(String name);

  /** Every schedule with its version, next and last tick, by next tick. */
  List<StoredSchedule> list();

  /** One schedule. */
  Optional<StoredSchedule> get(String name);

  /**
   * Fires due ticks: if the schedule still has {@code version} and its next tick is {@code
   * expectedNext}, stores one job per entry of {@code ticks} (id {@code schedule:<name>:<tick>},
   * ready now, from the schedule's job fields; an id that exists is left alone), sets the last tick
   * to the greatest of {@code ticks} (unchanged if empty) and the next to {@code newNext}, all in
   * one atomic step. Otherwise changes nothing.
   *
   * @return whether it fired (false: another process fired it first, or it was changed or removed)
   */
  boolean fire(String name, long version, long expectedNext, long[] ticks, long newNext);
}
