package dev.headroom.cache;

import java.util.Map;

/**
 * Told about write-behind batches that the writer still failed after every retry, so that nothing
 * is dropped silently: store them elsewhere, alert, or retry later.
 *
 * @param <V> the value type
 */
@FunctionalInterface
public interface WriteFailureListener<V> {

  /**
   * Called from the write-behind thread with the batch that was not written and the last failure.
   */
  void onWriteFailure(String cacheName, Map<String, V> values, Throwable failure);
}
