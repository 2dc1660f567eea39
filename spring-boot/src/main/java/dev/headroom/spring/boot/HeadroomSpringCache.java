package dev.headroom.spring.boot;

import dev.headroom.cache.Cache;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import org.springframework.cache.support.AbstractValueAdaptingCache;

/**
 * A Spring {@link org.springframework.cache.Cache} over a Headroom {@link Cache}: L1 then Redis,
 * with cross-node invalidation. {@code @Cacheable(sync = true)} loads through Headroom (one load
 * per key in the JVM, and across nodes with a stampede lease). A null result is not stored (a
 * {@code put} of null evicts the key); {@code @CacheEvict(allEntries = true)} clears the cache on
 * every node.
 */
public final class HeadroomSpringCache extends AbstractValueAdaptingCache {

  private final Cache<Object> cache;
  private final @Nullable Class<?> valueType;

  /** Adapts {@code cache}; values put must be instances of {@code valueType} when it is set. */
  public HeadroomSpringCache(Cache<Object> cache, @Nullable Class<?> valueType) {
    super(false);
    this.cache = cache;
    this.valueType = valueType;
  }

  @Override
  public String getName() {
    return cache.name();
  }

  @Override
  public Cache<Object> getNativeCache() {
    return cache;
  }

  @Override
  protected @Nullable Object lookup(Object key) {
    return cache.get(CacheKeys.toKey(key));
  }

  @Override
  @SuppressWarnings("unchecked")
  public <T> @Nullable T get(Object key, Callable<T> valueLoader) {
    return (T) cache.get(CacheKeys.toKey(key), k -> valueLoader.call());
  }

  @Override
  public void put(Object key, @Nullable Object value) {
    String k = CacheKeys.toKey(key);
    if (value == null) {
      cache.invalidate(k);
      return;
    }
    if (valueType != null && !valueType.isInstance(value)) {
      throw new IllegalArgumentException(
          "cache '"
              + cache.name()
              + "' holds "
              + valueType.getName()
              + " (value-type), was given a "
              + value.getClass().getName());
    }
    cache.put(k, value);
  }

  @Override
  public void evict(Object key) {
    cache.invalidate(CacheKeys.toKey(key));
  }

  @Override
  public boolean evictIfPresent(Object key) {
    String k = CacheKeys.toKey(key);
    boolean present = cache.get(k) != null;
    cache.invalidate(k);
    return present;
  }

  @Override
  public void clear() {
    cache.clear();
  }

  @Override
  public boolean invalidate() {
    cache.clear();
    return true;
  }
}
