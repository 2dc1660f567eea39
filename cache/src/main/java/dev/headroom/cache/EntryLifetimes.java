package dev.headroom.cache;

import dev.headroom.cache.redis.StoredValue;
import dev.headroom.core.codec.Codec;
import dev.headroom.core.time.TimeSource;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BiConsumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/*
 * Lifetimes. A put or load picks a TTL (default, tier or per put), spreads it by the jitter, and
 * derives fresh-until, stale-until (fresh + stale-while-revalidate) and hard expiry (fresh + the
 * larger stale window). L2 stores them as absolute wall-clock times in the value header and
 * expires the key at the hard expiry; an L1 entry built from an L2 value gets the same instants
 * (read against this process's wall clock once, then kept on the monotonic clock), so L1 never
 * outlives L2 (up to clock skew between processes), and l1Ttl can shorten it further.
 */

/**
 * The lifetimes of one cache's entries: turns a value and a TTL into an L1 {@link Entry} and the
 * {@link StoredValue} L2 keeps, and an L2 value back into an L1 entry. Thread-safe.
 */
final class EntryLifetimes<V> {

  private static final Logger log = LoggerFactory.getLogger(EntryLifetimes.class);

  private final String cacheName;
  private final Codec<V> codec;
  private final TimeSource time;
  private final Duration maxTtl;
  private final double jitter;
  private final long negativeTtlNanos;
  private final long swrNanos;
  private final long sieNanos;
  private final long l1TtlNanos;
  private final int maxL2ValueBytes;
  private final boolean twoLevel;
  private final LongAdder tooLarge;
  private final BiConsumer<String, Exception> corrupt;

  /**
   * @param twoLevel whether L2 values are prepared too
   * @param tooLarge counts values too large for L2
   * @param corrupt told of an L2 value the codec cannot decode
   */
  EntryLifetimes(
      String cacheName,
      CacheConfig<V> config,
      boolean twoLevel,
      LongAdder tooLarge,
      BiConsumer<String, Exception> corrupt) {
    this.cacheName = cacheName;
    this.codec = config.codec;
    this.time = config.timeSource;
    this.maxTtl = config.maxTtl;
    this.jitter = config.jitter;
    this.negativeTtlNanos = config.negativeTtlNanos();
    this.swrNanos = config.swrNanos();
    this.sieNanos = config.sieNanos();
    this.l1TtlNanos = config.l1TtlNanos();
    this.maxL2ValueBytes = config.maxL2ValueBytes;
    this.twoLevel = twoLevel;
    this.tooLarge = tooLarge;
    this.corrupt = corrupt;
  }

  /** Whether an "absent" is cached at all (negative TTL above 0). */
  boolean cachesAbsence() {
    return negativeTtlNanos != 0;
  }

  /**
   * {@code ttl} if it is a TTL a put may ask for.
   *
   * @throws IllegalArgumentException if it is not positive or above the maximum TTL
   */
  Duration checkTtl(@Nullable Duration ttl) {
    java.util.Objects.requireNonNull(ttl, "ttl");
    if (ttl.isNegative() || ttl.isZero()) {
      throw new IllegalArgumentException(
          "cache '" + cacheName + "': ttl must be positive, was " + ttl);
    }
    if (ttl.compareTo(maxTtl) > 0) {
      throw new IllegalArgumentException(
          "cache '" + cacheName + "': ttl " + ttl + " exceeds the cache's maxTtl " + maxTtl);
    }
    return ttl;
  }

  /** {@code ttl} in nanoseconds, spread uniformly within ±jitter; at least 1. */
  long jittered(Duration ttl) {
    long nanos = ttl.toNanos();
    if (jitter == 0) {
      return nanos;
    }
    double f = 1 + jitter * (2 * ThreadLocalRandom.current().nextDouble() - 1);
    return Math.max(1, (long) (nanos * f));
  }

