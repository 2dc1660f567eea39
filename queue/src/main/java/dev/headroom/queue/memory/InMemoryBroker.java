package dev.headroom.queue.memory;

import dev.headroom.core.time.TimeSource;
import dev.headroom.queue.DeadLetter;
import dev.headroom.queue.DeadLetterFilter;
import dev.headroom.queue.JobError;
import dev.headroom.queue.JobInfo;
import dev.headroom.queue.JobQueueConfig;
import dev.headroom.queue.JobState;
import dev.headroom.queue.Page;
import dev.headroom.queue.QueueCounts;
import dev.headroom.queue.QueueFullException;
import dev.headroom.queue.broker.Broker;
import dev.headroom.queue.broker.ClaimedJob;
import dev.headroom.queue.broker.Exchange;
import dev.headroom.queue.broker.NewJob;
import dev.headroom.queue.broker.ScheduleStore;
import dev.headroom.queue.broker.Settlement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * The in-process backend: one lock over a map of jobs, a heap of waiting jobs ordered by {@code
 * (readyAt - priority * agingStep, sequence)}, a heap of delayed jobs by run-at time, the active
 * jobs with their lease deadlines, and the completed jobs and dead letters in the order they
 * finished (trimmed by count and age). Idle workers wait on a condition that enqueue signals, one
 * per job, as a {@code PriorityBlockingQueue} does. Use {@link
 * dev.headroom.queue.JobQueues#inMemory} rather than this class. Thread-safe.
 */
public final class InMemoryBroker implements Broker {

  private static final Comparator<Entry> BY_RUN_AT =
      (a, b) -> a.runAt != b.runAt ? Long.compare(a.runAt, b.runAt) : Long.compare(a.seq, b.seq);

  private final String name;
  private final TimeSource time;
  private final long agingStep;
  private final long capacity;
  private final int completedKeep;
  private final long completedAge;
  private final int deadKeep;
  private final long deadAge;

  private final ReentrantLock lock = new ReentrantLock();
  private final Condition workArrived = lock.newCondition();
  private final Map<String, Entry> jobs = new HashMap<>();
  private final PriorityQueue<Entry> waiting = new PriorityQueue<>();
  private final PriorityQueue<Entry> delayed = new PriorityQueue<>(BY_RUN_AT);
  private final Map<String, Entry> active = new HashMap<>();
  private final ArrayDeque<Entry> completed = new ArrayDeque<>();
  private final LinkedHashMap<String, Entry> dead = new LinkedHashMap<>();
  private long seq;
  private long epoch;
  private long unfinished;
  private final DedupeWindow dedupe = new DedupeWindow();
  private @Nullable ScheduleStore schedules;

  private InMemoryBroker(String name, JobQueueConfig options) {
    this.name = name;
    this.time = options.timeSource();
    this.agingStep = options.priorityAging().toMillis();
    this.capacity = options.capacity();
    this.completedKeep = options.completedKeep();
    this.completedAge = options.completedAge().toMillis();
    this.deadKeep = options.deadKeep();
    this.deadAge = options.deadAge().toMillis();
  }

  /** A broker for queue {@code name}. */
  public static InMemoryBroker create(String name, JobQueueConfig options) {
    return new InMemoryBroker(name, options);
  }

  @Override
  public String queueName() {
    return name;
  }

  @Override
  public boolean[] enqueue(List<NewJob> batch) {
    return enqueue(batch, 0);
  }

  @Override
  public boolean[] enqueue(List<NewJob> batch, long dedupeMillis) {
    boolean[] stored = new boolean[batch.size()];
    lock.lock();
    try {
      if (unfinished + batch.size() > capacity) {
        int fresh = 0;
        for (NewJob j : batch) {
          fresh += jobs.containsKey(j.id()) ? 0 : 1;
        }
        if (unfinished + fresh > capacity) {
          throw new QueueFullException(name, capacity, batch.size());
        }
      }
      long now = time.currentTimeMillis();
      int ready = 0;
      for (int i = 0; i < stored.length; i++) {
        NewJob j = batch.get(i);
        if (jobs.containsKey(j.id()) || (dedupeMillis > 0 && dedupe.contains(j.id(), now))) {
          continue;
        }
        if (dedupeMillis > 0) {
          dedupe.remember(j.id(), now, dedupeMillis);
        }
        Entry e = new Entry(j, ++seq, now);
        jobs.put(e.id, e);
        unfinished++;
        stored[i] = true;
        if (j.deferred()) {
          e.runAt = j.runAtMillis() >= 0 ? j.runAtMillis() : now + j.delayMillis();
          e.state = JobState.DELAYED;
          delayed.add(e);
        } else {
          toWaiting(e, now);
          ready++;
        }
      }
      epoch++;
      signal(ready == 0 ? 1 : ready);
      return stored;
    } finally {
      lock.unlock();
    }
  }

  private void signal(int jobs) {
    if (jobs == 1) {
      workArrived.signal();
    } else {
      workArrived.signalAll();
    }
  }

  private void toWaiting(Entry e, long readyAt) {
    e.readyAt = readyAt;
    e.score = readyAt - e.priority * agingStep;
    e.state = JobState.WAITING;
    waiting.add(e);
  }

  @Override
  public Exchange exchange(
      List<Settlement> settlements, int claimMax, String tokenPrefix, long leaseMillis) {
    boolean[] accepted = new boolean[settlements.size()];
    lock.lock();
    try {
      long now = time.currentTimeMillis();
      long before = epoch;
      for (int i = 0; i < accepted.length; i++) {
        accepted[i] = settle(settlements.get(i), now);
      }
      if (claimMax == 0) {
        return new Exchange(accepted, List.of(), -1, before);
      }
      promoteDue(now);
      List<ClaimedJob> claimed = new ArrayList<>(Math.min(claimMax, waiting.size()));
      for (int i = 0; i < claimMax; i++) {
        Entry e = waiting.poll();
        if (e == null) {
          break;
        }
        claimed.add(claim(e, i == 0 ? tokenPrefix : tokenPrefix + i, now, leaseMillis));
      }
      Entry next = delayed.peek();
      long nextDue = claimed.size() < claimMax && next != null ? Math.max(0, next.runAt - now) : -1;
      return new Exchange(
          accepted,
          claimed.size() == 1 ? List.of(claimed.get(0)) : Collections.unmodifiableList(claimed),
          nextDue,
          before);
    } finally {
      lock.unlock();
    }
  }

  private ClaimedJob claim(Entry e, String token, long now, long leaseMillis) {
    boolean first = !e.claimedBefore;
    e.claimedBefore = true;
    e.attempts++;
    e.state = JobState.ACTIVE;
    e.token = token;
    e.leaseDeadline = now + leaseMillis;
    active.put(e.id, e);
    return new ClaimedJob(
        e.id,
        e.type,
        e.payload,
        e.priority,
        e.attempts,
        e.maxAttempts,
        e.enqueuedAt,
        now,
        e.timeoutMillis,
        e.retrySpec,
        token,
        first);
  }

  private void promoteDue(long now) {
    Entry e;
    while ((e = delayed.peek()) != null && e.runAt <= now) {
      delayed.poll();
      toWaiting(e, e.runAt);
    }
  }

  private boolean settle(Settlement s, long now) {
    ClaimedJob c = s.job();
    Entry e = active.get(c.id());
    if (e == null || !c.leaseToken().equals(e.token)) {
      return false;
    }
    active.remove(e.id);
    e.token = null;
    switch (s.kind()) {
      case COMPLETE -> {
        unfinished--;
        complete(e, now);
      }
      case RETRY -> {
        e.lastError = s.error();
        if (s.retryDelayMillis() > 0) {
          e.runAt = now + s.retryDelayMillis();
          e.state = JobState.RETRYING;
          delayed.add(e);
        } else {
          toWaiting(e, now);
          epoch++;
          workArrived.signal();
        }
      }
      case DEAD -> {
        unfinished--;
        bury(
            e,
            s.reason() == null ? DeadLetter.REASON_RETRIES_EXHAUSTED : s.reason(),
            s.error(),
            now);
      }
      case RELEASE -> {
        e.attempts--;
        toWaitingAgain(e);
      }
      default -> throw new AssertionError(s.kind());
    }
    return true;
  }

  /** Back in line at the place it had (same readyAt and sequence). */
  private void toWaitingAgain(Entry e) {
    toWaiting(e, e.readyAt);
    epoch++;
    workArrived.signal();
  }

  private void complete(Entry e, long now) {
    e.finishedAt = now;
    e.state = JobState.COMPLETED;
    if (completedKeep == 0) {
      jobs.remove(e.id);
      return;
    }
    completed.addLast(e);
    while (completed.size() > completedKeep) {
      jobs.remove(completed.pollFirst().id);
    }
  }

  private void bury(Entry e, String reason, @Nullable JobError error, long now) {
    e.finishedAt = now;
    e.state = JobState.DEAD;
    e.reason = reason;
    e.lastError = error;
    dead.put(e.id, e);
    if (dead.size() > deadKeep) {
      Iterator<Entry> it = dead.values().iterator();
      jobs.remove(it.next().id);
      it.remove();
    }
  }

  @Override
  public void awaitWork(Exchange last, long maxMillis) throws InterruptedException {
    lock.lockInterruptibly();
    try {
      if (epoch != last.wakeEpoch()) {
        return;
      }
      long wait = last.nextDueMillis() >= 0 ? Math.min(maxMillis, last.nextDueMillis()) : maxMillis;
      // every signal comes with an epoch change, so a wakeup without one is spurious: wait out the
      // rest
      long remaining = TimeUnit.MILLISECONDS.toNanos(wait);
      while (remaining > 0 && epoch == last.wakeEpoch()) {
        remaining = workArrived.awaitNanos(remaining);
      }
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void wakeAll() {
    lock.lock();
    try {
      epoch++;
      workArrived.signalAll();
    } finally {
      lock.unlock();
    }
  }

  @Override
  public boolean[] renew(List<ClaimedJob> held, long leaseMillis) {
    boolean[] ok = new boolean[held.size()];
    lock.lock();
    try {
      long now = time.currentTimeMillis();
      for (int i = 0; i < ok.length; i++) {
        Entry e = active.get(held.get(i).id());
        if (e != null && held.get(i).leaseToken().equals(e.token)) {
          e.leaseDeadline = now + leaseMillis;
          ok[i] = true;
        }
      }
      return ok;
    } finally {
      lock.unlock();
    }
  }

  @Override
  public int reap(int maxStalls, Consumer<String> buried) {
    List<String> buriedTypes = new ArrayList<>();
    int expired = 0;
    lock.lock();
    try {
      long now = time.currentTimeMillis();
      for (Iterator<Entry> it = active.values().iterator(); it.hasNext(); ) {
        Entry e = it.next();
        if (e.leaseDeadline > now) {
          continue;
        }
        it.remove();
        expired++;
        e.token = null;
        e.stalls++;
        e.attempts--;
        if (e.stalls > maxStalls) {
          unfinished--;
          bury(e, DeadLetter.REASON_STALLED, stalledError(e.stalls), now);
          buriedTypes.add(e.type);
        } else {
          toWaitingAgain(e);
        }
      }
      trimByAge(now);
    } finally {
      lock.unlock();
    }
    buriedTypes.forEach(buried);
    return expired;
  }

  /** The error a stalled dead letter carries, the same on every backend. */
  public static JobError stalledError(int stalls) {
    return new JobError(
        DeadLetter.REASON_STALLED,
        "the job's lease expired "
            + stalls
            + " times (its worker died or lost the store while running it)",
        "");
  }

  private void trimByAge(long now) {
    Entry e;
    while ((e = completed.peekFirst()) != null && e.finishedAt <= now - completedAge) {
      completed.pollFirst();
      jobs.remove(e.id);
    }
    for (Iterator<Entry> it = dead.values().iterator(); it.hasNext(); ) {
      Entry d = it.next();
      if (d.finishedAt > now - deadAge) {
        break;
      }
      it.remove();
      jobs.remove(d.id);
    }
  }

  @Override
  public QueueCounts counts() {
    lock.lock();
    try {
      long now = time.currentTimeMillis();
      Entry head = waiting.peek();
      Duration wait =
          head == null ? Duration.ZERO : Duration.ofMillis(Math.max(0, now - head.readyAt));
      return new QueueCounts(
          waiting.size(), delayed.size(), active.size(), completed.size(), dead.size(), wait);
    } finally {
      lock.unlock();
    }
  }

  @Override
  public Optional<JobInfo> job(String id) {
    lock.lock();
    try {
      Entry e = jobs.get(id);
      return e == null ? Optional.empty() : Optional.of(e.info());
    } finally {
      lock.unlock();
    }
  }

  @Override
  public Page<DeadLetter> deadLetters(DeadLetterFilter filter, int offset, int limit) {
    List<DeadLetter> newestFirst = new ArrayList<>();
    lock.lock();
    try {
      for (Entry e : dead.values()) {
        newestFirst.add(e.deadLetter());
      }
    } finally {
      lock.unlock();
    }
    java.util.Collections.reverse(newestFirst);
    List<DeadLetter> page = new ArrayList<>();
    int matched = 0;
    for (DeadLetter d : newestFirst) {
      if (!filter.matches(d)) {
        continue;
      }
      if (matched++ < offset) {
        continue;
      }
      if (page.size() == limit) {
        return new Page<>(page, offset, true);
      }
      page.add(d);
    }
    return new Page<>(page, offset, false);
  }

  @Override
  public Optional<DeadLetter> deadLetter(String id) {
    lock.lock();
    try {
      Entry e = dead.get(id);
      return e == null ? Optional.empty() : Optional.of(e.deadLetter());
    } finally {
      lock.unlock();
    }
  }

  @Override
  public long replay(List<String> ids, double spacingMillis) {
    lock.lock();
    try {
      long now = time.currentTimeMillis();
      long n = 0;
      for (String id : ids) {
        Entry e = dead.remove(id);
        if (e == null) {
          continue;
        }
        e.attempts = 0;
        e.stalls = 0;
        e.lastError = null;
        e.reason = null;
        e.finishedAt = 0;
        unfinished++;
        long at = now + (long) (n * spacingMillis);
        if (at > now) {
          e.runAt = at;
          e.state = JobState.DELAYED;
          delayed.add(e);
        } else {
          toWaiting(e, now);
        }
        n++;
      }
      epoch++;
      workArrived.signalAll();
      return n;
    } finally {
      lock.unlock();
    }
  }

  @Override
  public long purge(List<String> ids) {
    lock.lock();
    try {
      long n = 0;
      for (String id : ids) {
        if (dead.remove(id) != null) {
          jobs.remove(id);
          n++;
        }
      }
      return n;
    } finally {
      lock.unlock();
    }
  }

  @Override
  public synchronized ScheduleStore scheduleStore() {
    if (schedules == null) {
      schedules = new InMemoryScheduleStore(this, time);
    }
    return schedules;
  }

  @Override
  public void close() {
    wakeAll();
  }

  @Override
  public String toString() {
    return "InMemoryBroker[" + name + "]";
  }

  /** One job and its bookkeeping, ordered by place in line; guarded by the lock. */
  private static final class Entry implements Comparable<Entry> {
    final String id;
    final String type;
    final byte[] payload;
    final int priority;
    final long seq;
    final int maxAttempts;
    final long enqueuedAt;
    final long timeoutMillis;
    final String retrySpec;
    JobState state = JobState.WAITING;
    int attempts;
    int stalls;
    boolean claimedBefore;
    long readyAt;
    long score;
    long runAt;
    long leaseDeadline;
    long finishedAt;
    @Nullable String token;
    @Nullable JobError lastError;
    @Nullable String reason;

    Entry(NewJob j, long seq, long now) {
      this.id = j.id();
      this.type = j.type();
      this.payload = j.payload();
      this.priority = j.priority();
      this.seq = seq;
      this.maxAttempts = j.maxAttempts();
      this.enqueuedAt = now;
      this.timeoutMillis = j.timeoutMillis();
      this.retrySpec = j.retrySpec();
    }

    @Override
    public int compareTo(Entry o) {
      return score != o.score ? Long.compare(score, o.score) : Long.compare(seq, o.seq);
    }

    JobInfo info() {
      boolean later = state == JobState.DELAYED || state == JobState.RETRYING;
      boolean done = state == JobState.COMPLETED || state == JobState.DEAD;
      return new JobInfo(
          id,
          type,
          state,
          priority,
          attempts,
          maxAttempts,
          stalls,
          Instant.ofEpochMilli(enqueuedAt),
          later ? Instant.ofEpochMilli(runAt) : null,
          done ? Instant.ofEpochMilli(finishedAt) : null,
          lastError,
          payload);
    }

    DeadLetter deadLetter() {
      return new DeadLetter(
          info(),
          reason == null ? DeadLetter.REASON_RETRIES_EXHAUSTED : reason,
          lastError == null ? new JobError("unknown", "", "") : lastError,
          Instant.ofEpochMilli(finishedAt));
    }
  }
}
