package dev.headroom.batch;

import dev.headroom.core.backoff.Backoff;
import dev.headroom.core.concurrent.Failures;
import dev.headroom.core.health.Health;
import dev.headroom.core.health.HealthStatus;
import dev.headroom.core.time.TimeSource;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/*
 * Design: the lock protocol. This class owns the protocol and the window's life; the dedupe index
 * of a window is a KeyWindow and each of the two timers a CoalescedTimer (see those classes).
 *
 * One lock guards the little state that changes per key: the open window (keys in first-request
 * order, each with the futures of its callers), the queue of sealed batches waiting for an
 * in-flight slot, the number of loader calls in flight, the list of calls in flight (for their
 * timeouts), the two timers and the closed flag. The lock is held only to add a key, seal a window,
 * move batches between the queue and "in flight" or arm and cancel a timer; it is never held while
 * calling the loader or an executor, running a timer's work, or completing a future, because
 * completing a future runs the callers' callbacks, and those may load again (chained loads).
 *
 * A window (KeyWindow) keeps its keys, their hash codes and their futures in arrays, with a small
 * open-addressing index for dedupe, sized from the previous window, whose hash and index arrays it
 * reuses. Sealing hands those arrays to
 * the batch as they are (the loader sees an unmodifiable view), so nothing is copied per key. Each key's slot is the
 * future of its one caller, or a Callers list when several callers share the key: every caller has
 * a future of its own, completed directly, so cancelling one leaves the others and no extra stage
 * is chained per key. With the result cache on, the slot is the shared future the cache holds and
 * callers get their own copy of it.
 *
 * Timers are coalesced (CoalescedTimer): a batcher arms at most one linger timer and one
 * loader-timeout timer, not one per window and one per loader call. Scheduling a timer is the
 * expensive part of a small window (it wakes the timer thread, which then competes for the CPU),
 * and every window and every call has the same duration, so deadlines come in order and one timer
 * can serve them all.
 * Deadlines are read on the configured TimeSource, the one its timers are scheduled on.
 *  - Linger: a window that opens while the timer is armed for a deadline not later than its own
 *    schedules nothing. When the timer fires it seals the open window if that window's linger has
 *    passed, else re-arms for that window's deadline. A window sealed by size, dispatch() or close()
 *    needs no cancel: a timer that finds no open window does nothing. Only a window that opened
 *    alone (no other window opened within one linger before it) cancels the timer when sealed, so a
 *    batcher that is not busy holds no timer.
 *  - Loader timeout: a call's deadline starts when it is launched (handed to the executor), not
 *    when an executor thread runs it, so busy or blocked executor threads cannot make callers wait
 *    past it; a call that timed out before it ran never calls the loader.
 *    Calls in flight form a list in launch order, hence in deadline order; the timer
 *    is armed for the oldest call's deadline. When it fires it takes every expired call off the list,
 *    fails (or retries) each one that has not answered, and re-arms for the new oldest. A call that
 *    answers unlinks itself; when the list empties, the timer is cancelled if that call started
 *    alone (no other call within one timeout before it), else left armed for the calls to come.
 * A timer left armed while nothing waits on it holds the batcher only weakly, so a batcher dropped
 * by its user can be collected before that timer fires; while a window is open or a call is in
 * flight it holds the batcher strongly, so keys are never stranded.
 *
 * A window is sealed when it reaches maxBatchSize (by the thread that added the last key), when
 * its linger has passed, on dispatch() and on close(). Sealed batches run in order as in-flight
 * slots free up; the loader is always called on the executor.
 *
 * Room for pending keys is maxPendingKeys: one per distinct key, taken when the key enters a window,
 * given back before the key's futures are completed (so a callback that loads again finds the room
 * it just freed). Joining a key already in the window or in the cache takes none. Room is two
 * counters, so that a key costs no atomic operation of its own: keys taken, a plain field under the
 * lock (a key enters a window under the lock anyway), and keys given back, an atomic counter raised
 * once per answered batch (once per key only when the loader failed some keys). Pending keys are
 * their difference. A caller waiting for room (Overflow.BLOCK) waits on the lock's monitor, which
 * it releases while waiting; giving back room wakes the waiters, if any.
 *
 * Every loader call (first try or retry) is a Call whose answer is taken exactly once: the loader's
 * completion and the timeout timer race for `finished`, and the loser does nothing. The winner
 * frees the in-flight slot first, then answers each key: a value, absent, or a failure. Failed keys
 * (the whole call, or per key) go back to the queue as one smaller batch after the backoff's delay
 * while attempts remain and retryOn accepts the error; otherwise they fail. So each future is
 * completed once, by the one Call that last held its key.
 */
