package dev.headroom.benchmarks;

import dev.headroom.cache.Cache;
import dev.headroom.cache.CacheConfig;
import dev.headroom.cache.Caches;
import dev.headroom.core.codec.Codec;
import dev.headroom.core.key.KeySpace;
import dev.headroom.core.redis.RedisConnector;
import io.lettuce.core.KeyValue;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
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

/**
 * {@code getAll} of 100 keys whose values are only in Redis (10 000 keys, batches drawn uniformly),
 * 4 threads. Headroom reads them in one {@code MGET} (asserted by the cache's tests). Its L2
 * timeout is 1 s here, so a JIT or GC pause on a shared machine does not turn reads into misses.
 *
 * <ul>
 *   <li>{@code headroom}: a two-level {@link Cache} with L1 disabled, {@code getAll(keys)} into a
 *       map;
 *   <li>{@code lettuce}: raw {@code MGET} of the 100 keys plus UTF-8 decoding into a map, the
 *       floor.
 * </ul>
 *
 * <pre>java -jar benchmarks/target/benchmarks.jar quick CacheGetAllBenchmark</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Threads(4)
public class CacheGetAllBenchmark {

  private static final int BATCH = 100;
  private static final int BATCHES = 256;

  /** Which implementation runs. */
  @Param({"headroom", "lettuce"})
  public String impl;

  private RedisConnector connector;
  private @Nullable Cache<String> cache;
  private @Nullable RedisClusterAsyncCommands<String, byte[]> commands;
  private List<List<String>> batches;
  private String[][] rawBatches;

  /** Writes the values and draws the batches. */
  @Setup
  public void setUp() {
    connector = RedisConnector.create(BenchRedis.url());
    Map<String, String> all = new HashMap<>();
    for (int i = 0; i < CacheL2HitBenchmark.KEYS; i++) {
      all.put("user-" + i, CacheL1HitBenchmark.VALUE);
    }
    Random random = new Random(7);
    batches = new ArrayList<>();
    rawBatches = new String[BATCHES][];
    for (int b = 0; b < BATCHES; b++) {
      List<String> batch = new ArrayList<>();
      while (batch.size() < BATCH) {
        String k = "user-" + random.nextInt(CacheL2HitBenchmark.KEYS);
        if (!batch.contains(k)) {
          batch.add(k);
        }
      }
      batches.add(batch);
      rawBatches[b] = batch.stream().map(k -> "headroom-bench-raw:" + k).toArray(String[]::new);
    }
    if (impl.equals("headroom")) {
      Cache<String> c =
          Caches.redis(
              connector,
              "getallbench",
              CacheConfig.builder(Codec.utf8())
                  .keySpace(KeySpace.of("headroom-bench"))
                  .maximumSize(0)
                  .ttl(Duration.ofHours(1))
                  .l2Timeout(Duration.ofSeconds(1))
                  .build());
      cache = c;
      for (List<String> batch : batches) {
        Map<String, String> values = new HashMap<>();
        batch.forEach(k -> values.put(k, CacheL1HitBenchmark.VALUE));
        c.putAll(values);
      }
      // On a loaded machine a write may time out (the cache then repairs the keys by deleting
      // them): write a batch's values again until every batch reads back whole.
      long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
      for (List<String> batch : batches) {
        while (c.getAll(batch).size() != BATCH) {
          if (System.nanoTime() > deadline) {
            throw new IllegalStateException("the cache was not filled within five minutes");
          }
          Map<String, String> again = new HashMap<>();
          batch.forEach(k -> again.put(k, CacheL1HitBenchmark.VALUE));
          c.putAll(again);
        }
      }
    } else {
      commands = connector.binaryAsync();
      all.keySet()
          .forEach(
              k ->
                  connector
                      .binarySync()
                      .set(
                          "headroom-bench-raw:" + k,
                          CacheL1HitBenchmark.VALUE.getBytes(StandardCharsets.UTF_8)));
    }
  }

  /** Removes what the benchmark wrote. */
  @TearDown
  public void tearDown() {
    if (cache != null) {
      cache.clear();
      cache.close();
    } else {
      for (int i = 0; i < CacheL2HitBenchmark.KEYS; i++) {
        connector.sync().del("headroom-bench-raw:user-" + i);
      }
    }
    connector.close();
  }

  /** Each thread draws its own batches. */
  @State(Scope.Thread)
  public static class Cursor {
    final Random random = new Random();
  }

  /** One getAll of 100 keys. */
  @Benchmark
  public Map<String, String> getAll(Cursor cursor) throws Exception {
    int b = cursor.random.nextInt(BATCHES);
    if (cache != null) {
      Map<String, String> out = cache.getAll(batches.get(b));
      if (out.size() != BATCH) {
        throw new IllegalStateException("got " + out.size());
      }
      return out;
    }
    List<KeyValue<String, byte[]>> kvs =
        Objects.requireNonNull(commands, "set up when there is no cache").mget(rawBatches[b]).get();
    Map<String, String> out = new HashMap<>();
    for (KeyValue<String, byte[]> kv : kvs) {
      out.put(kv.getKey(), new String(kv.getValue(), StandardCharsets.UTF_8));
    }
    return out;
  }
}
