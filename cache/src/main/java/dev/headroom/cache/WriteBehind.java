package dev.headroom.cache;

import dev.headroom.core.backoff.Backoff;
import java.time.Duration;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/*
 * Write-behind queue. Pending values live in one insertion-ordered map under the object's lock, so
 * a second put of a queued key replaces its value in place (coalescing: the writer sees only the
 * last value). One thread per cache writes: it takes up to batchSize keys from the head, calls the
 * writer, and repeats until the map is empty. It runs when the map reaches batchSize, every flush
 * interval, on flush() and on close(). Because only this thread writes, and a key taken for a
 * batch is removed from the map before the call, a value put during a write is queued again and
 * written after it: per-key order holds.
 *
 * A failing batch is retried after the Backoff's delays (the thread sleeps; it has nothing else to
 * do that could overtake the batch), then handed to the failure listener (or logged as an error).
 * The map is bounded by maxPending distinct keys: a put of a new key into a full map is refused
 * with CacheWriteException before the cache is touched. Nothing is dropped silently.
 */
final class WriteBehind<V> implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(WriteBehind.class);

  private final String cacheName;
  private final CacheWriter<V> writer;
  private final int batchSize;
  private final int maxPending;
  private final Backoff backoff;
  private final @Nullable WriteFailureListener<V> listener;
  private final ScheduledExecutorService thread;
  private final LinkedHashMap<String, V> pending = new LinkedHashMap<>();
  private final AtomicBoolean drainQueued = new AtomicBoolean();
  private final LongAdder failures = new LongAdder();
  private int inFlight;
  private boolean closed;

  WriteBehind(
      String cacheName,
      CacheWriter<V> writer,
      int batchSize,
      Duration interval,
      int maxPending,
      Backoff backoff,
      @Nullable WriteFailureListener<V> listener) {
    this.cacheName = cacheName;
    this.writer = writer;
    this.batchSize = batchSize;
    this.maxPending = maxPending;
    this.backoff = backoff;
    this.listener = listener;
    this.thread =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "headroom-cache-write-behind-" + cacheName);
              t.setDaemon(true);
              return t;
            });
    long ms = Math.max(1, interval.toMillis());
    // Runs until close() shuts the executor down; drain() handles and reports its own failures.
    var unused = thread.scheduleWithFixedDelay(this::drain, ms, ms, TimeUnit.MILLISECONDS);
  }

  /** Queues values, or refuses all of them if the new keys do not fit. */
  void enqueue(Map<String, ? extends V> values) {
    boolean full;
    synchronized (this) {
      if (closed) {
        throw new IllegalStateException("cache '" + cacheName + "' is closed");
      }
      int added = 0;
      for (String k : values.keySet()) {
        if (!pending.containsKey(k)) {
          added++;
        }
      }
      if (pending.size() + added > maxPending) {
        throw new CacheWriteException(
            cacheName,
            "the write-behind queue is full ("
                + pending.size()
                + " of "
                + maxPending
                + " keys wait for the writer); the value was not cached. Raise writeBehindMaxPending "
                + "or make the writer faster",
            null);
      }
      pending.putAll(values);
      full = pending.size() >= batchSize;
    }
    if (full && drainQueued.compareAndSet(false, true)) {
      thread.execute(
          () -> {
            drainQueued.set(false);
            drain();
          });
    }
  }

  /** Values waiting or being written. */
  synchronized int pending() {
    return pending.size() + inFlight;
  }

  /** Batches handed to the failure listener. */
  long failures() {
    return failures.sum();
  }

  /** Writes everything queued now and waits for it. */
  void flush() {
    try {
      thread.submit(this::drain).get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException e) {
      log.error("cache '{}': write-behind flush failed", cacheName, e.getCause());
    } catch (java.util.concurrent.RejectedExecutionException e) {
      // Closed: close() flushed everything.
    }
  }

  /** Refuses new values, writes everything queued, and stops the thread. */
  @Override
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
    }
    flush();
    thread.shutdown();
    try {
      thread.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void drain() {
    while (true) {
      Map<String, V> batch = take();
      if (batch.isEmpty()) {
        return;
      }
      write(batch);
      synchronized (this) {
        inFlight = 0;
      }
    }
  }

  private synchronized Map<String, V> take() {
    Map<String, V> batch = new LinkedHashMap<>();
    Iterator<Map.Entry<String, V>> it = pending.entrySet().iterator();
    while (it.hasNext() && batch.size() < batchSize) {
      Map.Entry<String, V> e = it.next();
      batch.put(e.getKey(), e.getValue());
      it.remove();
    }
    inFlight = batch.size();
    return batch;
  }

  private void write(Map<String, V> batch) {
    Map<String, V> view = Collections.unmodifiableMap(batch);
    Backoff.Schedule schedule = backoff.schedule();
    while (true) {
      try {
        writer.writeAll(view);
        return;
      } catch (Exception e) {
        OptionalLong delay = schedule.nextDelayMillis();
        if (delay.isEmpty() || !sleep(delay.getAsLong())) {
          giveUp(view, e, schedule.attempts());
          return;
        }
      }
    }
  }

  private void giveUp(Map<String, V> batch, Exception e, int attempts) {
    failures.increment();
    if (listener == null) {
      log.error(
          "cache '{}': write-behind could not write {} values after {} attempts; keys: {}",
          cacheName,
          batch.size(),
          attempts,
          batch.keySet(),
          e);
      return;
    }
    try {
      listener.onWriteFailure(cacheName, batch, e);
    } catch (RuntimeException le) {
      log.error(
          "cache '{}': the write failure listener failed for {} values; keys: {}",
          cacheName,
          batch.size(),
          batch.keySet(),
          le);
    }
  }

  private static boolean sleep(long millis) {
    try {
      Thread.sleep(millis);
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
