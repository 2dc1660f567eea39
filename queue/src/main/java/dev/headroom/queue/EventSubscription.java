package dev.headroom.queue;

import dev.headroom.core.backoff.Backoff;
import dev.headroom.core.backoff.Jitter;
import dev.headroom.queue.broker.EventReader;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link QueueEvents} over a broker's {@link EventReader}: one daemon thread that reads batches
 * after the last id it delivered and calls the listener; on a failure to reach the store it backs
 * off (50 ms doubling to 5 s) and reads again from the same id, so nothing still kept is skipped.
 */
final class EventSubscription implements QueueEvents {

  private static final Logger log = LoggerFactory.getLogger(EventSubscription.class);
  private static final int BATCH = 100;
  private static final long BLOCK_MILLIS = 1000;

  private final BrokerJobQueue queue;
  private final QueueEventListener listener;
  private final Thread thread;
  private final Backoff backoff =
      Backoff.exponential(Duration.ofMillis(50), Duration.ofSeconds(5))
          .jitter(Jitter.EQUAL)
          .unlimitedAttempts()
          .build();
  private final EventReader reader;
  private volatile @Nullable String lastId;
  private volatile boolean running = true;

  EventSubscription(BrokerJobQueue queue, @Nullable String afterId, QueueEventListener listener) {
    this.queue = queue;
    this.listener = listener;
    this.lastId = afterId;
    this.reader = queue.broker.eventReader();
    this.thread = new Thread(this::run, "headroom-queue-" + queue.name + "-events");
    thread.setDaemon(true);
  }

  void start() {
    if (lastId == null) {
      // "from now" is the newest id kept, read before start() returns, so no later event is missed
      try {
        lastId = queue.call(reader::latestId);
      } catch (RuntimeException e) {
        reader.close();
        queue.subscriptionClosed(this);
        throw e;
      }
    }
    thread.start();
  }

  private void run() {
    Backoff.Schedule failures = null;
    try {
      while (running) {
        String after = lastId();
        List<QueueEvent> batch;
        try {
          batch = reader.read(after, BATCH, BLOCK_MILLIS);
          queue.available();
          failures = null;
        } catch (InterruptedException e) {
          return;
        } catch (RuntimeException e) {
          if (!running) {
            return;
          }
          if (e instanceof QueueUnavailableException) {
            queue.unavailable(e);
            log.debug("queue '{}': events could not be read; retrying", queue.name, e);
          } else {
            log.warn("queue '{}': reading events failed; retrying", queue.name, e);
          }
          failures = failures == null ? backoff.schedule() : failures;
          try {
            TimeUnit.MILLISECONDS.sleep(failures.nextDelayMillis().orElse(5000));
          } catch (InterruptedException ie) {
            return;
          }
          continue;
        }
        for (QueueEvent e : batch) {
          if (!running) {
            return;
          }
          try {
            listener.onEvent(e);
          } catch (RuntimeException ex) {
            log.warn("queue '{}': an event listener failed", queue.name, ex);
          }
          lastId = e.id();
        }
      }
    } finally {
      reader.close();
    }
  }

  @Override
  public String lastId() {
    String id = lastId;
    return id == null ? "0-0" : id;
  }

  @Override
  public boolean isRunning() {
    return running && thread.isAlive();
  }

  @Override
  public void close() {
    running = false;
    thread.interrupt();
    reader.close();
    if (Thread.currentThread() != thread) {
      try {
        thread.join(TimeUnit.SECONDS.toMillis(5));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    queue.subscriptionClosed(this);
  }

  @Override
  public String toString() {
    return "QueueEvents[" + queue.name + ", after " + lastId() + "]";
  }
}
