package dev.headroom.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.headroom.core.backoff.Backoff;
import dev.headroom.core.codec.Codec;
import dev.headroom.core.key.InvalidKeyException;
import dev.headroom.core.time.ManualTimeSource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every cache has, L1 only or two-level: subclasses add the backend. Time is a {@link
 * ManualTimeSource}; background reloads run on the calling thread; jitter is off unless a test
 * turns it on.
 */
public abstract class CacheContractTest {

  protected final ManualTimeSource time = ManualTimeSource.create();
  private final List<Cache<?>> opened = new ArrayList<>();

  protected CacheContractTest() {}

  /** Adds what the backend under test needs to a configuration (nothing by default). */
  protected <V> CacheConfig.Builder<V> backend(CacheConfig.Builder<V> config) {
    return config;
  }

  /** Makes a cache with the backend's factory. */
  protected abstract <V> Cache<V> make(String name, CacheConfig<V> config);

  protected Cache<String> cache() {
    return cache(b -> b);
  }

  protected Cache<String> cache(UnaryOperator<CacheConfig.Builder<String>> custom) {
    CacheConfig.Builder<String> b =
        backend(
            CacheConfig.builder(Codec.utf8()).timeSource(time).jitter(0).executor(Runnable::run));
    Cache<String> c = make("contract", custom.apply(b).build());
    opened.add(c);
    return c;
  }

  @AfterEach
  void closeCaches() {
    opened.forEach(Cache::close);
  }

  static CacheLoader<String> counting(AtomicInteger calls, String value) {
    return key -> {
      calls.incrementAndGet();
      return value;
    };
  }

  @Test
  void putThenGet() {
    Cache<String> cache = cache();
    assertThat(cache.get("a")).isNull();
    cache.put("a", "1");
    assertThat(cache.get("a")).isEqualTo("1");
    cache.put("a", "2");
    assertThat(cache.get("a")).isEqualTo("2");
    assertThat(cache.stats().l1Hits()).isEqualTo(2);
    assertThat(cache.stats().misses()).isEqualTo(1);
  }

  @Test
  void readThroughLoadsOnceAndCaches() {
    Cache<String> cache = cache();
    AtomicInteger calls = new AtomicInteger();
    assertThat(cache.get("k", counting(calls, "v"))).isEqualTo("v");
    assertThat(cache.get("k", counting(calls, "other"))).isEqualTo("v");
    assertThat(cache.get("k")).isEqualTo("v");
    assertThat(calls).hasValue(1);
    CacheStats stats = cache.stats();
    assertThat(stats.loads()).isEqualTo(1);
    assertThat(stats.gets()).isEqualTo(3);
    assertThat(stats.misses()).isEqualTo(1);
  }

  @Test
  void aLoaderFailureIsACacheLoadExceptionNamingTheCacheAndNothingIsCached() {
    Cache<String> cache = cache();
    assertThatThrownBy(
            () ->
                cache.get(
                    "k",
                    key -> {
                      throw new IllegalStateException("db down");
                    }))
        .isInstanceOf(CacheLoadException.class)
        .hasMessageContaining("cache 'contract'")
        .hasMessageContaining("'k'")
        .hasRootCauseMessage("db down")
        .satisfies(e -> assertThat(((CacheException) e).cacheName()).isEqualTo("contract"));
    assertThat(cache.stats().loadFailures()).isEqualTo(1);
    AtomicInteger calls = new AtomicInteger();
    assertThat(cache.get("k", counting(calls, "v"))).isEqualTo("v");
    assertThat(calls).hasValue(1);
  }

  @Test
  void absentIsCachedForTheNegativeTtl() {
    Cache<String> cache = cache(b -> b.negativeTtl(Duration.ofSeconds(10)));
    AtomicInteger calls = new AtomicInteger();
    assertThat(cache.get("ghost", counting(calls, null))).isNull();
    assertThat(cache.get("ghost", counting(calls, null))).isNull();
    assertThat(cache.get("ghost")).isNull();
    assertThat(calls).hasValue(1);
    time.advance(Duration.ofSeconds(11));
    assertThat(cache.get("ghost", counting(calls, "now"))).isEqualTo("now");
    assertThat(calls).hasValue(2);
  }

  @Test
  void negativeTtlZeroCachesNoAbsence() {
    Cache<String> cache = cache(b -> b.negativeTtl(Duration.ZERO));
    AtomicInteger calls = new AtomicInteger();
    assertThat(cache.get("ghost", counting(calls, null))).isNull();
    assertThat(cache.get("ghost", counting(calls, null))).isNull();
    assertThat(calls).hasValue(2);
  }

