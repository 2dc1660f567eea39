package dev.headroom.cache;

import org.jspecify.annotations.Nullable;

/**
 * A cache operation failed for a reason other than Redis (which a cache never reports). Carries the
 * cache's name.
 */
public class CacheException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final String cacheName;

  /** An exception of the named cache. */
  public CacheException(String cacheName, String message, @Nullable Throwable cause) {
    super("cache '" + cacheName + "': " + message, cause);
    this.cacheName = cacheName;
  }

  /** The name of the cache. */
  public String cacheName() {
    return cacheName;
  }
}
