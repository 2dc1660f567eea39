package dev.headroom.spring.boot;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.cache.Cache;
import org.springframework.cache.CacheManager;

/**
 * A Spring {@link CacheManager} over the caches declared under {@code headroom.cache.caches}; a
 * name not declared answers null, so Spring reports the unknown cache instead of making one with no
 * value type.
 */
public final class HeadroomCacheManager implements CacheManager {

  private final Map<String, HeadroomSpringCache> caches;

  HeadroomCacheManager(Map<String, HeadroomSpringCache> caches) {
    this.caches = Map.copyOf(caches);
  }

  @Override
  public @Nullable Cache getCache(String name) {
    return caches.get(name);
  }

  @Override
  public Collection<String> getCacheNames() {
    return List.copyOf(caches.keySet());
  }
}
