package dev.headroom.cache;

import org.jspecify.annotations.Nullable;

/**
 * An L1 entry: the value (null for a cached "absent") and three instants on the cache's monotonic
 * clock: fresh until, servable-while-revalidating until, and expiry (Caffeine removes the entry
 * then). {@code simple} means the three coincide, so a hit needs no clock read of its own:
 * Caffeine's expiry check (which reads the ticker) has already covered it.
 */
final class Entry<V> {

  final @Nullable V value;
  final long freshUntil;
  final long staleUntil;
  final long hardUntil;
  final boolean simple;

  private Entry(@Nullable V value, long freshUntil, long staleUntil, long hardUntil) {
    this.value = value;
    this.freshUntil = freshUntil;
    this.staleUntil = staleUntil;
    this.hardUntil = hardUntil;
    this.simple = freshUntil == hardUntil;
  }

  /** An entry from offsets (nanoseconds after {@code now}), its life capped at {@code cap}. */
  static <V> Entry<V> of(@Nullable V value, long now, long fresh, long stale, long hard, long cap) {
    long h = Math.min(hard, cap);
    return new Entry<>(value, now + Math.min(fresh, h), now + Math.min(stale, h), now + h);
  }

  boolean isFreshAt(long now) {
    return simple || now - freshUntil < 0;
  }

  boolean isServableStaleAt(long now) {
    return now - staleUntil < 0;
  }

  boolean isAliveAt(long now) {
    return now - hardUntil < 0;
  }
}
