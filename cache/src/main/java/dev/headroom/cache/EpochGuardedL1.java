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
 *
 * Held objects. A simple entry with a value is held as the value itself, not as its Entry: a hit
 * then loads Caffeine's node and returns what it holds, with no dependent load of an Entry (a cache
 * miss over a large L1) and 48 bytes less per entry. Every other entry (stale windows, a cached
 * absence) is held as its Entry; callers tell the two apart by type (lookup, valueOf), which a
 * user's value can never be, as Entry is not visible outside this package. Such a value carries
 * no expiry of its own, so the writer hands it to the Expiry through a thread-local slot (PENDING)
 * around the put or compute, both of which call the Expiry on the writing thread; a compute that
 * keeps the old value clears the slot, and the Expiry then keeps the current expiry.
 */

/**
 * The L1 of one cache: a bounded Caffeine map of {@link Entry}s that expire at their own hard
 * expiry, guarded by epoch stripes so that a value read or loaded before an invalidation is never
 * installed after it. With maximum size 0 it holds nothing but still keeps the epochs (a two-level
 * cache without L1). Thread-safe.
 */
final class EpochGuardedL1<V> {

  static final int STRIPES = 64;

  private static final ThreadLocal<Pending> PENDING = ThreadLocal.withInitial(Pending::new);

  private final Cache<String, Object> map;
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
    Caffeine<String, Object> b =
        Caffeine.newBuilder()
            .ticker(time::nanoTime)
            .<String, Object>expireAfter(new HeldExpiry())
            .evictionListener((k, e, cause) -> evictions.increment());
    if (weigher != null) {
      b.maximumWeight(maximumWeight)
          .weigher(
              (k, held) -> {
                V v = valueOf(held);
                return v == null ? 1 : weigher.weigh(k, v);
              });
    } else {
      b.maximumSize(maximumSize);
    }
    this.map = b.build();
  }

  /** The expiry of a value held without its Entry, set by the writer around a put or compute. */
  private static final class Pending {
    boolean set;
    long hardUntil;
  }

  /**
   * Expires each entry at its own hard expiry (an Entry's, or the pending one for a value held
   * bare); reads do not extend it.
   */
  private static final class HeldExpiry implements Expiry<String, Object> {
    @Override
    public long expireAfterCreate(String key, Object held, long now) {
      if (held instanceof Entry<?> e) {
        return Math.max(0, e.hardUntil - now);
      }
      Pending p = PENDING.get();
      // Not reached: a bare value is only written with its expiry pending. Expire it at once.
      return p.set ? Math.max(0, p.hardUntil - now) : 0;
    }

    @Override
    public long expireAfterUpdate(String key, Object held, long now, long current) {
      if (held instanceof Entry<?> e) {
        return Math.max(0, e.hardUntil - now);
      }
      Pending p = PENDING.get();
      return p.set ? Math.max(0, p.hardUntil - now) : current;
    }

    @Override
    public long expireAfterRead(String key, Object held, long now, long current) {
      return current;
    }
  }

  /** Whether L1 holds entries at all (maximum size or weigher set); false: only the epochs. */
  boolean enabled() {
    return enabled;
  }

  /**
   * What L1 holds for {@code key}, unless absent or past its hard expiry: the value itself (a fresh
   * entry without stale windows) or an {@link Entry}; see {@link #valueOf}.
   */
  @Nullable Object lookup(String key) {
    return map.getIfPresent(key);
  }

  /** The value of what {@link #lookup} answered (null for null or a cached absence). */
  @SuppressWarnings("unchecked")
  @Nullable V valueOf(@Nullable Object held) {
    return held instanceof Entry<?> e ? (V) e.value : (V) held;
  }

  /** What L1 holds for {@code e}: its value when that is all a hit needs, else {@code e}. */
  private static Object held(Entry<?> e) {
    Object v = e.value;
    return e.simple && v != null ? v : e;
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
    Object held = held(e);
    if (held == e) {
      // e is a new entry, so the map holds it afterwards exactly when the epoch allowed it.
      return map.asMap().compute(key, (k, old) -> epochs.get(i) == stamp ? e : old) == e;
    }
    // A bare value may be the very object held already: the function tells what it decided.
    Pending p = PENDING.get();
    try {
      map.asMap()
          .compute(
              key,
              (k, old) -> {
                p.set = epochs.get(i) == stamp;
                p.hardUntil = e.hardUntil;
                return p.set ? held : old;
              });
      return p.set;
    } finally {
      p.set = false;
    }
  }

  /** Installs a put value: it wins over reads and loads in flight, which started before it. */
  void put(String key, Entry<V> e) {
    epochs.incrementAndGet(stripe(key));
    if (enabled) {
      Object held = held(e);
      if (held == e) {
        map.put(key, e);
        return;
      }
      Pending p = PENDING.get();
      p.set = true;
      p.hardUntil = e.hardUntil;
      try {
        map.put(key, held);
      } finally {
        p.set = false;
      }
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
