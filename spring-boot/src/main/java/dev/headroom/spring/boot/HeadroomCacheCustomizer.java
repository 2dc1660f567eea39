package dev.headroom.spring.boot;

import dev.headroom.cache.CacheConfig;

/**
 * Adjusts the configuration of a declared cache before it is built, for what properties cannot say:
 * a write-through or write-behind {@code CacheWriter}, a weigher, an executor.
 */
@FunctionalInterface
public interface HeadroomCacheCustomizer {

  /** Adjusts {@code builder} of the cache named {@code name}. */
  void customize(String name, CacheConfig.Builder<Object> builder);
}
