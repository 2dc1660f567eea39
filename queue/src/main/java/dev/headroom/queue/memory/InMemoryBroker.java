package dev.headroom.queue.memory;

import dev.headroom.core.time.TimeSource;
import dev.headroom.queue.CancelOutcome;
import dev.headroom.queue.DeadLetter;
import dev.headroom.queue.DeadLetterFilter;
import dev.headroom.queue.JobError;
import dev.headroom.queue.JobInfo;
import dev.headroom.queue.JobQueueConfig;
import dev.headroom.queue.JobRateLimit;
import dev.headroom.queue.JobState;
import dev.headroom.queue.Page;
import dev.headroom.queue.QueueCounts;
import dev.headroom.queue.QueueEvent;
import dev.headroom.queue.QueueFullException;
import dev.headroom.queue.broker.Broker;
import dev.headroom.queue.broker.ClaimedJob;
import dev.headroom.queue.broker.EventIds;
import dev.headroom.queue.broker.EventReader;
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
import java.util.Objects;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * The in-process backend: one lock over a map of jobs, a line of waiting jobs ordered by {@code
 * (readyAt - priority * agingStep, sequence)}, a heap of delayed jobs by run-at time, the active
 * jobs with their lease deadlines, and the completed jobs and dead letters in the order they
 * finished (trimmed by count and age). Idle workers wait on a condition that enqueue signals, one
 * per job, as a {@code PriorityBlockingQueue} does. A single job is enqueued without the lock: it
 * claims its id in the (concurrent) map and waits in an inbox that the next holder of the lock
 * moves into the lines; the producer takes the lock only to wake an idle worker (see offer). A
 * paused flag stops claims; an event log (a bounded deque with Redis-stream-like ids) feeds
 * subscriptions through a second condition.
 *
 * <p>Groups and the rate limit mirror the Redis scripts. A job with a group waits in its group's
 * own line, not in the plain one; a ring (a deque) holds the groups that have waiting jobs and run
 * fewer than their limit. A claim compares the plain head with the head of the group at the front
 * of the ring, takes the one whose place is first, and a group that was served goes to the back of
 * the ring: groups take turns whatever their backlog. A group leaves the ring at its limit and
 * comes back when one of its jobs stops running (settled, given back or reaped). The rate limit is
 * a log of the start times within the window. Use {@link dev.headroom.queue.JobQueues#inMemory}
 * rather than this class. Thread-safe.
 */
public final class InMemoryBroker implements Broker {

  private static final long NOT_DEFERRED = Long.MIN_VALUE;

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
  private final int eventKeep;
  private final JobQueueConfig options;
  private final int rateJobs;
  private final long rateWindow;

  private final ReentrantLock lock = new ReentrantLock();
  private final Condition workArrived = lock.newCondition();
  private final Condition eventArrived = lock.newCondition();
  private final ArrayDeque<StoredEvent> events = new ArrayDeque<>();
  private long eventMillis;
  private long eventSeq;
  private boolean paused;
  // a concurrent map so that an enqueue of one job can claim its id without the lock
  private final Map<String, Entry> jobs = new ConcurrentHashMap<>();
  // jobs enqueued one by one without the lock, moved to their lines by the next holder of it
  private final ConcurrentLinkedQueue<Entry> inbox = new ConcurrentLinkedQueue<>();
  // workers in awaitWork: an enqueue takes the lock to wake one only when there is one
  private final AtomicInteger idleWorkers = new AtomicInteger();
  private final Line waiting = new Line();
  private final PriorityQueue<Entry> delayed = new PriorityQueue<>(BY_RUN_AT);
  // the running jobs, a list through their entries (found by id through jobs, in state ACTIVE)
  private @Nullable Entry activeFirst;
  private int activeCount;
  private final ArrayDeque<Entry> completed = new ArrayDeque<>();
  private final LinkedHashMap<String, Entry> dead = new LinkedHashMap<>();
  private final AtomicLong seq = new AtomicLong();
  private long epoch;
  // jobs not yet completed or dead, counted without the lock by an enqueue of one job
  private final AtomicLong unfinished = new AtomicLong();
  private final Map<String, Group> groups = new HashMap<>();
  private final ArrayDeque<Group> ring = new ArrayDeque<>();
  private long groupedWaiting;
  private final ArrayDeque<Long> starts = new ArrayDeque<>();
  private final Map<String, TypeLimiter> typeLimiters = new HashMap<>();
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
    this.eventKeep = options.eventRetention();
    this.options = options;
    this.rateJobs = options.rateLimit().map(l -> l.jobs()).orElse(0);
    this.rateWindow = options.rateLimit().map(l -> l.window().toMillis()).orElse(0L);
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
    if (batch.size() == 1 && dedupeMillis == 0) {
      return offer(batch.get(0));
    }
    return enqueueLocked(batch, dedupeMillis);
  }

  private boolean[] enqueueLocked(List<NewJob> batch, long dedupeMillis) {
    boolean[] stored = new boolean[batch.size()];
    lock.lock();
    try {
      drainInbox();
      long reserved = reserve(batch);
      long now = time.currentTimeMillis();
      int ready = 0;
      int fresh = 0;
      for (int i = 0; i < stored.length; i++) {
        NewJob j = batch.get(i);
        if (dedupeMillis > 0 && dedupe.contains(j.id(), now)) {
          continue;
        }
        Entry e = new Entry(j, seq.incrementAndGet(), now);
        if (jobs.putIfAbsent(e.id, e) != null) {
          continue;
        }
        if (dedupeMillis > 0) {
          dedupe.remember(j.id(), now, dedupeMillis);
        }
        fresh++;
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
      unfinished.addAndGet(fresh - reserved);
      epoch++;
      signal(ready == 0 ? 1 : ready);
      return stored;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Counts the batch's new jobs as unfinished before they are stored (the caller gives back the
   * ones that were not), or throws when the queue has no room for them; under the lock.
   */
  private long reserve(List<NewJob> batch) {
    long want = batch.size();
    boolean counted = false;
    while (true) {
      long u = unfinished.get();
      if (u + want > capacity && !counted) {
        int fresh = 0;
        for (NewJob j : batch) {
          fresh += jobs.containsKey(j.id()) ? 0 : 1;
        }
        want = fresh;
        counted = true;
        continue;
      }
      if (u + want > capacity) {
        throw new QueueFullException(name, capacity, batch.size());
      }
      if (unfinished.compareAndSet(u, u + want)) {
        return want;
      }
    }
  }

  /**
   * Enqueues one job without the lock: counts it, claims its id in the map and leaves it in the
   * inbox, which the next holder of the lock empties into the lines (every method that takes the
   * lock does so first). The lock is taken only to wake a worker that waits for work; a worker
   * announces itself before it looks at the inbox and an enqueue looks for one after it added its
   * job, so one of the two sees the other. A full queue takes the locked path, which throws.
   */
  private boolean[] offer(NewJob j) {
    long u;
    do {
      u = unfinished.get();
      if (u + 1 > capacity) {
        return enqueueLocked(List.of(j), 0);
      }
    } while (!unfinished.compareAndSet(u, u + 1));
    long now = time.currentTimeMillis();
    Entry e = new Entry(j, seq.incrementAndGet(), now);
    e.pending = true;
    e.runAt =
        !j.deferred()
            ? NOT_DEFERRED
            : j.runAtMillis() >= 0 ? j.runAtMillis() : now + j.delayMillis();
    if (jobs.putIfAbsent(e.id, e) != null) {
      unfinished.decrementAndGet();
      return new boolean[] {false};
    }
    inbox.offer(e);
    if (idleWorkers.get() > 0) {
      lock.lock();
      try {
        drainInbox();
      } finally {
        lock.unlock();
      }
    }
    return new boolean[] {true};
  }

  /** Moves the jobs of the inbox to their lines and wakes workers for them; under the lock. */
  private void drainInbox() {
    Entry e = inbox.poll();
    if (e == null) {
      return;
    }
    int ready = 0;
    int moved = 0;
    for (; e != null; e = inbox.poll()) {
      if (!e.pending || jobs.get(e.id) != e) {
        continue; // removed (or cancelled) before it got here
      }
      e.pending = false;
      moved++;
      if (e.runAt != NOT_DEFERRED) {
        e.state = JobState.DELAYED;
        delayed.add(e);
      } else {
        toWaiting(e, e.enqueuedAt);
        ready++;
      }
    }
    if (moved > 0) {
      epoch++;
      signal(ready == 0 ? 1 : ready);
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
    if (e.group == null) {
      waiting.add(e);
      return;
    }
    Group g = groups.computeIfAbsent(e.group, n -> new Group(n, options.groupConcurrency(n)));
    g.waiting.add(e);
    groupedWaiting++;
    if (!g.inRing && g.running < g.limit) {
      g.inRing = true;
      ring.addLast(g);
    }
  }

  /** Takes a waiting job out of its line (plain or its group's). */
  private void unwait(Entry e) {
    if (e.group == null) {
      waiting.remove(e);
      return;
    }
    Group g = groups.get(e.group);
    if (g != null && g.waiting.remove(e)) {
      groupedWaiting--;
      if (g.waiting.isEmpty() && g.inRing) {
        g.inRing = false;
        ring.remove(g);
      }
      forgetIfIdle(g);
    }
  }

  /**
   * The next job in line, taken out of it: the plain head or the head of the group whose turn it
   * is.
   */
  private @Nullable Entry nextWaiting() {
    Group g = ring.peekFirst();
    if (g == null) {
      return waiting.poll();
    }
    Entry plain = waiting.peek();
    Entry head = g.waiting.peek();
    if (head == null) {
      throw new IllegalStateException("group " + g.name + " is in turn without waiting jobs");
    }
    if (plain != null && plain.compareTo(head) < 0) {
      return waiting.poll();
    }
    ring.pollFirst();
    g.waiting.poll();
    groupedWaiting--;
    g.running++;
    if (!g.waiting.isEmpty() && g.running < g.limit) {
      ring.addLast(g);
    } else {
      g.inRing = false;
    }
    return head;
  }

  /**
   * A grouped job stopped running: its group may take its turn again. Answers whether it rejoined.
   */
  private boolean released(Entry e) {
    if (e.group == null) {
      return false;
    }
    Group g = groups.get(e.group);
    if (g == null) {
      return false;
    }
    g.running--;
    boolean back = false;
    if (!g.inRing && !g.waiting.isEmpty() && g.running < g.limit) {
      g.inRing = true;
      ring.addLast(g);
      back = true;
    }
    forgetIfIdle(g);
    return back;
  }

  private void forgetIfIdle(Group g) {
    if (g.running <= 0 && g.waiting.isEmpty()) {
      groups.remove(g.name);
    }
  }

  /** Starts the rate limit allows now (claimMax when there is none). */
  private int allowedStarts(int claimMax, long now) {
    if (rateJobs == 0) {
      return claimMax;
    }
    Long t;
    while ((t = starts.peekFirst()) != null && t <= now - rateWindow) {
      starts.pollFirst();
    }
    return Math.max(0, Math.min(claimMax, rateJobs - starts.size()));
  }

  /**
   * Counts a start of {@code e}'s type, or, when the type used up its window, defers {@code e} to
   * delayed at its turn in the type's schedule (each deferral books {@code window / jobs} ms) and
   * answers true.
   */
  private boolean deferredByType(Entry e, JobRateLimit limit, long now) {
    TypeLimiter l = typeLimiters.computeIfAbsent(e.type, t -> new TypeLimiter());
    long window = limit.window().toMillis();
    Long t;
    while ((t = l.starts.peekFirst()) != null && t <= now - window) {
      l.starts.pollFirst();
    }
    if (l.starts.size() < limit.jobs()) {
      l.starts.addLast(now);
      return false;
    }
    long at = Math.max(l.starts.getFirst() + window, l.booked);
    l.booked = at + Math.max(1, window / limit.jobs());
    released(e);
    e.runAt = at;
    e.state = JobState.DELAYED;
    delayed.add(e);
    return true;
  }

  private @Nullable Entry waitingHead() {
    Entry e = waiting.peek();
    if (e == null && !groups.isEmpty()) {
      for (Group g : groups.values()) {
        if (!g.waiting.isEmpty()) {
          return g.waiting.peek();
        }
      }
    }
    return e;
  }

  @Override
  public Exchange exchange(
      List<Settlement> settlements, int claimMax, String tokenPrefix, long leaseMillis) {
    boolean[] accepted = new boolean[settlements.size()];
    lock.lock();
    try {
      drainInbox();
      long now = time.currentTimeMillis();
      long before = epoch;
      for (int i = 0; i < accepted.length; i++) {
        accepted[i] = settle(settlements.get(i), now);
      }
      if (claimMax == 0) {
        return new Exchange(accepted, List.of(), -1, before);
      }
      promoteDue(now);
      if (paused) {
        return new Exchange(accepted, List.of(), -1, before);
      }
      int allowed = allowedStarts(claimMax, now);
      // one claim (a worker slot's exchange) needs no list of its own
      ClaimedJob first = null;
      List<ClaimedJob> more = null;
      int n = 0;
      while (n < allowed) {
        Entry e = nextWaiting();
        if (e == null) {
          break;
        }
        if (e.typeLimit != null && deferredByType(e, e.typeLimit, now)) {
          continue;
        }
        ClaimedJob c = claim(e, n == 0 ? tokenPrefix : tokenPrefix + n, now, leaseMillis);
        if (n == 0) {
          first = c;
        } else {
          if (more == null) {
            more = new ArrayList<>(Math.min(allowed, waiting.size() + 2));
            more.add(Objects.requireNonNull(first));
          }
          more.add(c);
        }
        n++;
        if (rateJobs > 0) {
          starts.addLast(now);
        }
      }
      List<ClaimedJob> claimed =
          more != null
              ? Collections.unmodifiableList(more)
              : first != null ? List.of(first) : List.of();
      Entry next = delayed.peek();
      long nextDue = claimed.size() < claimMax && next != null ? Math.max(0, next.runAt - now) : -1;
      Long oldest = starts.peekFirst();
      if (allowed < claimMax && oldest != null && waitingHead() != null) {
        // rate-limited with work left: the next start is allowed when the oldest leaves the window
        long slot = Math.max(0, oldest + rateWindow - now);
        nextDue = nextDue < 0 ? slot : Math.min(nextDue, slot);
      }
      return new Exchange(accepted, claimed, nextDue, before);
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
    activate(e);
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

  /** Adds a claimed job to the running list. */
  private void activate(Entry e) {
    Entry first = activeFirst;
    e.activePrev = null;
    e.activeNext = first;
    if (first != null) {
      first.activePrev = e;
    }
    activeFirst = e;
    activeCount++;
  }

  /** Takes a job off the running list. */
  private void deactivate(Entry e) {
    Entry prev = e.activePrev;
    Entry next = e.activeNext;
    if (prev == null) {
      activeFirst = next;
    } else {
      prev.activeNext = next;
    }
    if (next != null) {
      next.activePrev = prev;
    }
    e.activePrev = null;
    e.activeNext = null;
    activeCount--;
  }

  /** The running job {@code id}, or null. */
  private @Nullable Entry active(String id) {
    Entry e = jobs.get(id);
    return e != null && e.state == JobState.ACTIVE ? e : null;
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
    Entry e = active(c.id());
    if (e == null || !c.leaseToken().equals(e.token)) {
      return false;
    }
    deactivate(e);
    e.token = null;
    if (released(e)) {
      epoch++;
      workArrived.signal();
    }
    switch (s.kind()) {
      case COMPLETE -> {
        unfinished.decrementAndGet();
        e.result = s.result();
        event(QueueEvent.Kind.COMPLETED, e, now, null, null);
        complete(e, now);
      }
      case RETRY -> {
        e.lastError = s.error();
        if (e.cancelRequested) {
          // cancelled while running: a failure is not retried (the worker may not know yet)
          unfinished.decrementAndGet();
          bury(e, DeadLetter.REASON_CANCELLED, s.error(), now);
          return true;
        }
        event(QueueEvent.Kind.FAILED, e, now, s.error(), null);
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
        unfinished.decrementAndGet();
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
    event(QueueEvent.Kind.DEAD, e, now, error, reason);
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
    // announced before the inbox is looked at (see offer)
    idleWorkers.incrementAndGet();
    try {
      drainInbox();
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
      idleWorkers.decrementAndGet();
      lock.unlock();
    }
  }

  @Override
  public void wakeAll() {
    lock.lock();
    try {
      drainInbox();
      epoch++;
      workArrived.signalAll();
    } finally {
      lock.unlock();
    }
  }

  @Override
  public int[] renew(List<ClaimedJob> held, long leaseMillis) {
    int[] ok = new int[held.size()];
    lock.lock();
    try {
      drainInbox();
      long now = time.currentTimeMillis();
      for (int i = 0; i < ok.length; i++) {
        Entry e = active(held.get(i).id());
        if (e != null && held.get(i).leaseToken().equals(e.token)) {
          e.leaseDeadline = now + leaseMillis;
          ok[i] = e.cancelRequested ? CANCEL_REQUESTED : HELD;
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
      drainInbox();
      long now = time.currentTimeMillis();
      for (Entry e = activeFirst, next; e != null; e = next) {
        next = e.activeNext;
        if (e.leaseDeadline > now) {
          continue;
        }
        deactivate(e);
        expired++;
        e.token = null;
        released(e);
        e.stalls++;
        event(QueueEvent.Kind.STALLED, e, now, null, null);
        e.attempts--;
        if (e.cancelRequested) {
          unfinished.decrementAndGet();
          bury(e, DeadLetter.REASON_CANCELLED, stalledError(e.stalls), now);
        } else if (e.stalls > maxStalls) {
          unfinished.decrementAndGet();
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
      drainInbox();
      long now = time.currentTimeMillis();
      Entry head = waiting.peek();
      long waited = head == null ? 0 : Math.max(0, now - head.readyAt);
      for (Group g : groups.values()) {
        Entry h = g.waiting.peek();
        if (h != null) {
          waited = Math.max(waited, now - h.readyAt);
        }
      }
      Duration wait = Duration.ofMillis(waited);
      return new QueueCounts(
          waiting.size() + groupedWaiting,
          delayed.size(),
          activeCount,
          completed.size(),
          dead.size(),
          wait);
    } finally {
      lock.unlock();
    }
  }

  @Override
  public Optional<JobInfo> job(String id) {
    lock.lock();
    try {
      drainInbox();
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
      drainInbox();
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
      drainInbox();
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
      drainInbox();
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
        e.cancelRequested = false;
        unfinished.incrementAndGet();
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
      drainInbox();
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

  // ---- progress, control and events ----

  @Override
  public int progress(ClaimedJob job, String json) {
    lock.lock();
    try {
      drainInbox();
      Entry e = active(job.id());
      if (e == null || !job.leaseToken().equals(e.token)) {
        return LOST;
      }
      e.progress = json;
      event(QueueEvent.Kind.PROGRESS, e, time.currentTimeMillis(), null, null);
      return e.cancelRequested ? CANCEL_REQUESTED : HELD;
    } finally {
      lock.unlock();
    }
  }

  @Override
  public Page<JobInfo> jobs(JobState state, int offset, int limit) {
    List<Entry> all = new ArrayList<>();
    lock.lock();
    try {
      drainInbox();
      switch (state) {
        case WAITING -> {
          waiting.addTo(all);
          for (Group g : groups.values()) {
            g.waiting.addTo(all);
          }
          all.sort(null);
        }
        case DELAYED, RETRYING -> {
          for (Entry e : delayed) {
            if (e.state == state) {
              all.add(e);
            }
          }
          all.sort(BY_RUN_AT);
        }
        case ACTIVE -> {
          for (Entry e = activeFirst; e != null; e = e.activeNext) {
            all.add(e);
          }
          all.sort(Comparator.comparingLong((Entry e) -> e.leaseDeadline).thenComparing(e -> e.id));
        }
        case COMPLETED -> all.addAll(completed);
        case DEAD -> all.addAll(dead.values());
      }
      if (state == JobState.COMPLETED || state == JobState.DEAD) {
        Collections.reverse(all);
      }
      List<JobInfo> page = new ArrayList<>();
      for (int i = offset; i < all.size() && page.size() < limit; i++) {
        page.add(all.get(i).info());
      }
      return new Page<>(page, offset, (long) offset + limit < all.size());
    } finally {
      lock.unlock();
    }
  }

  @Override
  public CancelOutcome cancel(String id) {
    lock.lock();
    try {
      drainInbox();
      Entry e = jobs.get(id);
      if (e == null) {
        return CancelOutcome.NOT_FOUND;
      }
      return switch (e.state) {
        case ACTIVE -> {
          e.cancelRequested = true;
          yield CancelOutcome.REQUESTED;
        }
        case COMPLETED, DEAD -> CancelOutcome.FINISHED;
        default -> {
          delete(e);
          yield CancelOutcome.REMOVED;
        }
      };
    } finally {
      lock.unlock();
    }
  }

  @Override
  public boolean remove(String id) {
    lock.lock();
    try {
      drainInbox();
      Entry e = jobs.get(id);
      if (e == null || e.state == JobState.ACTIVE) {
        return false;
      }
      delete(e);
      return true;
    } finally {
      lock.unlock();
    }
  }

  /** Deletes a job that is not active, from its set and the map. */
  private void delete(Entry e) {
    switch (e.state) {
      case WAITING -> unwait(e);
      case DELAYED, RETRYING -> delayed.remove(e);
      case COMPLETED -> completed.remove(e);
      case DEAD -> dead.remove(e.id);
      case ACTIVE -> throw new IllegalStateException("job " + e.id + " is running");
    }
    if (e.state != JobState.COMPLETED && e.state != JobState.DEAD) {
      unfinished.decrementAndGet();
    }
    jobs.remove(e.id);
  }

  @Override
  public boolean promote(String id) {
    lock.lock();
    try {
      drainInbox();
      Entry e = jobs.get(id);
      if (e == null || (e.state != JobState.DELAYED && e.state != JobState.RETRYING)) {
        return false;
      }
      delayed.remove(e);
      toWaiting(e, time.currentTimeMillis());
      epoch++;
      workArrived.signal();
      return true;
    } finally {
      lock.unlock();
    }
  }

  @Override
  public boolean changePriority(String id, int priority) {
    lock.lock();
    try {
      drainInbox();
      Entry e = jobs.get(id);
      if (e == null) {
        return false;
      }
      switch (e.state) {
        case WAITING -> {
          if (e.pending) {
            e.priority = priority; // still in the inbox: it takes its place with this priority
          } else {
            unwait(e);
            e.priority = priority;
            toWaiting(e, e.readyAt);
          }
        }
        case DELAYED, RETRYING -> e.priority = priority;
        default -> {
          return false;
        }
      }
      return true;
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void paused(boolean paused) {
    lock.lock();
    try {
      drainInbox();
      this.paused = paused;
      if (!paused) {
        epoch++;
        workArrived.signalAll();
      }
    } finally {
      lock.unlock();
    }
  }

  @Override
  public boolean paused() {
    lock.lock();
    try {
      drainInbox();
      return paused;
    } finally {
      lock.unlock();
    }
  }

  @Override
  public long drain(int batch) {
    lock.lock();
    try {
      drainInbox();
      long n = 0;
      Entry e;
      while (n < batch && ((e = waitingHead()) != null || (e = delayed.peek()) != null)) {
        delete(e);
        n++;
      }
      return n;
    } finally {
      lock.unlock();
    }
  }

  @Override
  public long obliterate(int batch, boolean force) {
    lock.lock();
    try {
      drainInbox();
      if (!paused) {
        return -2;
      }
      if (!force && activeFirst != null) {
        return -1;
      }
      long n = 0;
      for (Entry e = activeFirst, next; e != null && n < batch; e = next, n++) {
        next = e.activeNext;
        deactivate(e);
        released(e);
        unfinished.decrementAndGet();
        jobs.remove(e.id);
      }
      Entry e;
      while (n < batch
          && ((e = waitingHead()) != null
              || (e = delayed.peek()) != null
              || (e = completed.peekFirst()) != null
              || (e = dead.isEmpty() ? null : dead.values().iterator().next()) != null)) {
        delete(e);
        n++;
      }
      if (n < batch) {
        events.clear();
        starts.clear();
        typeLimiters.clear();
      }
      return n;
    } finally {
      lock.unlock();
    }
  }

  /** Appends an event (under the lock): ids are {@code <ms>-<n>}, increasing like a stream's. */
  private void event(
      QueueEvent.Kind kind, Entry e, long now, @Nullable JobError error, @Nullable String reason) {
    if (eventKeep == 0) {
      return;
    }
    if (now > eventMillis) {
      eventMillis = now;
      eventSeq = 0;
    } else {
      eventSeq++;
    }
    JobError brief = error == null ? null : new JobError(error.className(), error.message(), "");
    events.addLast(
        new StoredEvent(
            eventMillis,
            eventSeq,
            kind,
            e.id,
            e.type,
            e.attempts,
            now,
            brief,
            reason,
            kind == QueueEvent.Kind.PROGRESS ? e.progress : null));
    while (events.size() > eventKeep) {
      events.pollFirst();
    }
    eventArrived.signalAll();
  }

  @Override
  public EventReader eventReader() {
    return new EventReader() {
      @Override
      public String latestId() {
        lock.lock();
        try {
          StoredEvent last = events.peekLast();
          return last == null ? "0-0" : last.id();
        } finally {
          lock.unlock();
        }
      }

      @Override
      public List<QueueEvent> read(String afterId, int max, long blockMillis)
          throws InterruptedException {
        long[] after = EventIds.parse(afterId);
        lock.lockInterruptibly();
        try {
          long remaining = TimeUnit.MILLISECONDS.toNanos(blockMillis);
          while (true) {
            List<QueueEvent> out = after(after, max);
            if (!out.isEmpty() || remaining <= 0) {
              return out;
            }
            remaining = eventArrived.awaitNanos(remaining);
          }
        } finally {
          lock.unlock();
        }
      }

      @Override
      public void close() {}
    };
  }

  /** Events after {@code after}, oldest first, at most {@code max} (under the lock). */
  private List<QueueEvent> after(long[] after, int max) {
    ArrayDeque<StoredEvent> newer = new ArrayDeque<>();
    for (Iterator<StoredEvent> it = events.descendingIterator(); it.hasNext(); ) {
      StoredEvent ev = it.next();
      if (ev.millis < after[0] || (ev.millis == after[0] && ev.seq <= after[1])) {
        break;
      }
      newer.addFirst(ev);
    }
    List<QueueEvent> out = new ArrayList<>(Math.min(max, newer.size()));
    for (StoredEvent ev : newer) {
      if (out.size() == max) {
        break;
      }
      out.add(ev.toEvent());
    }
    return out;
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

  /**
   * An event as kept in the log: its id's two numbers rather than the id's text, which is made,
   * with the {@link QueueEvent}, only when a subscriber reads it.
   */
  private record StoredEvent(
      long millis,
      long seq,
      QueueEvent.Kind kind,
      String jobId,
      String type,
      int attempt,
      long at,
      @Nullable JobError error,
      @Nullable String reason,
      @Nullable String progress) {

    String id() {
      return millis + "-" + seq;
    }

    QueueEvent toEvent() {
      return new QueueEvent(
          id(), kind, jobId, type, attempt, Instant.ofEpochMilli(at), error, reason, progress);
    }
  }

  /** A job type's starts within its window and its next booked time; guarded by the lock. */
  private static final class TypeLimiter {
    final ArrayDeque<Long> starts = new ArrayDeque<>();
    long booked;
  }

  /**
   * Waiting jobs in line order. Most jobs join in order (same priority, a later ready time, a
   * higher sequence): they go to the end of a sorted run, a deque, in constant time, and so does a
   * job ahead of the whole run (to its front). Any other job goes to a heap. The head of the line
   * is the first of the two heads. Guarded by the lock.
   */
  private static final class Line {
    private final ArrayDeque<Entry> run = new ArrayDeque<>();
    private final PriorityQueue<Entry> rest = new PriorityQueue<>();

    void add(Entry e) {
      Entry last = run.peekLast();
      if (last == null || last.compareTo(e) < 0) {
        run.addLast(e);
      } else if (e.compareTo(run.getFirst()) < 0) {
        run.addFirst(e);
      } else {
        rest.add(e);
      }
    }

    @Nullable Entry peek() {
      Entry a = run.peekFirst();
      Entry b = rest.peek();
      return a == null || (b != null && b.compareTo(a) < 0) ? b : a;
    }

    @Nullable Entry poll() {
      Entry a = run.peekFirst();
      Entry b = rest.peek();
      return a == null || (b != null && b.compareTo(a) < 0) ? rest.poll() : run.pollFirst();
    }

    /** Takes {@code e} out, wherever it is; answers whether it was here. */
    boolean remove(Entry e) {
      if (run.peekFirst() == e) {
        run.pollFirst();
        return true;
      }
      if (rest.peek() == e) {
        rest.poll();
        return true;
      }
      return rest.remove(e) || run.removeFirstOccurrence(e);
    }

    int size() {
      return run.size() + rest.size();
    }

    boolean isEmpty() {
      return run.isEmpty() && rest.isEmpty();
    }

    /** Adds every job here to {@code out}, in no particular order. */
    void addTo(List<Entry> out) {
      out.addAll(run);
      out.addAll(rest);
    }
  }

  /** A group's waiting jobs and how many of its jobs run; guarded by the lock. */
  private static final class Group {
    final String name;
    final int limit;
    final Line waiting = new Line();
    int running;
    boolean inRing;

    Group(String name, int limit) {
      this.name = name;
      this.limit = limit;
    }
  }

  /** One job and its bookkeeping, ordered by place in line; guarded by the lock. */
  private static final class Entry implements Comparable<Entry> {
    final String id;
    final String type;
    final byte[] payload;
    int priority;
    final long seq;
    final int maxAttempts;
    final long enqueuedAt;
    final long timeoutMillis;
    final String retrySpec;
    final @Nullable String group;
    final @Nullable JobRateLimit typeLimit;
    JobState state = JobState.WAITING;
    // in the inbox, not yet in a line (enqueued without the lock)
    boolean pending;
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
    @Nullable String progress;
    byte @Nullable [] result;
    boolean cancelRequested;
    @Nullable Entry activePrev;
    @Nullable Entry activeNext;

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
      this.group = j.group();
      this.typeLimit = j.typeRateLimit();
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
          payload,
          progress,
          result,
          cancelRequested);
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
