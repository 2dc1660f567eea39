package dev.headroom.batch;

import dev.headroom.core.backoff.Backoff;
import dev.headroom.core.time.TimeSource;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/*
 * Design.
 *
 * One lock guards the little state that changes per key: the open window (keys in first-request
 * order, each with the one future its callers share), the queue of sealed batches waiting for an
 * in-flight slot, the number of loader calls in flight, and the closed flag. The lock is held only
 * to add a key, seal a window or move batches between the queue and "in flight"; it is never held
 * while calling the loader, a scheduler or executor task, or completing a future, because
 * completing a future runs the callers' callbacks, and those may load again (chained loads).
 *
 * A window is sealed when it reaches maxBatchSize (by the thread that added the last key), when its
 * linger timer fires (the timer task checks that the window is still the open one: a window sealed
 * by size just lets its stale timer do nothing), on dispatch() and on close(). Sealed batches run in
 * order as in-flight slots free up; the loader is always called on the executor.
 *
 * Room for pending keys is a semaphore of maxPendingKeys permits: one per distinct key, taken when
 * the key enters a window, given back just before the key's future is completed (so a callback that
 * loads again finds the room it just freed). Joining a key already in the window or in the cache
 * takes none. Waiting for room (Overflow.BLOCK) happens outside the lock.
 *
 * Every loader call (first try or retry) is a Call whose answer is taken exactly once: the loader's
 * completion and the timeout timer race for `finished`, and the loser does nothing. The winner
 * frees the in-flight slot first, then answers each key: a value, absent, or a failure. Failed keys
 * (the whole call, or per key) go back to the queue as one smaller batch after the backoff's delay
 * while attempts remain and retryOn accepts the error; otherwise they fail. So each future is
 * completed once, by the one Call that last held its key.
 */
final class DefaultBatcher<K, V, R> implements Batcher<K, R> {

  private static final Logger log = LoggerFactory.getLogger(DefaultBatcher.class);

  private final String name;
  private final BatcherConfig config;
  private final BatchLoader<K, V> loader;
  private final Function<? super V, ? extends R> present;
  private final @Nullable R absent;
  private final TimeSource time;
  private final Scheduler scheduler;
  private final Executor executor;
  private final BatchMetrics metrics;
  private final int maxBatchSize;
  private final long lingerNanos;
  private final long timeoutNanos;
  private final @Nullable Backoff retry;
  private final Semaphore room;
  private final @Nullable ConcurrentHashMap<K, CompletableFuture<R>> cache;

  private final Object lock = new Object();
  private @Nullable Window<K, R> window;
  private final ArrayDeque<Batch<K, R>> queued = new ArrayDeque<>();
  private int inFlight;
  private boolean closed;

  DefaultBatcher(Batcher.Builder<K, V> b, Function<? super V, ? extends R> present, @Nullable R absent) {
    this.name = b.name;
    this.config = b.config;
    this.loader = b.loader;
    this.present = present;
    this.absent = absent;
    this.time = b.timeSource;
    this.scheduler = b.scheduler;
    this.executor = b.executor;
    this.maxBatchSize = config.maxBatchSize();
    this.lingerNanos = config.maxLinger().map(d -> d.toNanos()).orElse(-1L);
    this.timeoutNanos = config.loaderTimeout().map(d -> d.toNanos()).orElse(-1L);
    this.retry = config.retry().orElse(null);
    this.room = new Semaphore(config.maxPendingKeys());
    this.cache = config.cacheResults() ? new ConcurrentHashMap<>() : null;
    this.metrics = BatchMetrics.create(b.registry, this);
  }

  @Override
  public CompletableFuture<R> load(K key) {
    if (key == null) {
      throw new NullPointerException("batcher '" + name + "': key must not be null");
    }
    return own(loadShared(key));
  }

