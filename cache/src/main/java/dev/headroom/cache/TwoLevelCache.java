package dev.headroom.cache;

import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import dev.headroom.cache.redis.Invalidation;
import dev.headroom.cache.redis.RedisTier;
import dev.headroom.cache.redis.StoredValue;
import dev.headroom.core.health.Health;
import dev.headroom.core.health.HealthStatus;
import dev.headroom.core.key.KeySpace;
import dev.headroom.core.redis.RedisConnector;
import dev.headroom.core.time.TimeSource;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/*
 * The one implementation of Cache: a Caffeine L1 plus an optional RedisTier L2.
 *
 * Hot path. An L1 hit is Caffeine's getIfPresent, a freshness check and a LongAdder increment.
 * Caffeine's variable expiry (an Expiry reading each entry's hard expiry, with a Ticker on the
 * cache's TimeSource) already drops expired entries; it reads the ticker on each getIfPresent. So
 * an entry without stale windows ("simple") needs no extra clock read beyond Caffeine's own; only
 * caches with stale-while-revalidate or stale-if-error read the clock a second time on a hit. Counters are LongAdders that Micrometer reads through function counters: no
 * meter lookup or tag handling per get.
 *
 * Lifetimes. A put or load picks a TTL (default, tier or per put), spreads it by the jitter, and
 * derives fresh-until, stale-until (fresh + stale-while-revalidate) and hard expiry (fresh + the
 * larger stale window). L2 stores them as absolute wall-clock times in the value header and
 * expires the key at the hard expiry; an L1 entry built from an L2 value gets the same instants,
 * so L1 never outlives L2 (up to clock skew between processes), and l1Ttl can shorten it further.
 *
 * Single flight. Concurrent misses of one key in this process share one load through a map of
 * in-flight futures; the first caller loads on its own thread, the others wait for its result.
 * This is used instead of Caffeine's compute because the load includes a Redis round trip, a
 * possible lease wait and the user's loader: compute would hold a lock on Caffeine's hash bin for
 * all of that and block unrelated keys that share the bin.
 *
 * Lost updates. A load (or an L2 read) that started before an invalidation must not install its
 * older value after it. Each key maps to one of 64 epoch counters; invalidate, put, a received
 * message, a pattern or clear bump the counters (a pattern or clear bumps all), and install()
 * writes to L1 only inside Caffeine's compute, and only if the epoch is still the one read before
 * the load began. Since the invalidation bumps the epoch before it removes the L1 entry, either
 * the install sees the new epoch, or the removal comes after the install and removes it.
 *
 * Redis failures never surface: RedisTier answers misses and skips writes, and reports lost state
 * (a sequence gap, a re-subscription, a recovery from an outage) by onStateLost, which clears L1.
 */
final class TwoLevelCache<V> implements Cache<V>, RedisTier.Events {

  private static final Logger log = LoggerFactory.getLogger(TwoLevelCache.class);
  private static final int STRIPES = 64;
  private static final int WARM_BATCH = 100;

  private final CacheConfig<V> s;
  private final String name;
  private final @Nullable RedisConnector connector;
  private final long negativeTtlNanos;
  private final long swrNanos;
  private final long sieNanos;
  private final long l1TtlNanos;
  private final TimeSource time;
  private final com.github.benmanes.caffeine.cache.Cache<String, Entry<V>> l1;
  private final boolean l1Enabled;
  private final @Nullable RedisTier l2;
  private final KeySpace userKeys;
  private final int safeKeyChars;
  private final ConcurrentHashMap<String, CompletableFuture<Entry<V>>> inflight = new ConcurrentHashMap<>();
  private final Set<String> refreshing = ConcurrentHashMap.newKeySet();
  private final AtomicLongArray epochs = new AtomicLongArray(STRIPES);
  private final String leaseTokenPrefix = UUID.randomUUID() + ":";
  private final AtomicLong leaseTokens = new AtomicLong();
  private final @Nullable WriteBehind<V> writeBehind;
  private final CacheMeters meters;
  private volatile boolean closed;

