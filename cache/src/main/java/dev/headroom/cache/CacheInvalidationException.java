package dev.headroom.cache;

/**
 * Redis refused an {@link Cache#invalidatePattern(String)} or {@link Cache#clear()} with an error
 * reply (such as {@code OOM} under {@code maxmemory} with {@code noeviction}): the entries under
 * the pattern were dropped from L1 in every process that got the message, but L2 still holds them,
 * so any process may read them again. Retry, or fix Redis. Not thrown while Redis is unreachable:
 * that is the documented outage fallback (see the README, "Redis down or slow").
 */
public class CacheInvalidationException extends CacheException {

  private static final long serialVersionUID = 1L;

  private final String pattern;

  /**
   * The invalidation of {@code pattern} ({@code "*"} for a clear) was refused with {@code cause}.
   */
  public CacheInvalidationException(String cacheName, String pattern, Throwable cause) {
    super(
        cacheName,
        (pattern.equals("*") ? "clear()" : "invalidatePattern(\"" + pattern + "\")")
            + " did not happen in Redis, which still serves the old entries: "
            + cause.getMessage(),
        cause);
    this.pattern = pattern;
  }

  /** The pattern that was not invalidated; {@code "*"} for a clear. */
  public String pattern() {
    return pattern;
  }
}
