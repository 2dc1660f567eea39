package dev.headroom.cache;

/**
 * A loader failed and no stale value could be served instead; the cause is the loader's exception.
 */
public class CacheLoadException extends CacheException {

  private static final long serialVersionUID = 1L;

  /** The load of {@code key} (or of several keys) failed with {@code cause}. */
  public CacheLoadException(String cacheName, String what, Throwable cause) {
    super(cacheName, "loading " + what + " failed: " + cause, cause);
  }
}