  final LongAdder l1Hits = new LongAdder();
  final LongAdder l2Hits = new LongAdder();
  final LongAdder misses = new LongAdder();
  final LongAdder loads = new LongAdder();
  final LongAdder loadFailures = new LongAdder();
  final LongAdder staleServed = new LongAdder();
  final LongAdder evictions = new LongAdder();
  final LongAdder tooLarge = new LongAdder();

  TwoLevelCache(String name, CacheConfig<V> config, @Nullable RedisConnector connector) {
    this.s = config;
    this.name = name;
    this.time = config.timeSource;
    this.connector = connector;
    this.negativeTtlNanos = config.negativeTtlNanos();
    this.swrNanos = config.swrNanos();
    this.sieNanos = config.sieNanos();
    this.l1TtlNanos = config.l1TtlNanos();
    this.userKeys = config.keySpace.child(name);
    int room = userKeys.maxKeyBytes() - userKeys.prefix().getBytes(StandardCharsets.UTF_8).length;
    this.safeKeyChars = Math.max(0, room / 3);
    this.l1Enabled = config.maximumSize != 0 || config.weigher != null;
    Caffeine<String, Entry<V>> b = Caffeine.newBuilder().ticker(time::nanoTime)
        .<String, Entry<V>>expireAfter(new EntryExpiry<V>())
        .evictionListener((k, e, cause) -> evictions.increment());
    if (config.weigher != null) {
      com.github.benmanes.caffeine.cache.Weigher<String, ? super V> w = config.weigher;
      b.maximumWeight(config.maximumWeight).weigher((k, e) -> e.value == null ? 1 : w.weigh(k, e.value));
    } else {
      b.maximumSize(config.maximumSize);
    }
    this.l1 = b.build();
    this.l2 = connector == null ? null : RedisTier.create(connector,
        new RedisTier.Options(name, config.keySpace, config.l2Timeout, config.patternDepth, config.singleSlot,
            config.longestLife(), config.breakerFailures, config.breakerOpen, time), this);
    this.writeBehind = config.writeStrategy == WriteStrategy.WRITE_BEHIND
        ? new WriteBehind<>(name, Objects.requireNonNull(config.writer), config.writeBehindBatch,
            config.writeBehindInterval, config.writeBehindMaxPending, config.writeBehindBackoff,
            config.writeFailureListener)
        : null;
    this.meters = new CacheMeters(config.meterRegistry, this);
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

  // ------------------------------------------------------------------ reads

  /**
   * The L1 entry of {@code key} if it is fresh, counted as an L1 hit; else null. A simple entry
   * needs no clock read: Caffeine's expiry has already checked it.
   */
  private @Nullable Entry<V> freshInL1(String key) {
    Entry<V> e = l1.getIfPresent(key);
    if (e != null && (e.simple || e.isFreshAt(time.nanoTime()))) {
      l1Hits.increment();
      return e;
    }
    return null;
  }

  @Override
  public @Nullable V get(String key) {
    Entry<V> e = freshInL1(Objects.requireNonNull(key, "key"));
    return e != null ? e.value : getFromL2(key);
  }

  private @Nullable V getFromL2(String key) {
    checkKey(key);
    RedisTier tier = l2;
    if (tier == null) {
      misses.increment();
      return null;
    }
    long stamp = stamp(key);
    StoredValue sv = tier.get(key);
    long now = time.nanoTime();
    Entry<V> e = sv == null ? null : fromStored(key, sv, now, time.currentTimeMillis());
    if (e == null || !e.isFreshAt(now)) {
      misses.increment();
      return null;
    }
    install(key, e, stamp);
    l2Hits.increment();
    return e.value;
  }

  @Override
  public @Nullable V get(String key, CacheLoader<? extends V> loader) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(loader, "loader");
    Entry<V> fresh = freshInL1(key);
    if (fresh != null) {
      return fresh.value;
    }
    // Past its TTL (only an entry with stale windows is still in L1 then): serve it while one
    // reload runs, or keep it for the loader to fall back on.
    Entry<V> e = l1.getIfPresent(key);
    long now = time.nanoTime();
    if (e != null && e.isServableStaleAt(now)) {
      l1Hits.increment();
      // Fresh after all if another thread installed a new entry since the first look.
      if (!e.isFreshAt(now)) {
        staleServed.increment();
        refresh(key, loader);
      }
      return e.value;
    }
    return load(key, loader, e).value;
  }