  /**
   * The L1 entry for a value (null: absent) and, into {@code toL2}, what L2 should hold for it: the
   * stored value, or null to delete the key (too large for L2). Nothing when a null value is not to
   * be cached (negative TTL 0): the entry returned then is not meant to be installed.
   */
  Entry<V> prepare(
      String key, @Nullable V value, Duration ttl, Map<String, @Nullable StoredValue> toL2) {
    long now = time.nanoTime();
    if (value == null) {
      if (negativeTtlNanos == 0) {
        return Entry.of(null, now, 0, 0, 0, 0);
      }
      long life = negativeTtlNanos;
      if (twoLevel) {
        long wall = time.currentTimeMillis();
        long until = wall + TimeUnit.NANOSECONDS.toMillis(life);
        toL2.put(key, StoredValue.absent(until, until));
      }
      return Entry.of(null, now, life, life, life, l1TtlNanos);
    }
    long fresh = jittered(ttl);
    long stale = fresh + swrNanos;
    long hard = fresh + Math.max(swrNanos, sieNanos);
    if (twoLevel) {
      byte[] payload = encode(key, value);
      if (payload == null || payload.length > maxL2ValueBytes) {
        if (payload != null) {
          tooLarge.increment();
        }
        toL2.put(key, null);
      } else {
        long wall = time.currentTimeMillis();
        toL2.put(
            key,
            new StoredValue(
                false,
                wall + TimeUnit.NANOSECONDS.toMillis(fresh),
                wall + TimeUnit.NANOSECONDS.toMillis(stale),
                wall + TimeUnit.NANOSECONDS.toMillis(hard),
                payload));
      }
    }
    return Entry.of(value, now, fresh, stale, hard, l1TtlNanos);
  }

  private byte @Nullable [] encode(String key, V value) {
    try {
      return codec.encode(value);
    } catch (RuntimeException e) {
      log.warn(
          "cache '{}': could not encode the value of '{}' for Redis; it stays in L1 only",
          cacheName,
          key,
          e);
      return null;
    }
  }

  /**
   * The L1 entry of an L2 value, or null if it has expired or cannot be decoded (then it is
   * reported corrupt).
   */
  @Nullable Entry<V> fromStored(String key, StoredValue sv) {
    return fromStored(key, sv, time.nanoTime(), time.currentTimeMillis());
  }

  /**
   * Like {@link #fromStored(String, StoredValue)} with the clocks read once by the caller (for
   * batches).
   */
  @Nullable Entry<V> fromStored(String key, StoredValue sv, long now, long wall) {
    long hard = TimeUnit.MILLISECONDS.toNanos(sv.hardUntilMillis() - wall);
    if (hard <= 0) {
      return null;
    }
    long fresh = TimeUnit.MILLISECONDS.toNanos(sv.freshUntilMillis() - wall);
    long stale = TimeUnit.MILLISECONDS.toNanos(sv.staleUntilMillis() - wall);
    V value = null;
    if (!sv.negative()) {
      try {
        value = codec.decode(sv.payload());
      } catch (RuntimeException e) {
        corrupt.accept(key, e);
        return null;
      }
    }
    return Entry.of(value, now, fresh, stale, hard, l1TtlNanos);
  }

  /**
   * Like {@link #fromStored(String, StoredValue, long, long)} for stored bytes whose header {@link
   * StoredValue#checkHeader} accepted: the header is read in place and the payload decoded from the
   * same array, without copying it.
   */
  @Nullable Entry<V> fromStored(String key, byte[] stored, long now, long wall) {
    long hard = TimeUnit.MILLISECONDS.toNanos(StoredValue.hardUntilMillis(stored) - wall);
    if (hard <= 0) {
      return null;
    }
    long fresh = TimeUnit.MILLISECONDS.toNanos(StoredValue.freshUntilMillis(stored) - wall);
    long stale = TimeUnit.MILLISECONDS.toNanos(StoredValue.staleUntilMillis(stored) - wall);
    V value = null;
    if (!StoredValue.isNegative(stored)) {
      try {
        value =
            codec.decode(
                stored, StoredValue.HEADER_BYTES, stored.length - StoredValue.HEADER_BYTES);
      } catch (RuntimeException e) {
        corrupt.accept(key, e);
        return null;
      }
    }
    return Entry.of(value, now, fresh, stale, hard, l1TtlNanos);
  }

  /** What {@link #freshValue} answers for a value that is not fresh or cannot be decoded. */
  static final Object MISS = new Object();

  /**
   * The value of checked stored bytes (see {@link #fromStored(String, byte[], long, long)}) if it
   * is fresh now (null for a cached absence), else {@link #MISS}: the same verdict as {@code
   * fromStored(...).isFreshAt(now)}, without an {@link Entry}, for a read that installs nothing.
   */
  @Nullable Object freshValue(String key, byte[] stored, long wall) {
    long hard = StoredValue.hardUntilMillis(stored) - wall;
    // Fresh at most as long as it lives, and an L1 cap does not apply: nothing goes to L1.
    if (hard <= 0 || StoredValue.freshUntilMillis(stored) - wall <= 0) {
      return MISS;
    }
    if (StoredValue.isNegative(stored)) {
      return null;
    }
    try {
      return codec.decode(
          stored, StoredValue.HEADER_BYTES, stored.length - StoredValue.HEADER_BYTES);
    } catch (RuntimeException e) {
      corrupt.accept(key, e);
      return MISS;
    }
  }
}
