package dev.headroom.queue.broker;

import dev.headroom.queue.QueueEvent;
import java.util.List;

/**
 * Reads a queue's event log for one subscription. Not thread-safe: one reading thread. Failures to
 * reach the store are thrown as {@link dev.headroom.queue.QueueUnavailableException}.
 */
public interface EventReader extends AutoCloseable {

  /** The id of the newest event kept, or {@code "0-0"} when there is none. */
  String latestId();

  /**
   * Up to {@code max} events after {@code afterId}, oldest first; when there are none, waits up to
   * {@code blockMillis} for one (may answer empty).
   *
   * @throws InterruptedException if interrupted while waiting
   */
  List<QueueEvent> read(String afterId, int max, long blockMillis) throws InterruptedException;

  /** Releases the reader (a dedicated connection on Redis); a read in progress fails. */
  @Override
  void close();
}
