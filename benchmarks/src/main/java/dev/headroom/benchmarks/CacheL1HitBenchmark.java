package dev.headroom.benchmarks;

import com.alicp.jetcache.MultiLevelCacheBuilder;
import com.alicp.jetcache.embedded.CaffeineCacheBuilder;
import com.alicp.jetcache.redis.lettuce.RedisLettuceCacheBuilder;
import com.alicp.jetcache.support.JavaValueDecoder;
import com.alicp.jetcache.support.JavaValueEncoder;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.headroom.cache.Cache;
import dev.headroom.cache.CacheConfig;
import dev.headroom.cache.Caches;
import dev.headroom.core.codec.Codec;
import dev.headroom.core.key.KeySpace;
import dev.headroom.core.redis.RedisConnector;
import io.lettuce.core.RedisClient;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.redisson.Redisson;
import org.redisson.api.RLocalCachedMap;
import org.redisson.api.RedissonClient;
import org.redisson.api.options.LocalCachedMapOptions;
import org.redisson.client.codec.StringCodec;
import org.redisson.config.Config;

/**
 * A get of a key present in the local level: 100 000 entries, keys drawn with Zipfian popularity (s
 * = 0.99), 2 threads. Every two-level cache is connected to a real Redis ({@code REDIS_URL}, else
 * {@code redis://127.0.0.1:6379}) and filled before measuring, so this measures the hit path of
 * each library's near cache.
 *
 * <ul>
 *   <li>{@code headroom}: a two-level {@link Cache} ({@code get(key)});
 *   <li>{@code caffeine}: raw Caffeine {@code getIfPresent}, the floor;
 *   <li>{@code jetcache}: JetCache's multi-level cache (Caffeine + its Lettuce Redis cache);
 *   <li>{@code redisson}: Redisson's {@code RLocalCachedMap.get}.
 * </ul>
 *
 * Not in the default run, for taking the gap to Caffeine apart: {@code caffeine-entry} ({@code -p
 * impl=caffeine-entry}, or {@link AlternatingRatio} {@code l1hit 60 headroom,caffeine-entry}) is
 * raw Caffeine laid out as Headroom's L1 is: variable expiry (each entry's own hard expiry), an
 * eviction listener, and values held in an entry object with their lifetimes; {@code
 * caffeine-entry-counted} also counts each hit in a {@code LongAdder}, as Headroom does for its
 * statistics.
 *
 * <pre>java -jar benchmarks/target/benchmarks.jar quick CacheL1HitBenchmark</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Threads(2)
public class CacheL1HitBenchmark {

  static final int ENTRIES = 100_000;
  private static final int SAMPLE = 1 << 20;
  static final String VALUE =
      "{\"id\":42,\"name\":\"Ada Lovelace\",\"plan\":\"pro\",\"tags\":[\"a\",\"b\"]}";

  /** Which implementation runs. */
  @Param({"headroom", "caffeine", "jetcache", "redisson"})
  public String impl;

  private Function<String, Object> get;
  private AutoCloseable closer;
  private String[] sample;

  /** Builds the implementation, fills it and draws the key sample. */
  @Setup
  public void setUp() throws Exception {
    String url = BenchRedis.url();
    Map<String, String> all = new HashMap<>();
    for (int i = 0; i < ENTRIES; i++) {
      all.put("user-" + i, VALUE);
    }
    switch (impl) {
      case "headroom" -> {
        RedisConnector connector = RedisConnector.create(url);
        Cache<String> cache =
            Caches.redis(
                connector,
                "l1bench",
                CacheConfig.builder(Codec.utf8())
                    .keySpace(KeySpace.of("headroom-bench"))
                    .maximumSize(2L * ENTRIES)
                    .ttl(Duration.ofHours(1))
                    .build());
        cache.putAll(all);
        get = cache::get;
        closer =
            () -> {
              cache.clear();
              cache.close();
              connector.close();
            };
      }
      case "caffeine" -> {
        com.github.benmanes.caffeine.cache.Cache<String, String> cache =
            Caffeine.newBuilder()
                .maximumSize(2L * ENTRIES)
                .expireAfterWrite(Duration.ofHours(1))
                .build();
        cache.putAll(all);
        get = cache::getIfPresent;
        closer = () -> {};
      }
      case "caffeine-entry", "caffeine-entry-counted" -> {
        boolean counted = impl.equals("caffeine-entry-counted");
        java.util.concurrent.atomic.LongAdder hits = new java.util.concurrent.atomic.LongAdder();
        java.util.concurrent.atomic.LongAdder evicted = new java.util.concurrent.atomic.LongAdder();
        com.github.benmanes.caffeine.cache.Cache<String, Held> cache =
            Caffeine.newBuilder()
                .ticker(System::nanoTime)
                .expireAfter(new HeldExpiry())
                .evictionListener((k, v, cause) -> evicted.increment())
                .maximumSize(2L * ENTRIES)
                .build();
        long hard = System.nanoTime() + Duration.ofHours(1).toNanos();
        all.forEach((k, v) -> cache.put(k, new Held(v, hard, hard, hard)));
        get =
            k -> {
              Held h = cache.getIfPresent(k);
              if (h != null && (h.simple || System.nanoTime() - h.freshUntil < 0)) {
                if (counted) {
                  hits.increment();
                }
                return h.value;
              }
              return null;
            };
        closer = () -> {};
      }
      case "jetcache" -> {
        RedisClient client = RedisClient.create(url);
        com.alicp.jetcache.Cache<String, String> cache = jetCache(client, "l1bench", 2 * ENTRIES);
        cache.putAll(all);
        get = cache::get;
        closer =
            () -> {
              cache.removeAll(all.keySet());
              cache.close();
              client.shutdown();
            };
      }
      case "redisson" -> {
        RedissonClient client = redisson(url);
        RLocalCachedMap<String, String> map =
            client.getLocalCachedMap(
                LocalCachedMapOptions.<String, String>name("headroom-bench-redisson-l1")
                    .codec(StringCodec.INSTANCE)
                    .cacheSize(2 * ENTRIES));
        map.putAll(all);
        get = map::get;
        closer =
            () -> {
              map.delete();
              client.shutdown();
            };
      }
      default -> throw new IllegalStateException(impl);
    }
    sample = RateLimitLocalBenchmark.zipfian(ENTRIES, 0.99, SAMPLE, new Random(42));
    for (String key : sample) {
      if (get.apply(key) == null) {
        throw new IllegalStateException(impl + " does not hold " + key);
      }
    }
  }

  /** A value with its lifetimes, as Headroom's L1 holds it. */
  static final class Held {
    final String value;
    final long freshUntil;

    @SuppressWarnings("unused") // read on Headroom's stale path; kept for the same object size
    final long staleUntil;

    final long hardUntil;
    final boolean simple;

    Held(String value, long freshUntil, long staleUntil, long hardUntil) {
      this.value = value;
      this.freshUntil = freshUntil;
      this.staleUntil = staleUntil;
      this.hardUntil = hardUntil;
      this.simple = freshUntil == hardUntil;
    }
  }

  /** Expires each {@link Held} at its own hard expiry. */
  static final class HeldExpiry implements com.github.benmanes.caffeine.cache.Expiry<String, Held> {
    @Override
    public long expireAfterCreate(String key, Held h, long now) {
      return Math.max(0, h.hardUntil - now);
    }

    @Override
    public long expireAfterUpdate(String key, Held h, long now, long current) {
      return Math.max(0, h.hardUntil - now);
    }

    @Override
    public long expireAfterRead(String key, Held h, long now, long current) {
      return current;
    }
  }

  /**
   * Waits (at most a minute) until a freshly filled cache answers, as writes may still be in
   * flight.
   */
  static void awaitFilled(java.util.function.BooleanSupplier filled) {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
    while (!filled.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("the cache was not filled within a minute");
      }
      Thread.onSpinWait();
    }
  }

  /**
   * JetCache's multi-level cache: its Caffeine cache in front of its Lettuce Redis cache, Java
   * serialization in Redis.
   */
  static com.alicp.jetcache.Cache<String, String> jetCache(
      RedisClient client, String name, int localSize) {
    com.alicp.jetcache.Cache<String, String> local =
        CaffeineCacheBuilder.createCaffeineCacheBuilder()
            .limit(localSize)
            .expireAfterWrite(1, TimeUnit.HOURS)
            .buildCache();
    com.alicp.jetcache.Cache<String, String> remote =
        RedisLettuceCacheBuilder.createRedisLettuceCacheBuilder()
            .redisClient(client)
            .keyPrefix("headroom-bench-jetcache-" + name + ":")
            .keyConvertor(k -> k)
            .valueEncoder(JavaValueEncoder.INSTANCE)
            .valueDecoder(JavaValueDecoder.INSTANCE)
            .expireAfterWrite(1, TimeUnit.HOURS)
            .buildCache();
    return MultiLevelCacheBuilder.createMultiLevelCacheBuilder()
        .addCache(local, remote)
        .expireAfterWrite(1, TimeUnit.HOURS)
        .buildCache();
  }

  static RedissonClient redisson(String url) {
    Config config = new Config();
    config.useSingleServer().setAddress(url);
    return Redisson.create(config);
  }

  /** Removes what the benchmark wrote and closes the clients. */
  @TearDown
  public void tearDown() throws Exception {
    closer.close();
  }

  /** Each thread walks the key sample from its own offset. */
  @State(Scope.Thread)
  public static class Cursor {
    int next = new Random().nextInt(SAMPLE);
  }

  /** One get of a present key. */
  @Benchmark
  public Object get(Cursor cursor) {
    return get.apply(sample[cursor.next++ & (SAMPLE - 1)]);
  }
}