final class WindowBatcher<K, V, R> implements Batcher<K, R> {

  private static final Logger log = LoggerFactory.getLogger(WindowBatcher.class);

  private final String name;
  private final BatcherConfig config;
  private final BatchLoader<K, V> loader;
  private final Function<? super V, ? extends R> present;
  private final @Nullable R absent;
  private final TimeSource time;
  private final Executor executor;
  private final BatchMetrics metrics;
  private final int maxBatchSize;
  private final int maxInFlight;
  private final long lingerNanos;
  private final long timeoutNanos;
  private final @Nullable Backoff retry;
  private final int maxPendingKeys;

  /** Keys that took room, ever; guarded by lock. */
  private long taken;

  /** Keys that gave their room back, ever. */
  private final AtomicLong given = new AtomicLong();

  /** Callers waiting for room; written under lock. */
  private volatile int waiting;

  private final @Nullable ConcurrentHashMap<K, CompletableFuture<R>> cache;

  private final Object lock = new Object();
  private @Nullable KeyWindow window;

  /** The last sealed window, released: the next window reuses its index. */
  private @Nullable KeyWindow spare;

  /**
   * The open window's linger deadline, and whether it opened alone (no other within one linger).
   */
  private long windowDeadline;

  private boolean windowAlone;
  private long windowOpenedNanos;
  private final ArrayDeque<Batch> queued = new ArrayDeque<>();
  private int inFlight;
  private boolean closed;

  /** The size of the last sealed window: the next window starts with room for as many keys. */
  private int lastWindowSize = KeyWindow.MIN_CAPACITY;

  private boolean anyWindow;
  private long lastWindowOpened;
  private final CoalescedTimer lingerTimer;

  /** Calls in flight with a timeout, oldest first (so earliest deadline first). */
  private @Nullable Call oldest;

  private @Nullable Call newest;
  private boolean anyCall;
  private long lastCallStarted;
  private final CoalescedTimer timeoutTimer;

  /**
   * A batcher whose present keys answer {@code present.apply(value)} and absent keys {@code
   * absent}, or fail with {@link MissingValueException} when {@code absent} is null.
   *
   * @throws IllegalStateException if the config's meter registry already holds a live batcher named
   *     {@code name}
   */
  WindowBatcher(
      String name,
      BatchLoader<K, V> loader,
      BatcherConfig config,
      Function<? super V, ? extends R> present,
      @Nullable R absent) {
    this.name = name;
    this.config = config;
    this.loader = loader;
    this.present = present;
    this.absent = absent;
    this.time = config.timeSource();
    this.executor = config.executor();
    this.lingerTimer = new CoalescedTimer(time, this::lingerFired);
    this.timeoutTimer = new CoalescedTimer(time, this::timeoutFired);
    this.maxBatchSize = config.maxBatchSize();
    this.maxInFlight = config.maxInFlight();
    this.lingerNanos = config.maxLinger().map(d -> d.toNanos()).orElse(-1L);
    this.timeoutNanos = config.loaderTimeout().map(d -> d.toNanos()).orElse(-1L);
    this.retry = config.retry().orElse(null);
    this.maxPendingKeys = config.maxPendingKeys();
    this.cache = config.cacheResults() ? new ConcurrentHashMap<>() : null;
    this.metrics = BatchMetrics.create(config.meterRegistry().orElse(null), this);
  }

  @Override
  public CompletableFuture<R> load(K key) {
    if (key == null) {
      throw new NullPointerException("batcher '" + name + "': key must not be null");
    }
    return loadOwned(key);
  }

  /**
   * A future of the caller's own that follows {@code shared}, failing with the same exception (not
   * wrapped, unlike {@link CompletableFuture#copy()}).
   */
  private static <T> CompletableFuture<T> own(CompletableFuture<T> shared) {
    CompletableFuture<T> mine = new CompletableFuture<>();
    // The stage whenComplete returns only mirrors shared: the outcome goes to mine.
    var unused =
        shared.whenComplete(
            (value, error) -> {
              if (error == null) {
                mine.complete(value);
              } else {
                mine.completeExceptionally(Failures.unwrap(error));
              }
            });
    return mine;
  }

