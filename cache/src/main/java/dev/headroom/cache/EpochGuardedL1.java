package dev.headroom.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.Weigher;
import dev.headroom.core.time.TimeSource;
import java.util.List;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;
import org.jspecify.annotations.Nullable;

/*
 * Lost updates. A load (or an L2 read) that started before an invalidation must not install its
 * older value after it. Each key maps to one of 64 epoch counters; invalidate, put, a received
 * message, a pattern or clear bump the counters (a pattern or clear bumps all), and installIf()
 * writes to Caffeine only inside its compute, and only if the epoch is still the one read (stamp)
 * before the load began. Since a drop bumps the epoch before it removes the entry, either the
 * install sees the new epoch, or the removal comes after the install and removes it.
 *
 * Expiry. Caffeine's variable expiry (an Expiry reading each entry's hard expiry, with a Ticker on
 * the cache's TimeSource) drops expired entries itself; it reads the ticker on each getIfPresent,
 * so an entry without stale windows ("simple") needs no clock read of its own on a hit.
 */

/**
 * The L1 of one cache: a bounded Caffeine map of {@link Entry}s that expire at their own hard
 * expiry, guarded by epoch stripes so that a value read or loaded before an invalidation is never
 * installed after it. With maximum size 0 it holds nothing but still keeps the epochs (a two-level
 * cache without L1). Thread-safe.
 */
final class EpochGuardedL1<V> {

  static final int STRIPES = 64;

  private final Cache<String, Entry<V>> map;
  private final boolean enabled;
  private final AtomicLongArray epochs = new AtomicLongArray(STRIPES);

  /**
   * @param maximumSize the bound in entries, when {@code weigher} is null; 0 disables L1
   * @param maximumWeight the bound in weight, with {@code weigher}
   * @param evictions counts entries evicted for size
   */
  EpochGuardedL1(
      long maximumSize,
      long maximumWeight,
      @Nullable Weigher<String, ? super V> weigher,
      TimeSource time,
      LongAdder evictions) {
    this.enabled = maximumSize != 0 || weigher != null;
    Caffeine<String, Entry<V>> b =
        Caffeine.newBuilder()
            .ticker(time::nanoTime)
            .<String, Entry<V>>expireAfter(new EntryExpiry<V>())
            .evictionListener((k, e, cause) -> evictions.increment());
    if (weigher != null) {
      b.maximumWeight(maximumWeight)
          .weigher((k, e) -> e.value == null ? 1 : weigher.weigh(k, e.value));
    } else {
      b.maximumSize(maximumSize);
    }
    this.map = b.build();
  }

  /** Expires each entry at its own hard expiry; reads do not extend it. */
  private static final class EntryExpiry<V> implements Expiry<String, Entry<V>> {
    @Override
    public long expireAfterCreate(String key, Entry<V> e, long now) {
      return Math.max(0, e.hardUntil - now);
    }

    @Override
    public long expireAfterUpdate(String key, Entry<V> e, long now, long current) {
      return Math.max(0, e.hardUntil - now);
    }

    @Override
    public long expireAfterRead(String key, Entry<V> e, long now, long current) {
      return current;
    }
  }

  /** Whether L1 holds entries at all (maximum size or weigher set); false: only the epochs. */
  boolean enabled() {
    return enabled;
  }

  /** The entry of {@code key}, unless absent or past its hard expiry. */
  @Nullable Entry<V> get(String key) {
    return map.getIfPresent(key);
  }

  /**
   * The epoch of {@code key} now: take it before reading or loading what {@link #installIf}
   * installs.
   */
  long stamp(String key) {
    return epochs.get(stripe(key));
  }

  /** The stamps of {@code keys}, in order. */
  long[] stamps(List<String> keys) {
    long[] out = new long[keys.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = stamp(keys.get(i));
    }
    return out;
  }

  /**
   * Installs {@code e} unless {@code key} was invalidated (or put) since {@code stamp}; answers
   * whether it did (without L1: whether it would have).
   */
  boolean installIf(String key, Entry<V> e, long stamp) {
    int i = stripe(key);
    if (!enabled) {
      return epochs.get(i) == stamp;
    }
    // e is a new entry, so the map holds it afterwards exactly when the epoch allowed the install.
    return map.asMap().compute(key, (k, old) -> epochs.get(i) == stamp ? e : old) == e;
  }

  /** Installs a put value: it wins over reads and loads in flight, which started before it. */
  void put(String key, Entry<V> e) {
    epochs.incrementAndGet(stripe(key));
    if (enabled) {
      map.put(key, e);
    }
  }

  /** Drops {@code key}; reads and loads in flight will not install it. */
  void drop(String key) {
    epochs.incrementAndGet(stripe(key));
    map.invalidate(key);
  }

  /** Drops every key that starts with {@code prefix}. */
  void dropPrefix(String prefix) {
    bumpAll();
    map.asMap().keySet().removeIf(k -> k.startsWith(prefix));
  }

  /** Drops everything. */
  void dropAll() {
    bumpAll();
    map.invalidateAll();
  }

  /**
   * Keeps every read and load in flight from installing, without removing anything: O(stripes), for
   * a thread that must not do the removal itself (a Redis I/O thread), which then follows.
   */
  void fence() {
    bumpAll();
  }

  /** The number of entries (an estimate, as Caffeine's). */
  long size() {
    return map.estimatedSize();
  }

  private void bumpAll() {
    for (int i = 0; i < STRIPES; i++) {
      epochs.incrementAndGet(i);
    }
  }

  private static int stripe(String key) {
    int h = key.hashCode();
    return (h ^ (h >>> 16)) & (STRIPES - 1);
  }
}
