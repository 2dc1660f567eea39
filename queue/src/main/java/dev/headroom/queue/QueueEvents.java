package dev.headroom.queue;

/**
 * A running subscription to a queue's events, from {@link JobQueue#subscribe}: a thread of its own
 * reads the queue's event log (on Redis a stream read with {@code XREAD BLOCK} on a dedicated
 * connection) and calls the listener. When the store is unreachable it retries with backoff and
 * resumes after the last event it delivered. Thread-safe.
 *
 * <p>The log is bounded ({@link JobQueueConfig#eventRetention()} events, about that many on Redis):
 * a subscriber that falls further behind, or resumes from an older id, misses the events dropped
 * meanwhile. Events are written with the change they report, atomically, so an event is never told
 * of a change that was not stored; on Redis a failover may lose the last events with the last
 * writes.
 */
public interface QueueEvents extends AutoCloseable {

  /** The id of the last event delivered to the listener, or the position it started after. */
  String lastId();

  /** Whether the subscription still reads (not closed). */
  boolean isRunning();

  /** Stops reading; waits for a listener call in progress to return. Idempotent. */
  @Override
  void close();
}
