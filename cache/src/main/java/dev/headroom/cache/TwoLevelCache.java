package dev.headroom.cache;

import dev.headroom.cache.redis.Invalidation;
import dev.headroom.cache.redis.RedisTier;
import dev.headroom.cache.redis.StoredValue;
import dev.headroom.core.concurrent.Failures;
import dev.headroom.core.health.Health;
import dev.headroom.core.health.HealthStatus;
import dev.headroom.core.key.InvalidKeyException;
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
import java.util.concurrent.atomic.LongAdder;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/*
 * The one implementation of Cache: the read and write paths over an EpochGuardedL1 and an
 * optional RedisTier L2, with entries shaped by EntryLifetimes.
 *
 * Hot path. An L1 hit is Caffeine's getIfPresent, a type check and a LongAdder increment. An
 * entry without stale windows ("simple") is held as its bare value (see EpochGuardedL1) and needs
 * no clock read beyond Caffeine's own; only entries with stale-while-revalidate or stale-if-error
 * windows are held as an Entry, and read the clock a second time on a hit. Counters
 * are LongAdders that Micrometer reads through function counters: no meter lookup or tag handling
 * per get.
 *
 * Single flight. Concurrent misses of one key in this process share one load through a map of
 * in-flight futures; the first caller loads on its own thread, the others wait for its result.
 * This is used instead of Caffeine's compute because the load includes a Redis round trip, a
 * possible lease wait and the user's loader: compute would hold a lock on Caffeine's hash bin for
 * all of that and block unrelated keys that share the bin. Every read or load takes the key's
 * stamp from L1 first and installs through it (see EpochGuardedL1), so an invalidation that comes
 * meanwhile wins.
 *
 * Redis failures never surface: RedisTier answers misses and skips writes (remembering them for a
 * repair when Redis answers, see RedisTier), and reports lost state
 * (a sequence gap, a re-subscription, a recovery from an outage) by onStateLost, which clears L1.
 */
final class TwoLevelCache<V> implements Cache<V>, RedisTier.Events {

  private static final Logger log = LoggerFactory.getLogger(TwoLevelCache.class);
  private static final int WARM_BATCH = 100;

