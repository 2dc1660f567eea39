package dev.headroom.cache;

/** What a {@code put} does besides caching. */
public enum WriteStrategy {
  /** The cache only caches; the application writes the system of record itself (the default). */
  CACHE_ASIDE,
  /**
   * {@code put} calls the {@link CacheWriter} first, on the caller's thread, and caches the value
   * only if the write succeeded; a failed write leaves the cache untouched and throws {@link
   * CacheWriteException}.
   */
  WRITE_THROUGH,
  /**
   * {@code put} caches at once and queues the value; a background thread writes queued values in
   * batches (by size or time), coalescing several puts of one key into the last one, retries failed
   * batches with backoff, then hands them to the {@link WriteFailureListener}. {@code close()} and
   * {@code flush()} write everything queued. When the queue is full, {@code put} of a key not
   * already queued throws {@link CacheWriteException} and leaves the cache untouched: nothing is
   * dropped silently.
   */
  WRITE_BEHIND
}
