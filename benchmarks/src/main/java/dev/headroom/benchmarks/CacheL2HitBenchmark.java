package dev.headroom.benchmarks;

import dev.headroom.cache.Cache;
import dev.headroom.cache.CacheConfig;
import dev.headroom.cache.Caches;
import dev.headroom.core.codec.Codec;
import dev.headroom.core.key.KeySpace;
import dev.headroom.core.redis.RedisConnector;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.nio.charset.StandardCharsets;
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
import org.redisson.api.RBucket;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;

/**
 * A get whose value is only in Redis: 10 000 keys drawn uniformly, 8 threads each waiting for its
 * answer (one round trip per get). Headroom's L2 timeout is 1 s here, so a JIT or GC pause on a
 * shared machine does not turn reads into misses.
 *
 * <ul>
 *   <li>{@code headroom}: a two-level {@link Cache} with L1 disabled ({@code maximumSize(0)}), so
 *       every get reads L2: generation lookup, {@code GET}, header and codec decode;
 *   <li>{@code lettuce}: raw {@code GET} on the same kind of connection plus UTF-8 decoding, the
 *       floor;
 *   <li>{@code redisson}: {@code RBucket.get} with Redisson's String codec.
 * </ul>
 *
 * <pre>java -jar benchmarks/target/benchmarks.jar quick CacheL2HitBenchmark</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Threads(8)
public class CacheL2HitBenchmark {

  static final int KEYS = 10_000;

  /** Which implementation runs. */
  @Param({"headroom", "lettuce", "redisson"})
  public String impl;

  private Function<String, Object> get;
  private AutoCloseable closer;
  private String[] keys;

  /** Connects the implementation and writes the values. */
  @Setup
  public void setUp() throws Exception {
    String url = BenchRedis.url();
    keys = new String[KEYS];
    Map<String, String> all = new HashMap<>();
    for (int i = 0; i < KEYS; i++) {
      keys[i] = "user-" + i;
      all.put(keys[i], CacheL1HitBenchmark.VALUE);
    }
    RedisConnector connector = RedisConnector.create(url);
    switch (impl) {
      case "headroom" -> {
        Cache<String> cache =
            Caches.redis(
                connector,
                "l2bench",
                CacheConfig.builder(Codec.utf8())
                    .keySpace(KeySpace.of("headroom-bench"))
                    .maximumSize(0)
                    .ttl(Duration.ofHours(1))
                    .l2Timeout(Duration.ofSeconds(1))
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
      case "lettuce" -> {
        RedisClusterAsyncCommands<String, byte[]> commands = connector.binaryAsync();
        for (String k : keys) {
          connector
              .binarySync()
              .set(
                  "headroom-bench-raw:" + k,
                  CacheL1HitBenchmark.VALUE.getBytes(StandardCharsets.UTF_8));
        }
        get =
            k -> {
              try {
                byte[] bytes = commands.get("headroom-bench-raw:" + k).get();
                return new String(bytes, StandardCharsets.UTF_8);
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            };
        closer =
            () -> {
              for (String k : keys) {
                connector.sync().del("headroom-bench-raw:" + k);
              }
              connector.close();
            };
      }
      case "redisson" -> {
        RedissonClient client = CacheL1HitBenchmark.redisson(url);
        for (String k : keys) {
          client
              .<String>getBucket("headroom-bench-redisson:" + k, StringCodec.INSTANCE)
              .set(CacheL1HitBenchmark.VALUE);
        }
        get =
            k ->
                client
                    .<String>getBucket("headroom-bench-redisson:" + k, StringCodec.INSTANCE)
                    .get();
        closer =
            () -> {
              for (String k : keys) {
                RBucket<String> b =
                    client.getBucket("headroom-bench-redisson:" + k, StringCodec.INSTANCE);
                b.delete();
              }
              client.shutdown();
              connector.close();
            };
      }
      default -> throw new IllegalStateException(impl);
    }
    for (String k : keys) {
      CacheL1HitBenchmark.awaitFilled(() -> get.apply(k) != null);
    }
  }

  /** Removes what the benchmark wrote and closes the clients. */
  @TearDown
  public void tearDown() throws Exception {
    closer.close();
  }

  /** Each thread draws its own keys. */
  @State(Scope.Thread)
  public static class Cursor {
    final Random random = new Random();
  }

  /** One get of a key held only by Redis. */
  @Benchmark
  public Object get(Cursor cursor) {
    return get.apply(keys[cursor.random.nextInt(KEYS)]);
  }
}