  private final CacheConfig<V> s;
  private final String name;
  private final TimeSource time;
  private final @Nullable RedisConnector connector;
  private final EpochGuardedL1<V> l1;
  private final EntryLifetimes<V> lifetimes;
  private final @Nullable RedisTier l2;
  private final KeySpace userKeys;
  private final int safeKeyChars;
  private final ConcurrentHashMap<String, CompletableFuture<Entry<V>>> inflight =
      new ConcurrentHashMap<>();
  private final Set<String> refreshing = ConcurrentHashMap.newKeySet();
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
    CacheMeters.refuseDuplicate(config.meterRegistry, name);
    this.s = config;
    this.name = name;
    this.time = config.timeSource;
    this.connector = connector;
    this.userKeys = config.keySpace.child(name);
    int room = userKeys.maxKeyBytes() - userKeys.prefix().getBytes(StandardCharsets.UTF_8).length;
    this.safeKeyChars = Math.max(0, room / 3);
    this.l1 =
        new EpochGuardedL1<>(
            config.maximumSize, config.maximumWeight, config.weigher, time, evictions);
    this.lifetimes =
        new EntryLifetimes<>(name, config, connector != null, tooLarge, this::corruptInL2);
    this.l2 =
        connector == null
            ? null
            : RedisTier.create(
                connector,
                new RedisTier.Options(
                    name,
                    config.keySpace,
                    config.l2Timeout,
                    config.patternDepth,
                    config.singleSlot,
                    config.longestLife(),
                    config.breakerFailures,
                    config.breakerOpen,
                    time,
                    config.executor),
                this);
    this.writeBehind =
        config.writeStrategy == WriteStrategy.WRITE_BEHIND
            ? new WriteBehind<>(
                name,
                Objects.requireNonNull(config.writer),
                config.writeBehindBatch,
                config.writeBehindInterval,
                config.writeBehindMaxPending,
                config.writeBehindBackoff,
                config.writeFailureListener)
            : null;
    this.meters = new CacheMeters(config.meterRegistry, this);
  }

  // ------------------------------------------------------------------ reads

  /**
   * What L1 holds for {@code key} (a bare value or an {@link Entry}, see {@link
   * EpochGuardedL1#lookup}) if it is fresh, counted as an L1 hit; else null. A bare value or a
   * simple entry needs no clock read: Caffeine's expiry has already checked it.
   */
  private @Nullable Object freshInL1(String key) {
    Object held = l1Entry(key);
    if (held == null
        || (held instanceof Entry<?> e && !e.simple && !e.isFreshAt(time.nanoTime()))) {
      return null;
    }
    l1Hits.increment();
    return held;
  }

  /**
   * What L1 holds for {@code key}, unless L1 may not be served now: Redis answers but the
   * invalidation channel is down, so changes by other processes would not reach L1 (see {@link
   * RedisTier#l1Trusted()}).
   */
  private @Nullable Object l1Entry(String key) {
    RedisTier tier = l2;
    if (tier != null && !tier.l1Trusted()) {
      return null;
    }
    return l1.lookup(key);
  }

  private @Nullable V valueOf(@Nullable Object held) {
    return l1.valueOf(held);
  }

  @Override
  public @Nullable V get(String key) {
    Object held = freshInL1(Objects.requireNonNull(key, "key"));
    return held != null ? valueOf(held) : getFromL2(key);
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
    Object fresh = freshInL1(key);
    if (fresh != null) {
      return valueOf(fresh);
    }
    // Past its TTL (only an entry with stale windows is still in L1 then): serve it while one
    // reload runs, or keep it for the loader to fall back on.
    Object held = l1Entry(key);
    if (held != null && !(held instanceof Entry<?>)) {
      // A bare value installed by another thread since the first look: fresh.
      l1Hits.increment();
      return valueOf(held);
    }
    @SuppressWarnings("unchecked")
    Entry<V> e = (Entry<V>) held;
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
      Throwable c = Failures.unwrap(e);
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
    RedisTier leaseTier = tier;
    return callLoader(
        key,
        loader,
        stale,
        stamp,
        token == null || leaseTier == null ? null : () -> leaseTier.releaseLease(key, token));
  }

  /**
   * Loads {@code key}, installs the value and writes it to L2 in the background; then runs {@code
   * afterStore} (if any): once Redis has answered the write, or at once when nothing was written
   * (the load failed, or the key was invalidated meanwhile). Releasing the stampede lease there,
   * not before, keeps waiting processes from finding neither the lease nor the value: the release
   * goes over another connection and could otherwise overtake the write.
   */
  private Entry<V> callLoader(
      String key,
      CacheLoader<? extends V> loader,
      @Nullable Entry<V> stale,
      long stamp,
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
        stored = l2.writeLoaded(toL2);
      }
      return e;
    } finally {
      if (afterStore != null) {
        if (stored == null) {
          afterStore.run();
        } else {
          // The write's own outcome is recorded by the tier; this stage only runs afterStore.
          var unused = stored.whenComplete((r, t) -> afterStore.run());
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

  /**
   * One background reload of {@code key} at a time; its value replaces the stale one in both
   * levels.
   */
  private void refresh(String key, CacheLoader<? extends V> loader) {
    if (!refreshing.add(key)) {
      return;
    }
    long stamp = stamp(key);
    try {
      s.executor.execute(
          () -> {
            try {
              callLoader(key, loader, null, stamp, null);
            } catch (RuntimeException e) {
              log.debug(
                  "cache '{}': background reload of '{}' failed; the stale value stays",
                  name,
                  key,
                  e);
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

  private Map<String, V> getAllInternal(
      Collection<String> keys, @Nullable BulkLoader<? extends V> loader) {
    List<String> wanted = distinct(keys);
    int n = wanted.size();
    // found[i] holds the value of wanted.get(i) (a bare value or an Entry, see valueOf);
    // missing.get(j) is wanted.get(missingAt[j]).
    Object[] found = new Object[n];
    List<String> missing = new ArrayList<>(n);
    int[] missingAt = new int[n];
    boolean l1Enabled = l1.enabled();
    for (int i = 0; i < n; i++) {
      String k = wanted.get(i);
      Object e = l1Enabled ? freshInL1(k) : null;
      if (e != null) {
        found[i] = e;
      } else {
        checkKey(k);
        missingAt[missing.size()] = i;
        missing.add(k);
      }
    }
    if (!missing.isEmpty() && l2 != null) {
      // Without L1 there is nothing to install: no stamps, and no Entry per value.
      long[] stamps = l1Enabled ? stamps(missing) : null;
      byte[][] stored = l2.getAllStored(missing);
      List<String> still = new ArrayList<>(missing.size());
      long after = time.nanoTime();
      long wall = time.currentTimeMillis();
      int hits = 0;
      for (int j = 0; j < missing.size(); j++) {
        String k = missing.get(j);
        byte[] raw = stored[j];
        if (stamps == null) {
          Object v = raw == null ? EntryLifetimes.MISS : lifetimes.freshValue(k, raw, wall);
          if (v != EntryLifetimes.MISS) {
            hits++;
            found[missingAt[j]] = v;
            continue;
          }
          missingAt[still.size()] = missingAt[j];
          still.add(k);
          continue;
        }
        Entry<V> e = raw == null ? null : lifetimes.fromStored(k, raw, after, wall);
        if (e != null && e.isFreshAt(after)) {
          install(k, e, stamps[j]);
          hits++;
          found[missingAt[j]] = e;
        } else {
          missingAt[still.size()] = missingAt[j];
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
      for (int j = 0; j < missing.size(); j++) {
        String k = missing.get(j);
        V v = loaded == null ? null : loaded.get(k);
        Map<String, @Nullable StoredValue> one = new HashMap<>(2);
        Entry<V> e = prepare(k, v, s.defaultTtl, one);
        if (installed(k, e, stamps[j])) {
          toL2.putAll(one);
        }
        found[missingAt[j]] = e;
      }
      if (l2 != null) {
        // Fire and forget: the tier records a failed write (breaker, meters); the loaded values are
        // served already.
        var unused = l2.writeLoaded(toL2);
      }
    }
    Map<String, V> out = new LinkedHashMap<>(capacityFor(n));
    for (int i = 0; i < n; i++) {
      V v = valueOf(found[i]);
      if (v != null) {
        out.put(wanted.get(i), v);
      }
    }
    return out;
  }

  /** A hash map capacity that holds {@code size} entries without resizing. */
  private static int capacityFor(int size) {
    return (int) Math.ceil(size / 0.75);
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
    await(putAsync(key, value, lifetimes.checkTtl(ttl)));
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
    values.forEach(
        (k, v) ->
            copy.put(
                Objects.requireNonNull(k, "values contains a null key"),
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
    if (l2 == null) {
      entries.forEach(this::installNow);
      return CompletableFuture.completedFuture(null);
    }
    return l2.write(toL2, true, () -> entries.forEach(this::installNow));
  }

  private void writeToSystemOfRecord(Map<String, V> values) {
    if (s.writeStrategy == WriteStrategy.WRITE_THROUGH) {
      try {
        Objects.requireNonNull(s.writer).writeAll(Collections.unmodifiableMap(values));
      } catch (Exception e) {
        if (e instanceof InterruptedException) {
          Thread.currentThread().interrupt();
        }
        throw new CacheWriteException(
            name,
            "write-through of " + describe(values.keySet()) + " failed; the cache was not changed",
            e);
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
    checkKey(key);
    if (l2 == null) {
      dropLocally(key);
      return CompletableFuture.completedFuture(null);
    }
    return l2.delete(List.of(key), true, () -> dropLocally(key));
  }

  @Override
  public void invalidateAll(Collection<String> keys) {
    List<String> list = distinct(keys);
    list.forEach(this::checkKey);
    if (l2 == null) {
      list.forEach(this::dropLocally);
    } else {
      awaitBulk(l2.delete(list, true, () -> list.forEach(this::dropLocally)));
    }
  }

  @Override
  public void invalidatePattern(String pattern) {
    String prefix = Patterns.prefix(name, pattern, s.patternDepth);
    // The prefix is a key prefix: the same rules (it reaches Redis in a generation key and a
    // message).
    checkKey(prefix);
    dropPrefixLocally(prefix);
    if (l2 != null) {
      awaitInvalidation(l2.invalidatePrefix(prefix), pattern);
    }
  }

  @Override
  public void clear() {
    dropAllLocally();
    if (l2 != null) {
      awaitInvalidation(l2.invalidatePrefix(""), "*");
    }
  }

  /**
   * Waits like {@link #await} for a generation bump, but reports one Redis refused.
   *
   * @throws CacheInvalidationException if Redis answered the bump with an error
   */
  private void awaitInvalidation(CompletableFuture<Void> f, String pattern) {
    try {
      f.get(s.l2Timeout.toNanos() * 4, TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (TimeoutException e) {
      log.debug("cache '{}': Redis did not confirm an invalidation in time", name);
    } catch (ExecutionException e) {
      throw new CacheInvalidationException(name, pattern, Failures.unwrap(e));
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
      Map<String, Entry<V>> entries = new LinkedHashMap<>();
      for (String k : batch) {
        V v = loaded == null ? null : loaded.get(k);
        if (v != null) {
          entries.put(k, prepare(k, v, s.defaultTtl, toL2));
          stored++;
        }
      }
      if (l2 == null) {
        entries.forEach(this::installNow);
      } else {
        awaitBulk(l2.write(toL2, true, () -> entries.forEach(this::installNow)));
      }
    }
    return stored;
  }

  // ------------------------------------------------------------------ async

  @Override
  public CompletableFuture<@Nullable V> getAsync(String key) {
    Object e = freshInL1(Objects.requireNonNull(key, "key"));
    if (e != null) {
      return CompletableFuture.completedFuture(valueOf(e));
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
    return tier.getAsync(key)
        .thenApplyAsync(
            sv -> {
              Entry<V> found = sv == null ? null : fromStored(key, sv);
              if (found == null || !found.isFreshAt(time.nanoTime())) {
                misses.increment();
                return null;
              }
              install(key, found, stamp);
              l2Hits.increment();
              return found.value;
            },
            s.executor);
  }

  @Override
  public CompletableFuture<@Nullable V> getAsync(String key, CacheLoader<? extends V> loader) {
    Objects.requireNonNull(loader, "loader");
    Object e = freshInL1(Objects.requireNonNull(key, "key"));
    if (e != null) {
      return CompletableFuture.completedFuture(valueOf(e));
    }
    return CompletableFuture.supplyAsync(() -> get(key, loader), s.executor);
  }

  @Override
  public CompletableFuture<Map<String, V>> getAllAsync(
      Collection<String> keys, BulkLoader<? extends V> loader) {
    Objects.requireNonNull(loader, "loader");
    List<String> wanted = distinct(keys);
    Map<String, V> out = new LinkedHashMap<>();
    for (int i = 0; i < wanted.size(); i++) {
      Object e = freshInL1(wanted.get(i));
      if (e == null) {
        // The keys before this one were L1 hits (counted); the rest go through getAll, after them.
        List<String> rest = wanted.subList(i, wanted.size());
        return CompletableFuture.supplyAsync(
            () -> {
              out.putAll(getAll(rest, loader));
              return out;
            },
            s.executor);
      }
      V v = valueOf(e);
      if (v != null) {
        out.put(wanted.get(i), v);
      }
    }
    return CompletableFuture.completedFuture(out);
  }

  // ------------------------------------------------------------------ entries and L1

  /** An L2 value the codec could not decode: the tier deletes and counts it. */
  private void corruptInL2(String key, Exception e) {
    Objects.requireNonNull(l2).corrupt(key, e);
  }

  private long stamp(String key) {
    return l1.stamp(key);
  }

  private long[] stamps(List<String> keys) {
    return l1.stamps(keys);
  }

  private @Nullable Entry<V> fromStored(String key, StoredValue sv) {
    return lifetimes.fromStored(key, sv);
  }

  private @Nullable Entry<V> fromStored(String key, StoredValue sv, long now, long wall) {
    return lifetimes.fromStored(key, sv, now, wall);
  }

  private Entry<V> prepare(
      String key, @Nullable V value, Duration ttl, Map<String, @Nullable StoredValue> toL2) {
    return lifetimes.prepare(key, value, ttl, toL2);
  }

  /** Installs a loaded or read entry unless the key was invalidated since {@code stamp}. */
  private void install(String key, Entry<V> e, long stamp) {
    installed(key, e, stamp);
  }

  private boolean installed(String key, Entry<V> e, long stamp) {
    if (e.value == null && !lifetimes.cachesAbsence()) {
      return false;
    }
    return l1.installIf(key, e, stamp);
  }

  /** Installs a put value: it wins over loads in flight, which started before it. */
  private void installNow(String key, Entry<V> e) {
    l1.put(key, e);
    inflight.remove(key);
  }

  private void dropLocally(String key) {
    l1.drop(key);
    inflight.remove(key);
  }

  private void dropPrefixLocally(String prefix) {
    l1.dropPrefix(prefix);
    inflight.keySet().removeIf(k -> k.startsWith(prefix));
  }

  private void dropAllLocally() {
    l1.dropAll();
    inflight.clear();
  }

  /**
   * Refuses a key that Redis could not hold distinctly: empty, too long for the key space, or not
   * well-formed UTF-16 (an unpaired surrogate becomes '?' in UTF-8, so two keys would share one
   * Redis key and an invalidation would miss one of them). The full KeySpace check is needed only
   * for keys that may be too long; the surrogate check runs for every key.
   *
   * @throws InvalidKeyException naming the key and the rule
   */
  private void checkKey(String key) {
    if (key.isEmpty() || key.length() > safeKeyChars) {
      userKeys.key(key);
    } else {
      KeySpace.requireWellFormed("key", key);
    }
  }

  /**
   * {@code keys} without repeats, in their order. The keys seen are kept in an open-addressing
   * table (linear probing on the string's cached hash) rather than a HashSet: one array, no node
   * per key.
   */
  private static List<String> distinct(Collection<String> keys) {
    Objects.requireNonNull(keys, "keys");
    int n = keys.size();
    List<String> out = new ArrayList<>(n);
    // At most half full: four slots per key expected, doubled if the collection holds more.
    String[] seen = new String[tableSize(n)];
    for (String k : keys) {
      Objects.requireNonNull(k, "keys contains a null key");
      int i = slot(seen, k);
      if (seen[i] == null) {
        seen[i] = k;
        out.add(k);
        if (out.size() * 2 > seen.length) {
          seen = new String[seen.length * 2];
          for (String o : out) {
            seen[slot(seen, o)] = o;
          }
        }
      }
    }
    return out;
  }

  private static int tableSize(int keys) {
    return keys >= 1 << 27 ? 1 << 29 : Integer.highestOneBit(Math.max(1, keys)) << 2;
  }

  /** The slot of {@code k} in {@code table}: where it is, or the free slot it would take. */
  private static int slot(@Nullable String[] table, String k) {
    int mask = table.length - 1;
    int h = k.hashCode();
    int i = (h ^ (h >>> 16)) & mask;
    String at;
    while ((at = table[i]) != null && !at.equals(k)) {
      i = (i + 1) & mask;
    }
    return i;
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
      log.debug(
          "cache '{}': Redis did not confirm a write in time; it continues in the background",
          name);
    }
  }

  // ------------------------------------------------------------------ events from L2

  /*
   * These run on a Redis I/O thread (a message, a breaker callback), which must not run anything
   * slow: every Redis reply of the process waits behind it. Dropping a few keys is quick and done
   * at once; a prefix (removeIf over all of L1) or a clear (invalidateAll) only fences L1 there
   * (64 counter increments: no read or load in flight installs any more) and runs on the cache's
   * executor. Until that runs, an entry already in L1 can still be served, for as long as the
   * executor takes to start the task.
   */
  @Override
  public void onInvalidation(Invalidation m) {
    switch (m.op()) {
      case KEYS -> m.keys().forEach(this::dropLocally);
      case PREFIX -> offload(() -> dropPrefixLocally(m.prefix()));
      case CLEAR -> offload(this::dropAllLocally);
      default -> throw new AssertionError(m.op());
    }
  }

  @Override
  public void onStateLost(String reason) {
    log.info("cache '{}': clearing L1 because {}", name, reason);
    offload(this::dropAllLocally);
  }

  private void offload(Runnable drop) {
    l1.fence();
    try {
      s.executor.execute(drop);
    } catch (RejectedExecutionException e) {
      drop.run();
    }
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
    return new CacheStats(
        l1Hits.sum(),
        l2Hits.sum(),
        misses.sum(),
        loads.sum(),
        loadFailures.sum(),
        staleServed.sum(),
        evictions.sum(),
        t == null ? 0 : t.errors(),
        t == null ? 0 : t.skipped(),
        tooLarge.sum(),
        t == null ? 0 : t.corrupt(),
        t == null ? 0 : t.sent(),
        t == null ? 0 : t.received(),
        t == null ? 0 : t.gaps(),
        writeBehind == null ? 0 : writeBehind.pending(),
        writeBehind == null ? 0 : writeBehind.failures());
  }

  @Override
  public long l1Size() {
    return l1.size();
  }

  /** The tier, for meters and tests in this package. */
  @Nullable RedisTier tier() {
    return l2;
  }

  @Nullable WriteBehind<V> writeBehind() {
    return writeBehind;
  }

  /**
   * UP; with Redis, DEGRADED while it is unreachable or the channel is not subscribed (L1 and
   * loaders still serve).
   */
  @Override
  public Health health() {
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("levels", l2 == null ? "l1" : "l1+l2");
    d.put("l1Size", l1.size());
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