  @Override
  public CompletableFuture<List<R>> loadMany(Collection<? extends K> keys) {
    for (K key : keys) {
      if (key == null) {
        throw new NullPointerException("batcher '" + name + "': keys must not contain null");
      }
    }
    // Each distinct key is loaded once, even if the window fills between its duplicates.
    Map<K, CompletableFuture<R>> distinct = new HashMap<>();
    List<CompletableFuture<R>> futures = new ArrayList<>(keys.size());
    for (K key : keys) {
      CompletableFuture<R> f = distinct.get(key);
      if (f == null) {
        f = loadOwned(key);
        distinct.put(key, f);
      }
      futures.add(f);
    }
    CompletableFuture<List<R>> all = new CompletableFuture<>();
    // The stage whenComplete returns carries nothing: the outcome goes to all.
    var unused =
        CompletableFuture.allOf(futures.toArray(new CompletableFuture<?>[0]))
            .whenComplete(
                (done, anyError) -> {
                  List<R> results = new ArrayList<>(futures.size());
                  for (CompletableFuture<R> f : futures) {
                    if (f.isCompletedExceptionally()) {
                      all.completeExceptionally(Failures.unwrap(f.handle((value, e) -> e).join()));
                      return;
                    }
                    results.add(f.join());
                  }
                  all.complete(results);
                });
    return all;
  }

  /** A future of the caller's own for {@code key}: joined to the window or cache, or a new key. */
  private CompletableFuture<R> loadOwned(K key) {
    if (cache != null) {
      CompletableFuture<R> hit = cache.get(key);
      if (hit != null) {
        return own(hit);
      }
    }
    int hash = key.hashCode();
    List<Batch> launch;
    CompletableFuture<R> future;
    synchronized (lock) {
      CompletableFuture<R> joined = joinLocked(key, hash);
      if (joined != null) {
        return joined;
      }
      if (taken - given.get() >= maxPendingKeys) {
        future = null;
        launch = null;
      } else {
        taken++;
        future = addLocked(key, hash);
        // Only a key that sealed the window can have queued a batch that may start now.
        launch = window == null ? takeLaunchableLocked() : null;
      }
    }
    if (future == null) {
      return overflow(key, hash);
    }
    launch(launch);
    return future;
  }

