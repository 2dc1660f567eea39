package dev.headroom.queue;

import java.util.List;
import java.util.Optional;

/**
 * The recurring jobs of one queue ({@link JobQueue#schedules()}): schedules by name, stored with
 * the queue (in memory, or on Redis under the queue's hash tag), so every process of the queue sees
 * the same ones.
 *
 * <p><b>Ticking.</b> A queue instance ticks its queue's schedules once it has upserted one or
 * started a worker pool, until it is closed; any number of processes may tick the same queue. Each
 * tick enqueues exactly one job, whichever process fires it: firing a tick checks that the
 * schedule's next tick is still the one the process computed, enqueues the tick's job and advances
 * the schedule in one atomic step (one Lua script on Redis), so a process that dies at any point
 * leaves the tick either fully fired or for another process. A schedule upserted elsewhere is seen
 * within 5 s. Ticks run on the queue's {@link JobQueueConfig#timeSource() time source} timers and,
 * on Redis, are judged by the server's clock.
 *
 * <p>Thread-safe. Calls on Redis throw {@link QueueUnavailableException} when it is unreachable.
 */
public interface JobSchedules {

  /**
   * Creates the schedule, or replaces the one of that name. A replaced schedule with the same
   * timing (cron expression and zone, or interval) keeps its next and last tick; with another
   * timing it starts again from its first tick after now. Starts ticking in this queue instance.
   *
   * @throws IllegalArgumentException if the schedule has no tick after now
   */
  <T> void upsert(Schedule<T> schedule);

  /**
   * Deletes a schedule by name: it ticks no more (a tick being fired at that moment in another
   * process is fired or not, never half). Jobs already enqueued stay. Answers whether it existed.
   */
  boolean remove(String name);

  /** One schedule with its next and last tick. */
  Optional<ScheduleInfo> get(String name);

  /** Every schedule of the queue with its next and last tick, soonest next tick first. */
  List<ScheduleInfo> list();
}
