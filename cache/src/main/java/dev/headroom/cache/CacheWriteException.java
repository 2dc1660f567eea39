package dev.headroom.cache;

import org.jspecify.annotations.Nullable;

/**
 * A write-through write failed, or the write-behind queue is full; the cache was left untouched.
 */
public class CacheWriteException extends CacheException {

  private static final long serialVersionUID = 1L;

  /** A failed or refused write. */
  public CacheWriteException(String cacheName, String message, @Nullable Throwable cause) {
    super(cacheName, message, cause);
  }
}
