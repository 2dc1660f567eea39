package dev.headroom.queue.memory;

import dev.headroom.core.time.TimeSource;
import dev.headroom.queue.ScheduledTick;
import dev.headroom.queue.broker.NewJob;
import dev.headroom.queue.broker.ScheduleStore;
import dev.headroom.queue.broker.StoredSchedule;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The in-process schedule store: a map of schedules under one lock, firing into its {@link
 * InMemoryBroker}. The lock is held across a fire's enqueue, so a fire is atomic for every thread
 * of the process (the only ones that share an in-memory queue). Thread-safe.
 */
final class InMemoryScheduleStore implements ScheduleStore {

  private final InMemoryBroker broker;
  private final TimeSource time;
  private final Map<String, StoredSchedule> schedules = new HashMap<>();
  private long versions;

  InMemoryScheduleStore(InMemoryBroker broker, TimeSource time) {
    this.broker = broker;
    this.time = time;
  }

  @Override
  public long now() {
    return time.currentTimeMillis();
  }

  @Override
  public synchronized void upsert(StoredSchedule s, long firstTick) {
    StoredSchedule old = schedules.get(s.name());
    long version = ++versions;
    if (old != null && old.timing().equals(s.timing())) {
      schedules.put(s.name(), with(s, version, old.next(), old.last()));
    } else {
      schedules.put(s.name(), with(s, version, firstTick, -1));
    }
  }

  private static StoredSchedule with(StoredSchedule s, long version, long next, long last) {
    return new StoredSchedule(
        s.name(),
        s.timing(),
        s.missed(),
        s.type(),
        s.payload(),
        s.priority(),
        s.maxAttempts(),
        s.timeoutMillis(),
        s.retrySpec(),
        version,
        next,
        last);
  }

  @Override
  public synchronized boolean remove(String name) {
    return schedules.remove(name) != null;
  }

  @Override
  public synchronized List<StoredSchedule> list() {
    List<StoredSchedule> all = new ArrayList<>(schedules.values());
    all.sort(Comparator.comparingLong(StoredSchedule::next).thenComparing(StoredSchedule::name));
    return all;
  }

  @Override
  public synchronized Optional<StoredSchedule> get(String name) {
    return Optional.ofNullable(schedules.get(name));
  }

  @Override
  public synchronized boolean fire(
      String name, long version, long expectedNext, long[] ticks, long newNext) {
    StoredSchedule s = schedules.get(name);
    if (s == null || s.version() != version || s.next() != expectedNext) {
      return false;
    }
    long last = s.last();
    if (ticks.length > 0) {
      List<NewJob> jobs = new ArrayList<>(ticks.length);
      for (long tick : ticks) {
        jobs.add(
            new NewJob(
                ScheduledTick.ID_PREFIX + name + ":" + tick,
                s.type(),
                s.payload(),
                s.priority(),
                0,
                -1,
                s.maxAttempts(),
                s.timeoutMillis(),
                s.retrySpec()));
        last = Math.max(last, tick);
      }
      broker.enqueue(jobs); // a full queue throws: the schedule is not advanced, the tick retried
    }
    schedules.put(name, with(s, version, newNext, last));
    return true;
  }
}
