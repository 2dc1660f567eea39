package dev.headroom.cache;

import org.jspecify.annotations.Nullable;

/**
 * Loads the value of one key on a cache miss.
 *
 * @param <V> the value type
 */
@FunctionalInterface
public interface CacheLoader<V> {

  /**
   * The value of {@code key}, or null if there is none (the cache then remembers it as absent for
   * its negative TTL). An exception fails the load: the cache serves a stale value if it may, else
   * throws {@link CacheLoadException} with this exception as cause.
   */
  @Nullable V load(String key) throws Exception;
}