  @Test
  void entriesExpireAfterTheirTtl() {
    Cache<String> cache = cache(b -> b.ttl(Duration.ofSeconds(30)));
    cache.put("default", "d");
    cache.put("own", "o", Duration.ofSeconds(10));
    cache.put("short", "s", TtlTier.SHORT);
    cache.put("long", "l", TtlTier.LONG);
    time.advance(Duration.ofSeconds(9));
    assertThat(cache.get("own")).isEqualTo("o");
    time.advance(Duration.ofSeconds(2));
    assertThat(cache.get("own")).isNull();
    assertThat(cache.get("default")).isEqualTo("d");
    time.advance(Duration.ofSeconds(20));
    assertThat(cache.get("default")).isNull();
    assertThat(cache.get("short")).isEqualTo("s");
    time.advance(Duration.ofSeconds(30));
    assertThat(cache.get("short")).isNull();
    assertThat(cache.get("long")).isEqualTo("l");
    time.advance(Duration.ofHours(1));
    assertThat(cache.get("long")).isNull();
  }

  @Test
  void tiersCanBeConfigured() {
    Cache<String> cache =
        cache(b -> b.tier(TtlTier.SHORT, Duration.ofSeconds(5)).ttl(TtlTier.SHORT));
    cache.put("a", "1");
    cache.put("b", "2", TtlTier.SHORT);
    time.advance(Duration.ofSeconds(6));
    assertThat(cache.get("a")).isNull();
    assertThat(cache.get("b")).isNull();
  }

