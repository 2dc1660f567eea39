package dev.headroom.cache;

import dev.headroom.core.health.HealthCheck;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/**
 * A cache of values of type {@code V} under String keys, in two levels: a bounded in-process L1
 * (Caffeine) and, when made by {@link Caches#redis}, an L2 shared by every process on that Redis.
 * Made by {@link Caches#inMemory} it is L1 only, with the same contract.
 *
 * <ul>
 *   <li><b>Reads</b> look in L1, then L2; {@link #get(String, CacheLoader)} loads a miss once per
 *       process (concurrent callers of one key share the load) and, with a stampede lease, once
 *       across processes. A loader's {@code null} is cached as "absent" for the negative TTL.
 *   <li><b>Expiry</b>: every entry has a TTL (the default, a {@link TtlTier} or per put), spread by
 *       jitter; L1 never keeps an entry longer than L2 does. With stale-while-revalidate an entry
 *       past its TTL is served by {@code get(key, loader)} while one background reload runs.
 *   <li><b>Invalidation</b> by key, keys, pattern ({@code "user:42:*"}) or {@link #clear()} reaches
 *       the L1 of every process on the same Redis within milliseconds.
 *   <li><b>Redis down or slow</b>: L2 reads time out fast and count as misses, writes to L2 are
 *       skipped; no exception reaches a caller because of Redis. The cache recovers by itself.
 * </ul>
 *
 * <p>Keys are non-empty, well-formed UTF-16 Strings (no unpaired surrogate, which UTF-8 would turn
 * into '?') of at most the key space's limit ({@code prefix + key} in UTF-8); a null key or value
 * fails with {@link NullPointerException} naming the argument, any other bad key, in every method
 * that takes one (the invalidations and the pattern's prefix too), with {@link
 * dev.headroom.core.key.InvalidKeyException}. L1 holds the value objects themselves (not copies):
 * do not mutate a value after putting it. Thread-safe.
 *
 * @param <V> the value type
 */
public interface Cache<V> extends HealthCheck, AutoCloseable {

  /**
   * The name the cache was made with ({@code Caches.inMemory(name, ...)}), e.g. {@code "users"};
   * unique per key space. {@link CacheRegistry#get(String)}, the {@code cache} tag of its meters,
   * its health and its Redis keys all use it.
   */
  @Override
  String name();

  /** Whether this cache has a Redis L2. */
  boolean isTwoLevel();

  /**
   * The value of {@code key} from L1 or L2, or null when absent, cached as absent, or past its TTL.
   * Never loads. Waits at most the L2 timeout.
   */
  @Nullable V get(String key);

  /**
   * The value of {@code key}, loaded by {@code loader} on a miss and cached in both levels. Only
   * one load per key runs at a time in this process; callers that arrive meanwhile wait for it. A
   * null from the loader is cached as absent (see {@link CacheConfig.Builder#negativeTtl}) and
   * returned.
   *
   * @throws CacheLoadException if the loader fails and no stale value may be served in its place
   */
  @Nullable V get(String key, CacheLoader<? extends V> loader);

  /** The present values of {@code keys} from L1 and L2 (one round trip to Redis); never loads. */
  Map<String, V> getAll(Collection<String> keys);

  /**
   * The values of {@code keys}: L1 first, then L2 in one round trip, then one call of {@code
   * loader} for the rest. Keys the loader does not return are cached as absent and left out of the
   * result. The result iterates in the order of {@code keys}.
   *
   * @throws CacheLoadException if the bulk loader fails
   */
  Map<String, V> getAll(Collection<String> keys, BulkLoader<? extends V> loader);

  /** Stores a value with the default TTL (see the write strategy for what else happens). */
  void put(String key, V value);

  /** Stores a value with the TTL of a tier. */
  void put(String key, V value, TtlTier tier);

  /**
   * Stores a value with its own TTL (jitter applies).
   *
   * @throws IllegalArgumentException if {@code ttl} is not positive or above the cache's maximum
   *     TTL
   */
  void put(String key, V value, Duration ttl);

  /**
   * Stores several values with the default TTL. Other processes are told to drop these keys from
   * their L1 by invalidation messages of at most 1 000 keys each: one message for up to 1 000 keys,
   * one more for each further 1 000.
   */
  void putAll(Map<String, ? extends V> values);

  /** Removes {@code key} from both levels and from every other process's L1. */
  void invalidate(String key);

  /** Removes {@code keys} from both levels and from every other process's L1. */
  void invalidateAll(Collection<String> keys);

  /**
   * Removes every key that starts with a prefix, in both levels and every process, in O(1) on Redis
   * (no {@code KEYS}, no {@code SCAN}). The pattern is {@code prefix*} where the prefix is made of
   * whole segments ending with {@code ':'}, has no other glob character, and has at most {@link
   * CacheConfig.Builder#patternDepth(int) patternDepth} segments: {@code "user:*"}, {@code
   * "user:42:*"}. Matching is literal, so glob characters inside keys match nothing special.
   *
   * @throws IllegalArgumentException for any other pattern, naming the rule it breaks; {@code "*"}
   *     alone is refused: use {@link #clear()}
   * @throws CacheInvalidationException if Redis answered with an error (such as {@code OOM}): L2
   *     still holds the entries
   */
  void invalidatePattern(String pattern);

  /**
   * Removes every entry of this cache, in both levels and every process.
   *
   * @throws CacheInvalidationException if Redis answered with an error (such as {@code OOM}): L2
   *     still holds the entries
   */
  void clear();

  /**
   * Loads {@code keys} with {@code loader} in batches and stores the values in both levels, for
   * filling a cache before traffic arrives.
   *
   * @return how many values were loaded and stored
   * @throws CacheLoadException if a batch fails (batches stored before it stay)
   */
  int warm(Collection<String> keys, BulkLoader<? extends V> loader);

  /**
   * Like {@link #get(String)} without blocking: an L1 hit completes at once, an L2 read when Redis
   * answers or times out (the value is then decoded on the cache's executor).
   */
  CompletableFuture<@Nullable V> getAsync(String key);

  /** Like {@link #get(String, CacheLoader)}, with a miss loaded on the cache's executor. */
  CompletableFuture<@Nullable V> getAsync(String key, CacheLoader<? extends V> loader);

  /**
   * Like {@link #getAll(Collection, BulkLoader)}, on the cache's executor unless every key is in
   * L1.
   */
  CompletableFuture<Map<String, V>> getAllAsync(
      Collection<String> keys, BulkLoader<? extends V> loader);

  /**
   * Like {@link #put(String, Object)}; the future completes when L2 has the value and other
   * processes were told (never exceptionally because of Redis).
   */
  CompletableFuture<Void> putAsync(String key, V value);

  /**
   * Like {@link #invalidate(String)}; the future completes when L2 and other processes were told.
   */
  CompletableFuture<Void> invalidateAsync(String key);

  /**
   * Writes every pending write-behind value to the writer now; no-op for other write strategies.
   */
  void flush();

  /** Counters since the cache was built. */
  CacheStats stats();

  /** The number of entries in L1 (an estimate, as Caffeine's). */
  long l1Size();

  /**
   * Flushes write-behind, unsubscribes from invalidations and removes the cache's meters; the Redis
   * connector is shared and stays open. Idempotent.
   */
  @Override
  void close();
}
