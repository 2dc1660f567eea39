package dev.headroom.cache;

import java.util.Map;

/**
 * Writes values to the system of record for the write-through and write-behind strategies.
 *
 * @param <V> the value type
 */
@FunctionalInterface
public interface CacheWriter<V> {

  /**
   * Writes every entry of {@code values} (keys are distinct). Write-behind calls it from its own
   * thread with batches; write-through calls it on the caller's thread. An exception fails the
   * whole batch.
   */
  void writeAll(Map<String, V> values) throws Exception;
}