  private Entry<V> load(String key, CacheLoader<? extends V> loader, @Nullable Entry<V> stale) {
    checkKey(key);
    CompletableFuture<Entry<V>> mine = new CompletableFuture<>();
    CompletableFuture<Entry<V>> running = inflight.putIfAbsent(key, mine);
    if (running != null) {
      misses.increment();
      return join(running);
    }
    try {
      Entry<V> r = lead(key, loader, stale);
      mine.complete(r);
      return r;
    } catch (RuntimeException | Error t) {
      mine.completeExceptionally(t);
      throw t;
    } finally {
      inflight.remove(key, mine);
    }
  }

  private static <V> Entry<V> join(CompletableFuture<Entry<V>> f) {
    try {
      return f.join();
    } catch (CompletionException e) {
      Throwable c = e.getCause();
      if (c instanceof RuntimeException re) {
        throw re;
      }
      if (c instanceof Error err) {
        throw err;
      }
      throw e;
    }
  }

  /** The load of the single-flight leader: L2, then the lease, then the loader. */
  private Entry<V> lead(String key, CacheLoader<? extends V> loader, @Nullable Entry<V> stale) {
    long stamp = stamp(key);
    RedisTier tier = l2;
    String leaseToken = null;
    if (tier != null) {
      StoredValue sv = tier.get(key);
      Entry<V> found = sv == null ? null : fromStored(key, sv);
      if (found != null) {
        long now = time.nanoTime();
        if (found.isFreshAt(now)) {
          install(key, found, stamp);
          l2Hits.increment();
          return found;
        }
        if (found.isServableStaleAt(now)) {
          install(key, found, stamp);
          l2Hits.increment();
          staleServed.increment();
          refresh(key, loader);
          return found;
        }
        if (stale == null || found.hardUntil - stale.hardUntil > 0) {
          stale = found;
        }
      }
      if (s.leaseTime != null) {
        String token = leaseTokenPrefix + leaseTokens.incrementAndGet();
        RedisTier.Lease lease = tier.tryLease(key, token, s.leaseTime);
        if (lease == RedisTier.Lease.ACQUIRED) {
          leaseToken = token;
        } else if (lease == RedisTier.Lease.HELD) {
          StoredValue waited = tier.awaitValue(key, Objects.requireNonNull(s.leaseWait));
          Entry<V> w = waited == null ? null : fromStored(key, waited);
          if (w != null && w.isFreshAt(time.nanoTime())) {
            install(key, w, stamp);
            l2Hits.increment();
            return w;
          }
        }
      }
    }
    misses.increment();
    String token = leaseToken;
    return callLoader(key, loader, stale, stamp, token == null ? null : () -> tier.releaseLease(key, token));
  }

  /**
   * Loads {@code key}, installs the value and writes it to L2 in the background; then runs
   * {@code afterStore} (if any): once Redis has answered the write, or at once when nothing was
   * written (the load failed, or the key was invalidated meanwhile). Releasing the stampede lease
   * there, not before, keeps waiting processes from finding neither the lease nor the value: the
   * release goes over another connection and could otherwise overtake the write.
   */
  private Entry<V> callLoader(String key, CacheLoader<? extends V> loader, @Nullable Entry<V> stale, long stamp,
      @Nullable Runnable afterStore) {
    CompletableFuture<Void> stored = null;
    try {
      long start = System.nanoTime();
      V value;
      try {
        value = loader.load(key);
      } catch (Exception ex) {
        CacheLoadException failure = loadFailed("key '" + key + "'", ex, start);
        if (stale != null && stale.isAliveAt(time.nanoTime())) {
          staleServed.increment();
          log.debug("cache '{}': loading '{}' failed; serving the stale value", name, key, ex);
          return stale;
        }
        throw failure;
      }
      loads.increment();
      recordLoad(start);
      Map<String, @Nullable StoredValue> toL2 = new HashMap<>(2);
      Entry<V> e = prepare(key, value, s.defaultTtl, toL2);
      if (installed(key, e, stamp) && l2 != null && !toL2.isEmpty()) {
        stored = l2.write(toL2, false);
      }
      return e;
    } finally {
      if (afterStore != null) {
        if (stored == null) {
          afterStore.run();
        } else {
          stored.whenComplete((r, t) -> afterStore.run());
        }
      }
    }
  }