  /**
   * A future of the caller's own that follows {@code shared}, failing with the same exception
   * (not wrapped, unlike {@link CompletableFuture#copy()}).
   */
  private static <T> CompletableFuture<T> own(CompletableFuture<T> shared) {
    CompletableFuture<T> mine = new CompletableFuture<>();
    shared.whenComplete((value, error) -> {
      if (error == null) {
        mine.complete(value);
      } else {
        mine.completeExceptionally(unwrap(error));
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
        f = loadShared(key);
        distinct.put(key, f);
      }
      futures.add(f);
    }
    CompletableFuture<List<R>> all = new CompletableFuture<>();
    CompletableFuture.allOf(futures.toArray(new CompletableFuture<?>[0])).whenComplete((done, anyError) -> {
      List<R> results = new ArrayList<>(futures.size());
      for (CompletableFuture<R> f : futures) {
        Throwable error = f.handle((value, e) -> e).join();
        if (error != null) {
          all.completeExceptionally(unwrap(error));
          return;
        }
        results.add(f.join());
      }
      all.complete(results);
    });
    return all;
  }

  /** The future shared by every caller of {@code key} in its window. */
  private CompletableFuture<R> loadShared(K key) {
    if (cache != null) {
      CompletableFuture<R> hit = cache.get(key);
      if (hit != null) {
        return hit;
      }
    }
    List<Batch<K, R>> launch;
    CompletableFuture<R> future;
    synchronized (lock) {
      CompletableFuture<R> existing = findLocked(key);
      if (existing != null) {
        return existing;
      }
      if (!room.tryAcquire()) {
        future = null;
        launch = List.of();
      } else {
        future = addLocked(key);
        launch = takeLaunchableLocked();
      }
    }
    if (future == null) {
      return overflow(key);
    }
    launch(launch);
    return future;
  }

  /** The batcher is full: apply the overflow policy. */
  private CompletableFuture<R> overflow(K key) {
    Overflow policy = config.overflow();
    if (policy.kind() == Overflow.Kind.BLOCK) {
      try {
        if (room.tryAcquire(policy.timeout().toNanos(), TimeUnit.NANOSECONDS)) {
          return addAfterWait(key);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        metrics.rejected();
        return CompletableFuture.failedFuture(full("interrupted while waiting for room"));
      }
    }
    metrics.rejected();
    BatcherFullException e = full(policy.kind() == Overflow.Kind.BLOCK
        ? "no room within " + policy.timeout() : "refused at once (overflow " + policy + ")");
    if (policy.kind() == Overflow.Kind.FAIL_FAST) {
      throw e;
    }
    return CompletableFuture.failedFuture(e);
  }

  private BatcherFullException full(String what) {
    return new BatcherFullException(name, config.maxPendingKeys() + " keys are pending, the maximum; " + what);
  }

  private CompletableFuture<R> addAfterWait(K key) {
    List<Batch<K, R>> launch;
    CompletableFuture<R> future;
    synchronized (lock) {
      if (closed) {
        room.release();
      }
      CompletableFuture<R> existing = findLocked(key);
      if (existing != null) {
        room.release();
        return existing;
      }
      future = addLocked(key);
      launch = takeLaunchableLocked();
    }
    launch(launch);
    return future;
  }

  /** The future of {@code key} if it is cached or in the open window. */
  private @Nullable CompletableFuture<R> findLocked(K key) {
    if (closed) {
      throw new IllegalStateException("batcher '" + name + "' is closed");
    }
    if (cache != null) {
      CompletableFuture<R> hit = cache.get(key);
      if (hit != null) {
        return hit;
      }
    }
    Window<K, R> w = window;
    return w == null ? null : w.futures.get(key);
  }

  /** Adds a new key (room already taken) to the open window, opening or sealing it as needed. */
  private CompletableFuture<R> addLocked(K key) {
    Window<K, R> w = window;
    boolean opened = w == null;
    if (w == null) {
      w = new Window<>(metrics.enabled() ? time.nanoTime() : 0L);
      window = w;
    }
    CompletableFuture<R> future = new CompletableFuture<>();
    w.futures.put(key, future);
    if (cache != null) {
      cache.put(key, future);
    }
    if (w.futures.size() >= maxBatchSize) {
      sealLocked();
    } else if (opened && lingerNanos >= 0) {
      Window<K, R> timed = w;
      w.timer = scheduler.schedule(() -> lingerExpired(timed), lingerNanos);
    }
    return future;
  }

  private void lingerExpired(Window<K, R> w) {
    List<Batch<K, R>> launch;
    synchronized (lock) {
      if (window != w) {
        return;
      }
      sealLocked();
      launch = takeLaunchableLocked();
    }
    launch(launch);
  }

  @Override
  public int dispatch() {
    List<Batch<K, R>> launch;
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
    Window<K, R> w = window;
    if (w == null) {
      return 0;
    }
    window = null;
    Scheduler.Cancellable timer = w.timer;
    if (timer != null) {
      timer.cancel();
    }
    int size = w.futures.size();
    metrics.dispatched(size, metrics.enabled() ? time.nanoTime() - w.openedNanos : 0L);
    queued.add(new Batch<>(new ArrayList<>(w.futures.keySet()), new ArrayList<>(w.futures.values()), 1, 0L));
    return size;
  }

  /** Takes the queued batches that may start now, counting them in flight. */
  private List<Batch<K, R>> takeLaunchableLocked() {
    if (queued.isEmpty() || inFlight >= config.maxInFlight()) {
      return List.of();
    }
    List<Batch<K, R>> launch = new ArrayList<>(Math.min(queued.size(), 4));
    while (inFlight < config.maxInFlight() && !queued.isEmpty()) {
      inFlight++;
      launch.add(queued.poll());
    }
    return launch;
  }

  private void launch(List<Batch<K, R>> batches) {
    for (Batch<K, R> batch : batches) {
      Call call = new Call(batch);
      try {
        executor.execute(call::start);
      } catch (RejectedExecutionException e) {
        call.answer(null, e);
      }
    }
  }

  private void releaseSlot() {
    List<Batch<K, R>> launch;
    synchronized (lock) {
      inFlight--;
      launch = takeLaunchableLocked();
    }
    launch(launch);
  }

  private void requeue(Batch<K, R> batch) {
    List<Batch<K, R>> launch;
    synchronized (lock) {
      queued.add(batch);
      launch = takeLaunchableLocked();
    }
    launch(launch);
  }

  /** One loader call for one batch; its answer is taken once, from the loader or the timeout. */
  private final class Call {
    private final Batch<K, R> batch;
    private final AtomicBoolean finished = new AtomicBoolean();
    private volatile Scheduler.@Nullable Cancellable timer;
    private long startNanos;

    Call(Batch<K, R> batch) {
      this.batch = batch;
      this.startNanos = metrics.enabled() ? time.nanoTime() : 0L;
    }

    void start() {
      startNanos = metrics.enabled() ? time.nanoTime() : 0L;
      if (timeoutNanos >= 0) {
        timer = scheduler.schedule(this::timedOut, timeoutNanos);
      }
      CompletionStage<BatchResult<K, V>> stage;
      try {
        stage = loader.load(Collections.unmodifiableList(batch.keys));
      } catch (RuntimeException | Error e) {
        answer(null, e);
        return;
      }
      if (stage == null) {
        answer(null, new NullPointerException("the loader returned null instead of a CompletionStage"));
        return;
      }
      stage.whenComplete(this::answer);
    }

    private void timedOut() {
      if (!finished.compareAndSet(false, true)) {
        return;
      }
      metrics.loaderTime(metrics.enabled() ? time.nanoTime() - startNanos : 0L);
      releaseSlot();
      BatchTimeoutException e = new BatchTimeoutException(name, "the loader did not answer a batch of "
          + batch.keys.size() + " keys within " + config.loaderTimeout().orElseThrow()
          + " (attempt " + batch.attempt + ")", batch.attempt);
      failOrRetry(batch.keys, batch.futures, e, e, "timeout");
    }

    void answer(@Nullable BatchResult<K, V> result, @Nullable Throwable error) {
      if (!finished.compareAndSet(false, true)) {
        log.debug("batcher '{}': a loader answer came after the batch timed out; ignored", name);
        return;
      }
      Scheduler.Cancellable t = timer;
      if (t != null) {
        t.cancel();
      }
      metrics.loaderTime(metrics.enabled() ? time.nanoTime() - startNanos : 0L);
      releaseSlot();
      if (error != null || result == null) {
        Throwable cause = error == null
            ? new NullPointerException("the loader's stage completed with null instead of a BatchResult") : unwrap(error);
        BatchLoadException e = new BatchLoadException(name, "the loader failed a batch of " + batch.keys.size()
            + " keys (attempt " + batch.attempt + "): " + cause, batch.attempt, cause);
        failOrRetry(batch.keys, batch.futures, cause, e, "loader");
        return;
      }
      List<K> failedKeys = null;
      List<CompletableFuture<R>> failedFutures = null;
      List<Throwable> errors = null;
      for (int i = 0; i < batch.keys.size(); i++) {
        K key = batch.keys.get(i);
        CompletableFuture<R> future = batch.futures.get(i);
        Throwable failure = result.failure(key);
        if (failure != null) {
          if (failedKeys == null) {
            failedKeys = new ArrayList<>();
            failedFutures = new ArrayList<>();
            errors = new ArrayList<>();
          }
          failedKeys.add(key);
          failedFutures.add(future);
          errors.add(failure);
          continue;
        }
        V value = result.value(key);
        if (value != null) {
          succeed(future, present.apply(value));
        } else if (absent != null) {
          succeed(future, absent);
        } else {
          fail(key, future, new MissingValueException(name, "the loader returned no value for a key (attempt "
              + batch.attempt + ") and this batcher requires one"), "missing");
        }
      }
      if (failedKeys != null) {
        keyFailures(failedKeys, failedFutures, errors);
      }
    }

    /** Per-key errors: retry those the policy accepts as one batch, fail the others. */
    private void keyFailures(List<K> keys, List<CompletableFuture<R>> futures, List<Throwable> errors) {
      List<K> retryKeys = new ArrayList<>();
      List<CompletableFuture<R>> retryFutures = new ArrayList<>();
      for (int i = 0; i < keys.size(); i++) {
        Throwable cause = errors.get(i);
        if (mayRetry(cause)) {
          retryKeys.add(keys.get(i));
          retryFutures.add(futures.get(i));
        } else {
          fail(keys.get(i), futures.get(i), new BatchLoadException(name, "the loader failed this key (attempt "
              + batch.attempt + "): " + cause, batch.attempt, cause), "key");
        }
      }
      if (!retryKeys.isEmpty()) {
        scheduleRetry(retryKeys, retryFutures);
      }
    }

    /** A failure of the whole call: retry every key, or fail them all with {@code failure}. */
    private void failOrRetry(List<K> keys, List<CompletableFuture<R>> futures, Throwable cause,
        BatchLoadException failure, String kind) {
      if (mayRetry(cause)) {
        scheduleRetry(keys, futures);
        return;
      }
      for (int i = 0; i < keys.size(); i++) {
        fail(keys.get(i), futures.get(i), failure, kind);
      }
    }

    private boolean mayRetry(Throwable cause) {
      return retry != null && retry.canRetry(batch.attempt) && config.retryOn().test(cause);
    }

    private void scheduleRetry(List<K> keys, List<CompletableFuture<R>> futures) {
      Backoff backoff = retry;
      if (backoff == null) {
        throw new AssertionError("retry without a policy");
      }
      long delayMillis = backoff.delayMillis(batch.attempt, batch.previousDelayMillis, ThreadLocalRandom.current());
      Batch<K, R> next = new Batch<>(keys, futures, batch.attempt + 1, delayMillis);
      metrics.retried(keys.size());
      log.debug("batcher '{}': retrying {} keys in {} ms (attempt {})", name, keys.size(), delayMillis, next.attempt);
      scheduler.schedule(() -> requeue(next), TimeUnit.MILLISECONDS.toNanos(delayMillis));
    }
  }

  private void succeed(CompletableFuture<R> future, R value) {
    room.release();
    future.complete(value);
  }

  private void fail(K key, CompletableFuture<R> future, BatchException e, String kind) {
    if (cache != null) {
      cache.remove(key, future);
    }
    metrics.failed(1, kind);
    room.release();
    future.completeExceptionally(e);
  }

  private static Throwable unwrap(Throwable t) {
    Throwable e = t;
    while ((e instanceof CompletionException || e instanceof ExecutionException) && e.getCause() != null) {
      e = e.getCause();
    }
    return e;
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
    return config.maxPendingKeys() - room.availablePermits();
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
    List<Batch<K, R>> launch;
    synchronized (lock) {
      if (closed) {
        return;
      }
      sealLocked();
      closed = true;
      launch = takeLaunchableLocked();
    }
    launch(launch);
  }

  @Override
  public String toString() {
    return "Batcher[" + name + ", pending=" + pendingKeys() + ", " + config + "]";
  }

  /** The open window: keys in first-request order, each with the future its callers share. */
  private static final class Window<K, R> {
    final LinkedHashMap<K, CompletableFuture<R>> futures = new LinkedHashMap<>();
    final long openedNanos;
    Scheduler.@Nullable Cancellable timer;

    Window(long openedNanos) {
      this.openedNanos = openedNanos;
    }
  }

  /** Keys handed to one loader call, with their futures at the same indices. */
  private static final class Batch<K, R> {
    final List<K> keys;
    final List<CompletableFuture<R>> futures;
    final int attempt;
    final long previousDelayMillis;

    Batch(List<K> keys, List<CompletableFuture<R>> futures, int attempt, long previousDelayMillis) {
      this.keys = keys;
      this.futures = futures;
      this.attempt = attempt;
      this.previousDelayMillis = previousDelayMillis;
    }
  }
}
