package dev.headroom.cache;

import java.util.Map;
import java.util.Set;

/**
 * Loads the values of several keys in one call (a {@code WHERE id IN (…)} query, a batch API).
 *
 * @param <V> the value type
 */
@FunctionalInterface
public interface BulkLoader<V> {

  /**
   * The values of those {@code keys} that have one; keys left out (or mapped to null) are absent.
   * Entries for keys that were not asked for are ignored.
   */
  Map<String, ? extends V> loadAll(Set<String> keys) throws Exception;
}