  /** Counts a failed load and answers the exception that reports it. */
  private CacheLoadException loadFailed(String what, Exception ex, long startNanos) {
    loadFailures.increment();
    recordLoad(startNanos);
    if (ex instanceof InterruptedException) {
      Thread.currentThread().interrupt();
    }
    return new CacheLoadException(name, what, ex);
  }

  private void recordLoad(long startNanos) {
    meters.recordLoad(System.nanoTime() - startNanos);
  }

  /** One background reload of {@code key} at a time; its value replaces the stale one in both levels. */
  private void refresh(String key, CacheLoader<? extends V> loader) {
    if (!refreshing.add(key)) {
      return;
    }
    long stamp = stamp(key);
    try {
      s.executor.execute(() -> {
        try {
          callLoader(key, loader, null, stamp, null);
        } catch (RuntimeException e) {
          log.debug("cache '{}': background reload of '{}' failed; the stale value stays", name, key, e);
        } finally {
          refreshing.remove(key);
        }
      });
    } catch (RejectedExecutionException e) {
      refreshing.remove(key);
    }
  }

  @Override
  public Map<String, V> getAll(Collection<String> keys) {
    return getAllInternal(keys, null);
  }

  @Override
  public Map<String, V> getAll(Collection<String> keys, BulkLoader<? extends V> loader) {
    return getAllInternal(keys, Objects.requireNonNull(loader, "loader"));
  }

  private Map<String, V> getAllInternal(Collection<String> keys, @Nullable BulkLoader<? extends V> loader) {
    List<String> wanted = distinct(keys);
    Map<String, Entry<V>> found = new HashMap<>();
    List<String> missing = new ArrayList<>();
    for (String k : wanted) {
      Entry<V> e = freshInL1(k);
      if (e != null) {
        found.put(k, e);
      } else {
        checkKey(k);
        missing.add(k);
      }
    }
    if (!missing.isEmpty() && l2 != null) {
      long[] stamps = stamps(missing);
      Map<String, StoredValue> fromL2 = l2.getAll(missing);
      List<String> still = new ArrayList<>();
      long after = time.nanoTime();
      long wall = time.currentTimeMillis();
      int hits = 0;
      for (int i = 0; i < missing.size(); i++) {
        String k = missing.get(i);
        StoredValue sv = fromL2.get(k);
        Entry<V> e = sv == null ? null : fromStored(k, sv, after, wall);
        if (e != null && e.isFreshAt(after)) {
          install(k, e, stamps[i]);
          hits++;
          found.put(k, e);
        } else {
          still.add(k);
        }
      }
      l2Hits.add(hits);
      missing = still;
    }
    misses.add(missing.size());
    if (loader != null && !missing.isEmpty()) {
      long[] stamps = stamps(missing);
      long start = System.nanoTime();
      Map<String, ? extends V> loaded;
      try {
        loaded = loader.loadAll(Collections.unmodifiableSet(new LinkedHashSet<>(missing)));
      } catch (Exception ex) {
        throw loadFailed(missing.size() + " keys", ex, start);
      }
      loads.increment();
      recordLoad(start);
      Map<String, @Nullable StoredValue> toL2 = new LinkedHashMap<>();
      for (int i = 0; i < missing.size(); i++) {
        String k = missing.get(i);
        V v = loaded == null ? null : loaded.get(k);
        Map<String, @Nullable StoredValue> one = new HashMap<>(2);
        Entry<V> e = prepare(k, v, s.defaultTtl, one);
        if (installed(k, e, stamps[i])) {
          toL2.putAll(one);
        }
        found.put(k, e);
      }
      if (l2 != null) {
        l2.write(toL2, false);
      }
    }
    Map<String, V> out = new LinkedHashMap<>();
    for (String k : wanted) {
      Entry<V> e = found.get(k);
      if (e != null && e.value != null) {
        out.put(k, e.value);
      }
    }
    return out;
  }

  // ------------------------------------------------------------------ writes

  @Override
  public void put(String key, V value) {
    await(putAsync(key, value, s.defaultTtl));
  }