  @Test
  void jitterSpreadsExpiriesWithinItsBounds() {
    Cache<String> cache = cache(b -> b.jitter(0.1).ttl(Duration.ofSeconds(100)));
    List<String> keys = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      keys.add("j" + i);
      cache.put("j" + i, "v");
    }
    time.advance(Duration.ofSeconds(89));
    assertThat(cache.getAll(keys)).hasSize(200);
    time.advance(Duration.ofSeconds(11));
    int alive = cache.getAll(keys).size();
    assertThat(alive).as("some expired before 100 s, some after").isBetween(1, 199);
    time.advance(Duration.ofSeconds(11));
    assertThat(cache.getAll(keys)).isEmpty();
  }

  @Test
  void staleWhileRevalidateServesTheOldValueAndReloadsOnce() {
    Cache<String> cache =
        cache(b -> b.ttl(Duration.ofSeconds(10)).staleWhileRevalidate(Duration.ofSeconds(5)));
    AtomicInteger calls = new AtomicInteger();
    cache.get("k", counting(calls, "v1"));
    time.advance(Duration.ofSeconds(12));
    assertThat(cache.get("k")).as("a plain get does not serve stale values").isNull();
    assertThat(cache.get("k", counting(calls, "v2")))
        .as("stale, served while revalidating")
        .isEqualTo("v1");
    assertThat(calls).hasValue(2);
    assertThat(cache.get("k", counting(calls, "v3"))).isEqualTo("v2");
    assertThat(calls).hasValue(2);
    assertThat(cache.stats().staleServed()).isEqualTo(1);
    time.advance(Duration.ofSeconds(16));
    assertThat(cache.get("k", counting(calls, "v4")))
        .as("past the stale window: loaded synchronously")
        .isEqualTo("v4");
    assertThat(calls).hasValue(3);
  }

  @Test
  void staleIfErrorServesTheOldValueWithinItsBound() {
    Cache<String> cache =
        cache(b -> b.ttl(Duration.ofSeconds(10)).staleIfError(Duration.ofSeconds(30)));
    cache.put("k", "old");
    CacheLoader<String> failing =
        key -> {
          throw new IllegalStateException("db down");
        };
    time.advance(Duration.ofSeconds(15));
    assertThat(cache.get("k", failing)).isEqualTo("old");
    assertThat(cache.stats().staleServed()).isEqualTo(1);
    time.advance(Duration.ofSeconds(26));
    assertThatThrownBy(() -> cache.get("k", failing)).isInstanceOf(CacheLoadException.class);
  }

  @Test
  void getAllLoadsOnlyTheMissingKeysInOneCallAndKeepsTheOrder() {
    Cache<String> cache = cache();
    cache.put("b", "B");
    List<Set<String>> calls = new CopyOnWriteArrayList<>();
    BulkLoader<String> loader =
        keys -> {
          calls.add(Set.copyOf(keys));
          Map<String, String> out = new HashMap<>();
          keys.stream()
              .filter(k -> !k.equals("d"))
              .forEach(k -> out.put(k, k.toUpperCase(java.util.Locale.ROOT)));
          return out;
        };
    Map<String, String> got = cache.getAll(List.of("c", "a", "b", "d", "a"), loader);
    assertThat(got).containsExactly(Map.entry("c", "C"), Map.entry("a", "A"), Map.entry("b", "B"));
    assertThat(calls).containsExactly(Set.of("a", "c", "d"));
    assertThat(cache.getAll(List.of("a", "b", "c", "d"), loader)).hasSize(3);
    assertThat(calls).as("d is cached as absent").hasSize(1);
    assertThat(cache.getAll(List.of("a", "zz"))).containsExactly(Map.entry("a", "A"));
  }

  @Test
  void getAllAsksForEachKeyOnceEvenWhenTheCollectionUnderstatesItsSize() {
    Cache<String> cache = cache();
    List<String> keys = new ArrayList<>();
    Map<String, String> values = new LinkedHashMap<>();
    for (int i = 0; i < 300; i++) {
      keys.add("k" + i);
      values.put("k" + i, "v" + i);
    }
    cache.putAll(values);
    List<String> twice = new ArrayList<>(keys);
    twice.addAll(keys);
    java.util.Collection<String> understated =
        new java.util.AbstractCollection<>() {
          @Override
          public java.util.Iterator<String> iterator() {
            return twice.iterator();
          }

          @Override
          public int size() {
            return 1;
          }
        };
    long hits = cache.stats().l1Hits();
    assertThat(cache.getAll(understated)).containsExactlyEntriesOf(values);
    assertThat(cache.stats().l1Hits() - hits).as("one hit per distinct key").isEqualTo(300);
  }

  @Test
  void aFailingBulkLoaderThrows() {
    Cache<String> cache = cache();
    assertThatThrownBy(
            () ->
                cache.getAll(
                    List.of("a", "b"),
                    keys -> {
                      throw new IllegalStateException("boom");
                    }))
        .isInstanceOf(CacheLoadException.class)
        .hasMessageContaining("2 keys");
  }

  @Test
  void putAllAndInvalidate() {
    Cache<String> cache = cache();
    Map<String, String> values = new LinkedHashMap<>();
    values.put("a", "1");
    values.put("b", "2");
    values.put("c", "3");
    cache.putAll(values);
    assertThat(cache.getAll(List.of("a", "b", "c"))).isEqualTo(values);
    cache.invalidate("a");
    assertThat(cache.get("a")).isNull();
    cache.invalidateAll(List.of("b", "c", "nothing"));
    assertThat(cache.getAll(List.of("a", "b", "c"))).isEmpty();
  }

  @Test
  void invalidatePatternRemovesExactlyTheKeysUnderThePrefix() {
    Cache<String> cache = cache();
    for (String k :
        List.of(
            "user:1",
            "user:42:profile",
            "user:42:orders",
            "user:43:profile",
            "users:1",
            "admin:1",
            "user:*",
            "user:[x]")) {
      cache.put(k, k);
    }
    cache.invalidatePattern("user:42:*");
    assertThat(cache.get("user:42:profile")).isNull();
    assertThat(cache.get("user:42:orders")).isNull();
    assertThat(cache.get("user:43:profile")).isEqualTo("user:43:profile");
    cache.invalidatePattern("user:*");
    assertThat(cache.getAll(List.of("user:1", "user:43:profile", "user:*", "user:[x]"))).isEmpty();
    assertThat(cache.getAll(List.of("users:1", "admin:1"))).containsOnlyKeys("users:1", "admin:1");
    cache.put("user:1", "again");
    assertThat(cache.get("user:1")).isEqualTo("again");
  }

  @Test
  void aKeyWithGlobCharactersCannotWidenAPattern() {
    Cache<String> cache = cache();
    cache.put("a*:1", "x");
    cache.put("ab:1", "y");
    assertThatThrownBy(() -> cache.invalidatePattern("a*:*"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("glob character '*'");
    cache.invalidatePattern("ab:*");
    assertThat(cache.get("a*:1")).isEqualTo("x");
    assertThat(cache.get("ab:1")).isNull();
  }

  @Test
  void unsupportedPatternsAreRefusedWithTheRule() {
    Cache<String> cache = cache();
    assertThatThrownBy(() -> cache.invalidatePattern("*"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("clear()");
    assertThatThrownBy(() -> cache.invalidatePattern("user*"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("segment separator");
    assertThatThrownBy(() -> cache.invalidatePattern("user:"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("followed by '*'");
    assertThatThrownBy(() -> cache.invalidatePattern("us?r:*"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("glob character '?'");
    assertThatThrownBy(() -> cache.invalidatePattern("a:b:c:*"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("pattern depth of 2");
    assertThatThrownBy(() -> cache.invalidatePattern(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("pattern");
  }

  @Test
  void clearRemovesEverything() {
    Cache<String> cache = cache();
    cache.put("a", "1");
    cache.put("b:c", "2");
    cache.clear();
    assertThat(cache.getAll(List.of("a", "b:c"))).isEmpty();
    cache.put("a", "3");
    assertThat(cache.get("a")).isEqualTo("3");
  }

  @Test
  void nullArgumentsFailNamingTheArgument() {
    Cache<String> cache = cache();
    assertThatThrownBy(() -> cache.get(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("key");
    assertThatThrownBy(() -> cache.get("k", null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("loader");
    assertThatThrownBy(() -> cache.put("k", null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("value");
    assertThatThrownBy(() -> cache.put(null, "v"))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("key");
    assertThatThrownBy(() -> cache.put("k", "v", (Duration) null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("ttl");
    assertThatThrownBy(() -> cache.invalidate(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("key");
    assertThatThrownBy(() -> cache.getAll(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("keys");
    assertThatThrownBy(() -> cache.getAll(java.util.Arrays.asList("a", null)))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("null key");
    Map<String, String> withNull = new HashMap<>();
    withNull.put("k", null);
    assertThatThrownBy(() -> cache.putAll(withNull))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("null value");
  }

  @Test
  void badKeysAndTtlsAreRejected() {
    Cache<String> cache = cache();
    String huge = "k".repeat(2000);
    assertThatThrownBy(() -> cache.put(huge, "v"))
        .isInstanceOf(InvalidKeyException.class)
        .hasMessageContaining("over the limit");
    assertThatThrownBy(() -> cache.get(huge, k -> "v")).isInstanceOf(InvalidKeyException.class);
    assertThatThrownBy(() -> cache.get("")).isInstanceOf(InvalidKeyException.class);
    assertThatThrownBy(() -> cache.put("k", "v", Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("positive");
    assertThatThrownBy(() -> cache.put("k", "v", Duration.ofDays(30)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxTtl");
  }

  @Test
  void keysWithUnpairedSurrogatesAreRefusedEverywhere() {
    Cache<String> cache = cache();
    String lone = "a\uD800b";
    String lowFirst = "a\uDC00";
    assertThatThrownBy(() -> cache.put(lone, "v"))
        .isInstanceOf(InvalidKeyException.class)
        .hasMessageContaining("unpaired surrogate");
    assertThatThrownBy(() -> cache.get(lone)).isInstanceOf(InvalidKeyException.class);
    assertThatThrownBy(() -> cache.get(lowFirst, k -> "v")).isInstanceOf(InvalidKeyException.class);
    assertThatThrownBy(() -> cache.getAll(List.of("ok", lone)))
        .isInstanceOf(InvalidKeyException.class);
    assertThatThrownBy(() -> cache.putAll(Map.of(lone, "v")))
        .isInstanceOf(InvalidKeyException.class);
    assertThatThrownBy(() -> cache.invalidate(lone)).isInstanceOf(InvalidKeyException.class);
    assertThatThrownBy(() -> cache.invalidateAll(List.of(lone)))
        .isInstanceOf(InvalidKeyException.class);
    assertThatThrownBy(() -> cache.invalidatePattern("a\uD800:*"))
        .isInstanceOf(InvalidKeyException.class);
    cache.put("emoji\uD83D\uDE00", "paired surrogates are fine");
    assertThat(cache.get("emoji\uD83D\uDE00")).isEqualTo("paired surrogates are fine");
  }

  @Test
  void invalidateRefusesTheKeysGetAndPutRefuse() {
    Cache<String> cache = cache();
    String huge = "k".repeat(1 << 20);
    assertThatThrownBy(() -> cache.invalidate("")).isInstanceOf(InvalidKeyException.class);
    assertThatThrownBy(() -> cache.invalidate(huge)).isInstanceOf(InvalidKeyException.class);
    assertThatThrownBy(() -> cache.invalidateAsync(huge)).isInstanceOf(InvalidKeyException.class);
    assertThatThrownBy(() -> cache.invalidateAll(List.of("ok", "")))
        .isInstanceOf(InvalidKeyException.class);
    assertThatThrownBy(() -> cache.invalidatePattern("k".repeat(1 << 20) + ":*"))
        .isInstanceOf(InvalidKeyException.class);
  }

  @Test
  void concurrentMissesOfOneKeyLoadOnce() throws Exception {
    Cache<String> cache = cache();
    assertThat(stampede(64, List.of(cache))).hasValue(1);
  }

  /**
   * {@code threads} threads (spread over {@code nodes}) miss one key at once; the loader blocks
   * until every thread has called get and the first load has begun. Answers the loader's calls.
   */
  static AtomicInteger stampede(int threads, List<Cache<String>> nodes) throws Exception {
    AtomicInteger calls = new AtomicInteger();
    CountDownLatch entered = new CountDownLatch(threads);
    CountDownLatch release = new CountDownLatch(1);
    CacheLoader<String> slow =
        key -> {
          calls.incrementAndGet();
          release.await(10, TimeUnit.SECONDS);
          return "v";
        };
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<String>> results = new ArrayList<>();
      for (int i = 0; i < threads; i++) {
        Cache<String> node = nodes.get(i % nodes.size());
        results.add(
            pool.submit(
                () -> {
                  entered.countDown();
                  return node.get("hot", slow);
                }));
      }
      assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();
      org.awaitility.Awaitility.await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> calls.get() >= 1);
      release.countDown();
      for (Future<String> f : results) {
        assertThat(f.get(15, TimeUnit.SECONDS)).isEqualTo("v");
      }
    } finally {
      pool.shutdownNow();
    }
    return calls;
  }

  @Test
  void writeThroughWritesFirstAndLeavesTheCacheUntouchedOnFailure() {
    Map<String, String> db = new HashMap<>();
    AtomicInteger fail = new AtomicInteger();
    Cache<String> cache =
        cache(
            b ->
                b.writeThrough(
                    values -> {
                      if (fail.get() > 0) {
                        throw new IllegalStateException("db refused");
                      }
                      db.putAll(values);
                    }));
    cache.put("k", "1");
    assertThat(db).containsEntry("k", "1");
    fail.set(1);
    assertThatThrownBy(() -> cache.put("k", "2"))
        .isInstanceOf(CacheWriteException.class)
        .hasMessageContaining("not changed")
        .hasRootCauseMessage("db refused");
    assertThat(cache.get("k")).isEqualTo("1");
    assertThat(db).containsEntry("k", "1");
  }

  @Test
  void writeBehindCoalescesAndLosesNothingOnClose() {
    List<Map<String, String>> batches = new CopyOnWriteArrayList<>();
    Cache<String> cache =
        cache(
            b ->
                b.writeBehind(values -> batches.add(Map.copyOf(values)))
                    .writeBehindBatching(1000, Duration.ofHours(1)));
    for (int i = 0; i < 50; i++) {
      cache.put("k" + (i % 10), "v" + i);
    }
    assertThat(cache.get("k9")).isEqualTo("v49");
    assertThat(cache.stats().writeBehindPending()).isEqualTo(10);
    cache.close();
    Map<String, String> written = new HashMap<>();
    batches.forEach(written::putAll);
    assertThat(written).hasSize(10).containsEntry("k0", "v40").containsEntry("k9", "v49");
    assertThat(batches.stream().mapToInt(Map::size).sum()).as("coalesced per key").isEqualTo(10);
  }

  @Test
  void writeBehindFlushesBySizeAndReportsBatchesThatKeepFailing() {
    List<Map<String, String>> failed = new CopyOnWriteArrayList<>();
    AtomicInteger attempts = new AtomicInteger();
    Cache<String> cache =
        cache(
            b ->
                b.writeBehind(
                        values -> {
                          attempts.incrementAndGet();
                          throw new IllegalStateException("db down");
                        })
                    .writeBehindBatching(2, Duration.ofHours(1))
                    .writeBehindRetry(
                        Backoff.exponential(Duration.ofMillis(1), Duration.ofMillis(2))
                            .maxAttempts(3)
                            .build())
                    .writeFailureListener(
                        (name, values, failure) -> failed.add(Map.copyOf(values))));
    cache.put("a", "1");
    cache.put("b", "2");
    org.awaitility.Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> failed.size() == 1);
    assertThat(failed.get(0)).containsOnly(Map.entry("a", "1"), Map.entry("b", "2"));
    assertThat(attempts).hasValue(3);
    assertThat(cache.stats().writeFailures()).isEqualTo(1);
  }

  @Test
  void aFullWriteBehindQueueRefusesNewKeysWithoutCachingThem() {
    CountDownLatch blocked = new CountDownLatch(1);
    Cache<String> cache =
        cache(
            b ->
                b.writeBehind(values -> blocked.await(10, TimeUnit.SECONDS))
                    .writeBehindBatching(1000, Duration.ofHours(1))
                    .writeBehindMaxPending(3));
    cache.put("a", "1");
    cache.put("b", "1");
    cache.put("c", "1");
    cache.put("a", "2");
    assertThatThrownBy(() -> cache.put("d", "1"))
        .isInstanceOf(CacheWriteException.class)
        .hasMessageContaining("full");
    assertThat(cache.get("d")).isNull();
    blocked.countDown();
    cache.flush();
    assertThat(cache.stats().writeBehindPending()).isZero();
    cache.put("d", "1");
  }

  @Test
  void warmLoadsInBatchesAndStores() {
    Cache<String> cache = cache();
    List<String> keys = new ArrayList<>();
    for (int i = 0; i < 250; i++) {
      keys.add("w" + i);
    }
    AtomicInteger calls = new AtomicInteger();
    int stored =
        cache.warm(
            keys,
            batch -> {
              calls.incrementAndGet();
              Map<String, String> out = new HashMap<>();
              batch.stream().filter(k -> !k.equals("w7")).forEach(k -> out.put(k, k));
              return out;
            });
    assertThat(stored).isEqualTo(249);
    assertThat(calls).hasValue(3);
    assertThat(cache.get("w200")).isEqualTo("w200");
    assertThat(cache.get("w7")).isNull();
  }

  @Test
  void asyncVariants() throws Exception {
    Cache<String> cache = cache();
    assertThat(cache.getAsync("a").get(5, TimeUnit.SECONDS)).isNull();
    cache.putAsync("a", "1").get(5, TimeUnit.SECONDS);
    assertThat(cache.getAsync("a").get(5, TimeUnit.SECONDS)).isEqualTo("1");
    assertThat(cache.getAsync("b", k -> "loaded").get(5, TimeUnit.SECONDS)).isEqualTo("loaded");
    assertThat(
            cache
                .getAllAsync(List.of("a", "b", "c"), keys -> Map.of("c", "C"))
                .get(5, TimeUnit.SECONDS))
        .containsExactly(Map.entry("a", "1"), Map.entry("b", "loaded"), Map.entry("c", "C"));
    cache.invalidateAsync("a").get(5, TimeUnit.SECONDS);
    assertThat(cache.get("a")).isNull();
  }

  @Test
  void everyReadIsCountedOnce() {
    Cache<String> cache = cache();
    cache.put("a", "1");
    cache.get("a");
    cache.get("nope");
    cache.getAll(List.of("a", "nope2"));
    cache.get("x", k -> "X");
    CacheStats s = cache.stats();
    assertThat(s.gets()).isEqualTo(5);
    assertThat(s.l1Hits() + s.l2Hits()).isEqualTo(2);
    assertThat(s.hitRate()).isEqualTo(0.4);
  }

  @Test
  void loadedValuesAreNotCachedWhenInvalidatedDuringTheLoad() {
    Cache<String> cache = cache();
    String value =
        cache.get(
            "k",
            key -> {
              cache.invalidate("k");
              return "stale";
            });
    assertThat(value).isEqualTo("stale");
    assertThat(cache.get("k")).isNull();
    String second =
        cache.get(
            "p:1",
            key -> {
              cache.invalidatePattern("p:*");
              return "stale";
            });
    assertThat(second).isEqualTo("stale");
    assertThat(cache.get("p:1")).isNull();
  }

  @Test
  void healthIsUpAndNamedAfterTheCache() {
    Cache<String> cache = cache();
    assertThat(cache.name()).isEqualTo("contract");
    assertThat(cache.health().status()).isEqualTo(dev.headroom.core.health.HealthStatus.UP);
    cache.close();
    assertThat(cache.health().status()).isEqualTo(dev.headroom.core.health.HealthStatus.DOWN);
  }

  protected static List<String> sorted(java.util.Collection<String> c) {
    List<String> l = new ArrayList<>(c);
    Collections.sort(l);
    return l;
  }
}