  /** The batcher is full: apply the overflow policy. */
  private CompletableFuture<R> overflow(K key, int hash) {
    Overflow policy = config.overflow();
    if (policy.kind() == Overflow.Kind.BLOCK) {
      try {
        CompletableFuture<R> added = addAfterWait(key, hash, policy.timeout().toNanos());
        if (added != null) {
          return added;
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        metrics.rejected();
        return CompletableFuture.failedFuture(full("interrupted while waiting for room"));
      }
    }
    metrics.rejected();
    BatcherFullException e =
        full(
            policy.kind() == Overflow.Kind.BLOCK
                ? "no room within " + policy.timeout()
                : "refused at once (overflow " + policy + ")");
    if (policy.kind() == Overflow.Kind.FAIL_FAST) {
      throw e;
    }
    return CompletableFuture.failedFuture(e);
  }

  private BatcherFullException full(String what) {
    return new BatcherFullException(
        name, config.maxPendingKeys() + " keys are pending, the maximum; " + what);
  }

  /**
   * Waits up to {@code timeoutNanos} for room, then joins or adds {@code key}; null if no room came
   * in time.
   */
  private @Nullable CompletableFuture<R> addAfterWait(K key, int hash, long timeoutNanos)
      throws InterruptedException {
    List<Batch> launch;
    CompletableFuture<R> future;
    synchronized (lock) {
      long deadline = System.nanoTime() + timeoutNanos;
      waiting++;
      try {
        while (taken - given.get() >= maxPendingKeys) {
          long left = deadline - System.nanoTime();
          if (left <= 0) {
            return null;
          }
          TimeUnit.NANOSECONDS.timedWait(lock, left);
        }
      } finally {
        waiting--;
      }
      CompletableFuture<R> joined = joinLocked(key, hash);
      if (joined != null) {
        return joined;
      }
      taken++;
      future = addLocked(key, hash);
      launch = takeLaunchableLocked();
    }
    launch(launch);
    return future;
  }

  /** A future for a caller of {@code key} if the key is cached or in the open window, else null. */
  private @Nullable CompletableFuture<R> joinLocked(K key, int hash) {
    if (closed) {
      throw new IllegalStateException("batcher '" + name + "' is closed");
    }
    if (cache != null) {
      CompletableFuture<R> hit = cache.get(key);
      if (hit != null) {
        return own(hit);
      }
    }
    KeyWindow w = window;
    if (w == null) {
      return null;
    }
    int i = w.indexOf(key, hash);
    if (i < 0) {
      return null;
    }
    Object slot = w.slot(i);
    if (cache != null) {
      // The slot is the shared future (a clear(key) took it out of the cache meanwhile).
      return own(shared(slot));
    }
    CompletableFuture<R> mine = new CompletableFuture<>();
    if (slot instanceof Callers callers) {
      callers.futures.add(mine);
    } else {
      Callers callers = new Callers();
      callers.futures.add((CompletableFuture<?>) slot);
      callers.futures.add(mine);
      w.slot(i, callers);
    }
    return mine;
  }

  @SuppressWarnings("unchecked")
  private CompletableFuture<R> shared(Object slot) {
    return (CompletableFuture<R>) slot;
  }

  /** Adds a new key (room already taken) to the open window, opening or sealing it as needed. */
  private CompletableFuture<R> addLocked(K key, int hash) {
    KeyWindow w = window;
    if (w == null) {
      w = openLocked();
    }
    CompletableFuture<R> future = new CompletableFuture<>();
    if (cache != null) {
      cache.put(key, future);
    }
    w.add(key, hash, future, maxBatchSize);
    if (w.size() >= maxBatchSize) {
      sealLocked();
    }
    return cache != null ? own(future) : future;
  }

  private KeyWindow openLocked() {
    int capacity = Math.min(maxBatchSize, Math.max(KeyWindow.MIN_CAPACITY, lastWindowSize));
    KeyWindow w = spare;
    if (w == null) {
      w = new KeyWindow(capacity);
    } else {
      spare = null;
      w.reopen(capacity);
    }
    window = w;
    windowAlone = false;
    if (lingerNanos >= 0) {
      long now = time.nanoTime();
      windowDeadline = now + lingerNanos;
      windowAlone = !anyWindow || now - lastWindowOpened > lingerNanos;
      anyWindow = true;
      lastWindowOpened = now;
      lingerTimer.arm(windowDeadline, now);
      windowOpenedNanos = now;
    } else if (metrics.enabled()) {
      windowOpenedNanos = time.nanoTime();
    }
    return w;
  }

  @Override
  public int dispatch() {
    List<Batch> launch;
    int keys;
    synchronized (lock) {
      keys = sealLocked();
      launch = takeLaunchableLocked();
    }
    launch(launch);
    return keys;
  }

  /** Moves the open window, if any, to the queue; answers its size. */
  private int sealLocked() {
    KeyWindow w = window;
    if (w == null) {
      return 0;
    }
    window = null;
    if (windowAlone) {
      lingerTimer.cancel();
    } else {
      lingerTimer.idle();
    }
    int size = w.size();
    lastWindowSize = size;
    metrics.dispatched(size, metrics.enabled() ? time.nanoTime() - windowOpenedNanos : 0L);
    queued.add(new Batch(w.keys(), w.slots(), size, 1, 0L));
    w.release();
    spare = w;
    return size;
  }

  /** Takes the queued batches that may start now, counting them in flight; null if none. */
  private @Nullable List<Batch> takeLaunchableLocked() {
    if (queued.isEmpty() || inFlight >= maxInFlight) {
      return null;
    }
    List<Batch> launch = new ArrayList<>(Math.min(queued.size(), 4));
    while (inFlight < maxInFlight && !queued.isEmpty()) {
      inFlight++;
      launch.add(queued.poll());
    }
    return launch;
  }

  private void launch(@Nullable List<Batch> batches) {
    if (batches == null) {
      return;
    }
    for (Batch batch : batches) {
      Call call = new Call(batch);
      call.startDeadline();
      try {
        executor.execute(call);
      } catch (RejectedExecutionException e) {
        call.answer(null, e);
      }
    }
  }

  /** Gives back the room of {@code keys} keys, waking callers that wait for room. */
  private void give(int keys) {
    given.addAndGet(keys);
    if (waiting > 0) {
      synchronized (lock) {
        lock.notifyAll();
      }
    }
  }

  /** A call has its answer (or timed out): free its slot and take it off the timeout list. */
  private void finished(Call call) {
    List<Batch> launch;
    synchronized (lock) {
      inFlight--;
      if (call.linked) {
        unlinkLocked(call);
        if (oldest == null) {
          if (call.alone) {
            timeoutTimer.cancel();
          } else {
            timeoutTimer.idle();
          }
        }
      }
      launch = takeLaunchableLocked();
    }
    launch(launch);
  }

  private void requeue(Batch batch) {
    List<Batch> launch;
    synchronized (lock) {
      queued.add(batch);
      launch = takeLaunchableLocked();
    }
    launch(launch);
  }

  private void appendLocked(Call call) {
    call.linked = true;
    call.prev = newest;
    if (newest == null) {
      oldest = call;
    } else {
      newest.next = call;
    }
    newest = call;
  }

  private void unlinkLocked(Call call) {
    Call prev = call.prev;
    Call next = call.next;
    if (prev == null) {
      oldest = next;
    } else {
      prev.next = next;
    }
    if (next == null) {
      newest = prev;
    } else {
      next.prev = prev;
    }
    call.prev = null;
    call.next = null;
    call.linked = false;
  }

  /**
   * The linger timer fired: seals the open window once its linger has passed; else waits for its
   * deadline.
   */
  private void lingerFired(CoalescedTimer.Task task) {
    List<Batch> launch;
    synchronized (lock) {
      if (!lingerTimer.claim(task)) {
        return;
      }
      if (window == null) {
        return;
      }
      long now = lingerTimer.nowAtLeast(task.deadline);
      if (windowDeadline - now > 0) {
        lingerTimer.arm(windowDeadline, now);
        return;
      }
      sealLocked();
      launch = takeLaunchableLocked();
    }
    launch(launch);
  }

  /**
   * The timeout timer fired: times out every call whose deadline has passed; then waits for the
   * oldest left.
   */
  private void timeoutFired(CoalescedTimer.Task task) {
    List<Call> expired = null;
    synchronized (lock) {
      if (!timeoutTimer.claim(task)) {
        return;
      }
      long now = timeoutTimer.nowAtLeast(task.deadline);
      for (Call c = oldest; c != null && c.deadline - now <= 0; c = oldest) {
        unlinkLocked(c);
        if (expired == null) {
          expired = new ArrayList<>(2);
        }
        expired.add(c);
      }
      Call next = oldest;
      if (next != null) {
        timeoutTimer.arm(next.deadline, now);
      }
    }
    if (expired != null) {
      for (Call c : expired) {
        c.timedOut();
      }
    }
  }

  /** One loader call for one batch; its answer is taken once, from the loader or the timeout. */
  private final class Call implements Runnable {
    private final Batch batch;
    private final AtomicBoolean finished = new AtomicBoolean();
    private long startNanos;
    // Guarded by lock: the call's place in the list of calls in flight, for its timeout.
    long deadline;
    boolean alone;
    boolean linked;
    @Nullable Call prev;
    @Nullable Call next;

    Call(Batch batch) {
      this.batch = batch;
      this.startNanos = metrics.enabled() ? time.nanoTime() : 0L;
    }

    /**
     * Starts the loader timeout, when the call is launched: a call waiting for an executor thread
     * (all busy or blocked) times out like one the loader is slow to answer.
     */
    void startDeadline() {
      if (timeoutNanos < 0) {
        return;
      }
      synchronized (lock) {
        long now = time.nanoTime();
        deadline = now + timeoutNanos;
        alone = !anyCall || now - lastCallStarted > timeoutNanos;
        anyCall = true;
        lastCallStarted = now;
        appendLocked(this);
        timeoutTimer.arm(deadline, now);
      }
    }

    @Override
    public void run() {
      if (finished.get()) {
        return; // timed out while waiting for an executor thread: its keys are answered already
      }
      startNanos = metrics.enabled() ? time.nanoTime() : 0L;
      CompletionStage<BatchResult<K, V>> stage;
      try {
        stage = loader.load(batch.keyList);
      } catch (RuntimeException | Error e) {
        answer(null, e);
        return;
      }
      if (stage == null) {
        answer(
            null,
            new NullPointerException("the loader returned null instead of a CompletionStage"));
        return;
      }
      if (stage instanceof CompletableFuture<BatchResult<K, V>> done
          && done.isDone()
          && !done.isCompletedExceptionally()) {
        answer(done.join(), null);
        return;
      }
      stage.whenComplete(this::answer);
    }

    void timedOut() {
      if (!finished.compareAndSet(false, true)) {
        return;
      }
      metrics.loaderTime(metrics.enabled() ? time.nanoTime() - startNanos : 0L);
      finished(this);
      BatchTimeoutException e =
          new BatchTimeoutException(
              name,
              "the loader did not answer a batch of "
                  + batch.size
                  + " keys within "
                  + config.loaderTimeout().orElseThrow()
                  + " (attempt "
                  + batch.attempt
                  + ")",
              batch.attempt);
      failOrRetry(batch.keys, batch.slots, batch.size, e, e, "timeout");
    }

    void answer(@Nullable BatchResult<K, V> result, @Nullable Throwable error) {
      if (!finished.compareAndSet(false, true)) {
        log.debug("batcher '{}': a loader answer came after the batch timed out; ignored", name);
        return;
      }
      metrics.loaderTime(metrics.enabled() ? time.nanoTime() - startNanos : 0L);
      finished(this);
      if (error != null || result == null) {
        Throwable cause =
            error == null
                ? new NullPointerException(
                    "the loader's stage completed with null instead of a BatchResult")
                : Failures.unwrap(error);
        BatchLoadException e =
            new BatchLoadException(
                name,
                "the loader failed a batch of "
                    + batch.size
                    + " keys (attempt "
                    + batch.attempt
                    + "): "
                    + cause,
                batch.attempt,
                cause);
        failOrRetry(batch.keys, batch.slots, batch.size, cause, e, "loader");
        return;
      }
      Object[] keys = batch.keys;
      Object[] slots = batch.slots;
      int[] failed = null;
      Throwable[] errors = null;
      int failedCount = 0;
      // Without failed keys every key is answered now: give the batch's room back at once.
      boolean together = !result.hasFailures();
      if (together) {
        give(batch.size);
      }
      for (int i = 0; i < batch.size; i++) {
        K key = batch.keyList.get(i);
        Throwable failure = together ? null : result.failure(key);
        if (failure != null) {
          if (failed == null || errors == null) { // both are set together
            failed = new int[batch.size - i];
            errors = new Throwable[batch.size - i];
          }
          failed[failedCount] = i;
          errors[failedCount++] = failure;
          continue;
        }
        V value = result.valueAt(batch.keyList, i, key);
        if (!together) {
          give(1);
        }
        if (value != null) {
          succeed(slots[i], present.apply(value));
        } else if (absent != null) {
          succeed(slots[i], absent);
        } else {
          fail(
              keys[i],
              slots[i],
              new MissingValueException(
                  name,
                  "the loader returned no value for a key (attempt "
                      + batch.attempt
                      + ") and this batcher requires one"),
              "missing");
        }
      }
      if (failed != null && errors != null) {
        keyFailures(failed, errors, failedCount);
      }
    }

    /** Per-key errors: retry those the policy accepts as one batch, fail the others. */
    private void keyFailures(int[] failed, Throwable[] errors, int count) {
      Object[] retryKeys = null;
      Object[] retrySlots = null;
      int retryCount = 0;
      for (int j = 0; j < count; j++) {
        int i = failed[j];
        Throwable cause = errors[j];
        if (mayRetry(cause)) {
          if (retryKeys == null || retrySlots == null) { // both are set together
            retryKeys = new Object[count - j];
            retrySlots = new Object[count - j];
          }
          retryKeys[retryCount] = batch.keys[i];
          retrySlots[retryCount++] = batch.slots[i];
        } else {
          give(1);
          fail(
              batch.keys[i],
              batch.slots[i],
              new BatchLoadException(
                  name,
                  "the loader failed this key (attempt " + batch.attempt + "): " + cause,
                  batch.attempt,
                  cause),
              "key");
        }
      }
      if (retryKeys != null && retrySlots != null) {
        scheduleRetry(retryKeys, retrySlots, retryCount);
      }
    }

    /** A failure of the whole call: retry every key, or fail them all with {@code failure}. */
    private void failOrRetry(
        Object[] keys,
        Object[] slots,
        int size,
        Throwable cause,
        BatchLoadException failure,
        String kind) {
      if (mayRetry(cause)) {
        scheduleRetry(keys, slots, size);
        return;
      }
      give(size);
      for (int i = 0; i < size; i++) {
        fail(keys[i], slots[i], failure, kind);
      }
    }

    private boolean mayRetry(Throwable cause) {
      return retry != null && retry.canRetry(batch.attempt) && config.retryOn().test(cause);
    }

    private void scheduleRetry(Object[] keys, Object[] slots, int size) {
      Backoff backoff = retry;
      if (backoff == null) {
        throw new AssertionError("retry without a policy");
      }
      long delayMillis =
          backoff.delayMillis(
              batch.attempt, batch.previousDelayMillis, ThreadLocalRandom.current());
      Batch next = new Batch(keys, slots, size, batch.attempt + 1, delayMillis);
      metrics.retried(size);
      log.debug(
          "batcher '{}': retrying {} keys in {} ms (attempt {})",
          name,
          size,
          delayMillis,
          next.attempt);
      time.schedule(() -> requeue(next), TimeUnit.MILLISECONDS.toNanos(delayMillis));
    }
  }

  /** Completes every caller of a key (whose room is given back) with {@code value}. */
  @SuppressWarnings("unchecked")
  private void succeed(Object slot, R value) {
    if (slot instanceof Callers callers) {
      for (CompletableFuture<?> f : callers.futures) {
        ((CompletableFuture<R>) f).complete(value);
      }
    } else {
      ((CompletableFuture<R>) slot).complete(value);
    }
  }

  /** Fails every caller of a key (whose room is given back) with {@code e}. */
  private void fail(Object key, Object slot, BatchException e, String kind) {
    if (cache != null) {
      cache.remove(key, slot);
    }
    metrics.failed(1, kind);
    if (slot instanceof Callers callers) {
      for (CompletableFuture<?> f : callers.futures) {
        f.completeExceptionally(e);
      }
    } else {
      ((CompletableFuture<?>) slot).completeExceptionally(e);
    }
  }

  @Override
  public void clear(K key) {
    if (cache != null) {
      cache.remove(key);
    }
  }

  @Override
  public void clearAll() {
    if (cache != null) {
      cache.clear();
    }
  }

  @Override
  public int pendingKeys() {
    synchronized (lock) {
      return (int) (taken - given.get());
    }
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public BatcherConfig config() {
    return config;
  }

  @Override
  public void close() {
    List<Batch> launch;
    synchronized (lock) {
      if (closed) {
        return;
      }
      sealLocked();
      closed = true;
      lingerTimer.cancel();
      if (oldest == null) {
        timeoutTimer.cancel();
      }
      launch = takeLaunchableLocked();
    }
    launch(launch);
    metrics.close();
  }

  @Override
  public Health health() {
    boolean isClosed;
    synchronized (lock) {
      isClosed = closed;
    }
    int pending = pendingKeys();
    int max = config.maxPendingKeys();
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("pendingKeys", pending);
    details.put("maxPendingKeys", max);
    HealthStatus status =
        isClosed ? HealthStatus.DOWN : pending >= max ? HealthStatus.DEGRADED : HealthStatus.UP;
    if (isClosed) {
      details.put("closed", true);
    }
    return Health.of(status, details);
  }

  @Override
  public String toString() {
    return "Batcher[" + name + ", pending=" + pendingKeys() + ", " + config + "]";
  }

  /** The callers of one key when there are several, each with a future of its own. */
  private static final class Callers {
    final ArrayList<CompletableFuture<?>> futures = new ArrayList<>(4);
  }

  /** Keys handed to one loader call, with their slots at the same indices. */
  private final class Batch {
    final Object[] keys;
    final Object[] slots;
    final int size;
    final List<K> keyList;
    final int attempt;
    final long previousDelayMillis;

    Batch(Object[] keys, Object[] slots, int size, int attempt, long previousDelayMillis) {
      this.keys = keys;
      this.slots = slots;
      this.size = size;
      this.keyList = new KeyList<>(keys, size);
      this.attempt = attempt;
      this.previousDelayMillis = previousDelayMillis;
    }
  }
}