  @Override
  public void put(String key, V value, TtlTier tier) {
    Objects.requireNonNull(tier, "tier");
    await(putAsync(key, value, Objects.requireNonNull(s.tiers.get(tier))));
  }

  @Override
  public void put(String key, V value, Duration ttl) {
    await(putAsync(key, value, checkTtl(ttl)));
  }

  @Override
  public CompletableFuture<Void> putAsync(String key, V value) {
    return putAsync(key, value, s.defaultTtl);
  }

  private CompletableFuture<Void> putAsync(String key, V value, Duration ttl) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(value, "value");
    return putAllAsync(Map.of(key, value), ttl);
  }

  @Override
  public void putAll(Map<String, ? extends V> values) {
    Objects.requireNonNull(values, "values");
    Map<String, V> copy = new LinkedHashMap<>();
    values.forEach((k, v) -> copy.put(Objects.requireNonNull(k, "values contains a null key"),
        Objects.requireNonNull(v, "values contains a null value")));
    awaitBulk(putAllAsync(copy, s.defaultTtl));
  }

  private CompletableFuture<Void> putAllAsync(Map<String, V> values, Duration ttl) {
    for (String k : values.keySet()) {
      checkKey(k);
    }
    Map<String, @Nullable StoredValue> toL2 = new LinkedHashMap<>();
    Map<String, Entry<V>> entries = new LinkedHashMap<>();
    for (Map.Entry<String, V> kv : values.entrySet()) {
      entries.put(kv.getKey(), prepare(kv.getKey(), kv.getValue(), ttl, toL2));
    }
    writeToSystemOfRecord(values);
    entries.forEach(this::installNow);
    return l2 == null ? CompletableFuture.completedFuture(null) : l2.write(toL2, true);
  }

  private void writeToSystemOfRecord(Map<String, V> values) {
    if (s.writeStrategy == WriteStrategy.WRITE_THROUGH) {
      try {
        Objects.requireNonNull(s.writer).writeAll(Collections.unmodifiableMap(values));
      } catch (Exception e) {
        if (e instanceof InterruptedException) {
          Thread.currentThread().interrupt();
        }
        throw new CacheWriteException(name, "write-through of " + describe(values.keySet())
            + " failed; the cache was not changed", e);
      }
    } else if (writeBehind != null) {
      writeBehind.enqueue(values);
    }
  }

  @Override
  public void invalidate(String key) {
    await(invalidateAsync(key));
  }

  @Override
  public CompletableFuture<Void> invalidateAsync(String key) {
    Objects.requireNonNull(key, "key");
    dropLocally(key);
    return l2 == null ? CompletableFuture.completedFuture(null) : l2.delete(List.of(key), true);
  }

  @Override
  public void invalidateAll(Collection<String> keys) {
    List<String> list = distinct(keys);
    list.forEach(this::dropLocally);
    if (l2 != null) {
      awaitBulk(l2.delete(list, true));
    }
  }

  @Override
  public void invalidatePattern(String pattern) {
    String prefix = Patterns.prefix(name, pattern, s.patternDepth);
    dropPrefixLocally(prefix);
    if (l2 != null) {
      await(l2.invalidatePrefix(prefix));
    }
  }

  @Override
  public void clear() {
    dropAllLocally();
    if (l2 != null) {
      await(l2.invalidatePrefix(""));
    }
  }

  @Override
  public int warm(Collection<String> keys, BulkLoader<? extends V> loader) {
    Objects.requireNonNull(loader, "loader");
    List<String> all = distinct(keys);
    all.forEach(this::checkKey);
    int stored = 0;
    for (int from = 0; from < all.size(); from += WARM_BATCH) {
      List<String> batch = all.subList(from, Math.min(all.size(), from + WARM_BATCH));
      Map<String, ? extends V> loaded;
      long start = System.nanoTime();
      try {
        loaded = loader.loadAll(Collections.unmodifiableSet(new LinkedHashSet<>(batch)));
      } catch (Exception ex) {
        throw loadFailed("a warm-up batch of " + batch.size() + " keys", ex, start);
      }
      loads.increment();
      recordLoad(start);
      Map<String, @Nullable StoredValue> toL2 = new LinkedHashMap<>();
      for (String k : batch) {
        V v = loaded == null ? null : loaded.get(k);
        if (v != null) {
          installNow(k, prepare(k, v, s.defaultTtl, toL2));
          stored++;
        }
      }
      if (l2 != null) {
        awaitBulk(l2.write(toL2, true));
      }
    }
    return stored;
  }

  // ------------------------------------------------------------------ async

  @Override
  public CompletableFuture<@Nullable V> getAsync(String key) {
    Entry<V> e = freshInL1(Objects.requireNonNull(key, "key"));
    if (e != null) {
      return CompletableFuture.completedFuture(e.value);
    }
    checkKey(key);
    RedisTier tier = l2;
    if (tier == null) {
      misses.increment();
      return CompletableFuture.completedFuture(null);
    }
    long stamp = stamp(key);
    // Decoding (the codec, up to maxL2ValueBytes) and the install (a Caffeine compute) run on the
    // cache's executor, not on the Redis I/O thread that completes the read.
    return tier.getAsync(key).thenApplyAsync(sv -> {
      Entry<V> found = sv == null ? null : fromStored(key, sv);
      if (found == null || !found.isFreshAt(time.nanoTime())) {
        misses.increment();
        return null;
      }
      install(key, found, stamp);
      l2Hits.increment();
      return found.value;
    }, s.executor);
  }

  @Override
  public CompletableFuture<@Nullable V> getAsync(String key, CacheLoader<? extends V> loader) {
    Objects.requireNonNull(loader, "loader");
    Entry<V> e = freshInL1(Objects.requireNonNull(key, "key"));
    if (e != null) {
      return CompletableFuture.completedFuture(e.value);
    }
    return CompletableFuture.supplyAsync(() -> get(key, loader), s.executor);
  }

  @Override
  public CompletableFuture<Map<String, V>> getAllAsync(Collection<String> keys, BulkLoader<? extends V> loader) {
    Objects.requireNonNull(loader, "loader");
    List<String> wanted = distinct(keys);
    Map<String, V> out = new LinkedHashMap<>();
    for (int i = 0; i < wanted.size(); i++) {
      Entry<V> e = freshInL1(wanted.get(i));
      if (e == null) {
        // The keys before this one were L1 hits (counted); the rest go through getAll, after them.
        List<String> rest = wanted.subList(i, wanted.size());
        return CompletableFuture.supplyAsync(() -> {
          out.putAll(getAll(rest, loader));
          return out;
        }, s.executor);
      }
      if (e.value != null) {
        out.put(wanted.get(i), e.value);
      }
    }
    return CompletableFuture.completedFuture(out);
  }

  // ------------------------------------------------------------------ entries and L1

  private Duration checkTtl(Duration ttl) {
    Objects.requireNonNull(ttl, "ttl");
    if (ttl.isNegative() || ttl.isZero()) {
      throw new IllegalArgumentException("cache '" + name + "': ttl must be positive, was " + ttl);
    }
    if (ttl.compareTo(s.maxTtl) > 0) {
      throw new IllegalArgumentException("cache '" + name + "': ttl " + ttl + " exceeds the cache's maxTtl " + s.maxTtl);
    }
    return ttl;
  }

  private long jittered(Duration ttl) {
    long nanos = ttl.toNanos();
    if (s.jitter == 0) {
      return nanos;
    }
    double f = 1 + s.jitter * (2 * java.util.concurrent.ThreadLocalRandom.current().nextDouble() - 1);
    return Math.max(1, (long) (nanos * f));
  }

  /**
   * The L1 entry for a value (null: absent) and, into {@code toL2}, what L2 should hold for it:
   * the stored value, or null to delete the key (too large for L2). Nothing when a null value is
   * not to be cached (negative TTL 0): the entry returned then is not meant to be installed.
   */
  private Entry<V> prepare(String key, @Nullable V value, Duration ttl, Map<String, @Nullable StoredValue> toL2) {
    long now = time.nanoTime();
    if (value == null) {
      if (negativeTtlNanos == 0) {
        return Entry.of(null, now, 0, 0, 0, 0);
      }
      long life = negativeTtlNanos;
      if (l2 != null) {
        long wall = time.currentTimeMillis();
        long until = wall + TimeUnit.NANOSECONDS.toMillis(life);
        toL2.put(key, StoredValue.absent(until, until));
      }
      return Entry.of(null, now, life, life, life, l1TtlNanos);
    }
    long fresh = jittered(ttl);
    long stale = fresh + swrNanos;
    long hard = fresh + Math.max(swrNanos, sieNanos);
    if (l2 != null) {
      byte[] payload = encode(key, value);
      if (payload == null || payload.length > s.maxL2ValueBytes) {
        if (payload != null) {
          tooLarge.increment();
        }
        toL2.put(key, null);
      } else {
        long wall = time.currentTimeMillis();
        toL2.put(key, new StoredValue(false, wall + TimeUnit.NANOSECONDS.toMillis(fresh),
            wall + TimeUnit.NANOSECONDS.toMillis(stale), wall + TimeUnit.NANOSECONDS.toMillis(hard), payload));
      }
    }
    return Entry.of(value, now, fresh, stale, hard, l1TtlNanos);
  }

  private byte @Nullable [] encode(String key, V value) {
    try {
      return s.codec.encode(value);
    } catch (RuntimeException e) {
      log.warn("cache '{}': could not encode the value of '{}' for Redis; it stays in L1 only", name, key, e);
      return null;
    }
  }

  /** The L1 entry of an L2 value, or null if it has expired or cannot be decoded (then it is deleted). */
  private @Nullable Entry<V> fromStored(String key, StoredValue sv) {
    return fromStored(key, sv, time.nanoTime(), time.currentTimeMillis());
  }

  /** Like {@link #fromStored(String, StoredValue)} with the clocks read once by the caller (for batches). */
  private @Nullable Entry<V> fromStored(String key, StoredValue sv, long now, long wall) {
    long hard = TimeUnit.MILLISECONDS.toNanos(sv.hardUntilMillis() - wall);
    if (hard <= 0) {
      return null;
    }
    long fresh = TimeUnit.MILLISECONDS.toNanos(sv.freshUntilMillis() - wall);
    long stale = TimeUnit.MILLISECONDS.toNanos(sv.staleUntilMillis() - wall);
    V value = null;
    if (!sv.negative()) {
      try {
        value = s.codec.decode(sv.payload());
      } catch (RuntimeException e) {
        Objects.requireNonNull(l2).corrupt(key, e);
        return null;
      }
    }
    return Entry.of(value, now, fresh, stale, hard, l1TtlNanos);
  }

  private int stripe(String key) {
    int h = key.hashCode();
    return (h ^ (h >>> 16)) & (STRIPES - 1);
  }

  private long stamp(String key) {
    return epochs.get(stripe(key));
  }

  private long[] stamps(List<String> keys) {
    long[] out = new long[keys.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = stamp(keys.get(i));
    }
    return out;
  }

  /** Installs a loaded or read entry unless the key was invalidated since {@code stamp}. */
  private void install(String key, Entry<V> e, long stamp) {
    installed(key, e, stamp);
  }

  private boolean installed(String key, Entry<V> e, long stamp) {
    if (e.value == null && negativeTtlNanos == 0) {
      return false;
    }
    int i = stripe(key);
    if (!l1Enabled) {
      return epochs.get(i) == stamp;
    }
    // e is a new entry, so the map holds it afterwards exactly when the epoch allowed the install.
    return l1.asMap().compute(key, (k, old) -> epochs.get(i) == stamp ? e : old) == e;
  }

  /** Installs a put value: it wins over loads in flight, which started before it. */
  private void installNow(String key, Entry<V> e) {
    epochs.incrementAndGet(stripe(key));
    inflight.remove(key);
    if (l1Enabled) {
      l1.put(key, e);
    }
  }

  private void dropLocally(String key) {
    epochs.incrementAndGet(stripe(key));
    inflight.remove(key);
    l1.invalidate(key);
  }

  private void dropPrefixLocally(String prefix) {
    bumpAllEpochs();
    inflight.keySet().removeIf(k -> k.startsWith(prefix));
    l1.asMap().keySet().removeIf(k -> k.startsWith(prefix));
  }

  private void dropAllLocally() {
    bumpAllEpochs();
    inflight.clear();
    l1.invalidateAll();
  }

  private void bumpAllEpochs() {
    for (int i = 0; i < STRIPES; i++) {
      epochs.incrementAndGet(i);
    }
  }

  private void checkKey(String key) {
    if (key.isEmpty() || key.length() > safeKeyChars) {
      userKeys.key(key);
    }
  }

  private List<String> distinct(Collection<String> keys) {
    Objects.requireNonNull(keys, "keys");
    LinkedHashSet<String> set = new LinkedHashSet<>();
    for (String k : keys) {
      set.add(Objects.requireNonNull(k, "keys contains a null key"));
    }
    return new ArrayList<>(set);
  }

  private static String describe(Set<String> keys) {
    return keys.size() == 1 ? "key '" + keys.iterator().next() + "'" : keys.size() + " keys";
  }

  /** Waits for an L2 write or invalidation of one key (which never fails) for a bounded time. */
  private void await(CompletableFuture<Void> f) {
    awaitFor(f, s.l2Timeout.toNanos() * 4);
  }

  /** Waits for a write of many keys, for at most the connector's command timeout. */
  private void awaitBulk(CompletableFuture<Void> f) {
    long commandTimeout = connector == null ? 0 : connector.options().commandTimeout().toNanos();
    awaitFor(f, Math.max(s.l2Timeout.toNanos() * 4, commandTimeout));
  }

  private void awaitFor(CompletableFuture<Void> f, long nanos) {
    if (f.isDone()) {
      return;
    }
    try {
      f.get(nanos, TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      log.debug("cache '{}': Redis did not confirm a write in time; it continues in the background", name);
    }
  }

  // ------------------------------------------------------------------ events from L2

  @Override
  public void onInvalidation(Invalidation m) {
    switch (m.op()) {
      case KEYS -> m.keys().forEach(this::dropLocally);
      case PREFIX -> dropPrefixLocally(m.prefix());
      case CLEAR -> dropAllLocally();
      default -> throw new AssertionError(m.op());
    }
  }

  @Override
  public void onStateLost(String reason) {
    log.info("cache '{}': clearing L1 because {}", name, reason);
    dropAllLocally();
  }

  // ------------------------------------------------------------------ state

  @Override
  public String name() {
    return name;
  }

  @Override
  public boolean isTwoLevel() {
    return l2 != null;
  }

  @Override
  public void flush() {
    if (writeBehind != null) {
      writeBehind.flush();
    }
  }

  @Override
  public CacheStats stats() {
    RedisTier t = l2;
    return new CacheStats(l1Hits.sum(), l2Hits.sum(), misses.sum(), loads.sum(), loadFailures.sum(),
        staleServed.sum(), evictions.sum(), t == null ? 0 : t.errors(), t == null ? 0 : t.skipped(), tooLarge.sum(),
        t == null ? 0 : t.corrupt(), t == null ? 0 : t.sent(), t == null ? 0 : t.received(), t == null ? 0 : t.gaps(),
        writeBehind == null ? 0 : writeBehind.pending(), writeBehind == null ? 0 : writeBehind.failures());
  }

  @Override
  public long l1Size() {
    return l1.estimatedSize();
  }

  /** The tier, for meters and tests in this package. */
  @Nullable RedisTier tier() {
    return l2;
  }

  @Nullable WriteBehind<V> writeBehind() {
    return writeBehind;
  }

  /** UP; with Redis, DEGRADED while it is unreachable or the channel is not subscribed (L1 and loaders still serve). */
  @Override
  public Health health() {
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("levels", l2 == null ? "l1" : "l1+l2");
    d.put("l1Size", l1.estimatedSize());
    HealthStatus status = HealthStatus.UP;
    if (l2 != null) {
      status = l2.status();
      d.putAll(l2.details());
    }
    if (writeBehind != null) {
      d.put("writeBehindPending", writeBehind.pending());
    }
    if (closed) {
      d.put("closed", true);
      status = HealthStatus.DOWN;
    }
    return Health.of(status, d);
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (writeBehind != null) {
      writeBehind.close();
    }
    if (l2 != null) {
      l2.close();
    }
    meters.close();
  }

  @Override
  public String toString() {
    return "Cache[" + name + (l2 == null ? ", l1" : ", l1+l2") + "]";
  }
}
