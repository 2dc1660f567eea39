package dev.headroom.benchmarks;

import dev.headroom.cache.Cache;
import dev.headroom.cache.CacheConfig;
import dev.headroom.cache.Caches;
import dev.headroom.core.codec.Codec;
import dev.headroom.core.key.KeySpace;
import dev.headroom.core.redis.RedisConnector;
import java.time.Duration;
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
import org.redisson.api.RLocalCachedMap;
import org.redisson.api.RedissonClient;
import org.redisson.api.options.LocalCachedMapOptions;
import org.redisson.client.codec.StringCodec;

/**
 * How long after a write on node A node B's L1 stops serving the old value: A puts a new value
 * (waiting for Redis to confirm, as {@code put} does), then B reads until it sees it. Two nodes are
 * two cache instances with their own connections to one Redis; B's L1 always holds the old value
 * when the write starts, so B sees the new one only once the invalidation message has evicted it.
 * Sample mode: JMH reports the percentiles (p50, p99).
 *
 * <ul>
 *   <li>{@code headroom}: two-level {@link Cache} instances on two connectors;
 *   <li>{@code redisson}: two {@code RLocalCachedMap} instances on two clients (its own
 *       invalidation messages).
 * </ul>
 *
 * <pre>java -jar benchmarks/target/benchmarks.jar quick InvalidationLatencyBenchmark</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Threads(1)
public class InvalidationLatencyBenchmark {

  private static final String KEY = "user:1";

  /** Which implementation runs. */
  @Param({"headroom", "redisson"})
  public String impl;

  private Nodes nodes;
  private long version;

  /** Node A, which writes, and node B, which reads, of one implementation. */
  private interface Nodes {
    void write(String value);

    @Nullable String read();

    void close();
  }

  private record HeadroomNodes(
      RedisConnector connectorA, RedisConnector connectorB, Cache<String> a, Cache<String> b)
      implements Nodes {

    @Override
    public void write(String value) {
      a.put(KEY, value);
    }

    @Override
    public @Nullable String read() {
      return b.get(KEY);
    }

    @Override
    public void close() {
      a.invalidate(KEY);
      a.close();
      b.close();
      connectorA.close();
      connectorB.close();
    }
  }

  private record RedissonNodes(
      RedissonClient clientA,
      RedissonClient clientB,
      RLocalCachedMap<String, String> mapA,
      RLocalCachedMap<String, String> mapB)
      implements Nodes {

    @Override
    public void write(String value) {
      mapA.fastPut(KEY, value);
    }

    @Override
    public @Nullable String read() {
      return mapB.get(KEY);
    }

    @Override
    public void close() {
      mapA.delete();
      clientA.shutdown();
      clientB.shutdown();
    }
  }

  /** Builds the two nodes and gives B the first value in its L1. */
  @Setup
  public void setUp() {
    String url = BenchRedis.url();
    if (impl.equals("headroom")) {
      RedisConnector connectorA = RedisConnector.create(url);
      RedisConnector connectorB = RedisConnector.create(url);
      CacheConfig<String> config =
          CacheConfig.builder(Codec.utf8())
              .keySpace(KeySpace.of("headroom-bench"))
              .ttl(Duration.ofHours(1))
              .build();
      Cache<String> a = Caches.redis(connectorA, "invalbench", config);
      Cache<String> b = Caches.redis(connectorB, "invalbench", config);
      nodes = new HeadroomNodes(connectorA, connectorB, a, b);
    } else {
      RedissonClient clientA = CacheL1HitBenchmark.redisson(url);
      RedissonClient clientB = CacheL1HitBenchmark.redisson(url);
      RLocalCachedMap<String, String> mapA =
          clientA.getLocalCachedMap(
              LocalCachedMapOptions.<String, String>name("headroom-bench-redisson-inval")
                  .codec(StringCodec.INSTANCE)
                  .cacheSize(1000));
      RLocalCachedMap<String, String> mapB =
          clientB.getLocalCachedMap(
              LocalCachedMapOptions.<String, String>name("headroom-bench-redisson-inval")
                  .codec(StringCodec.INSTANCE)
                  .cacheSize(1000));
      nodes = new RedissonNodes(clientA, clientB, mapA, mapB);
    }
    nodes.write("v0");
    while (!"v0".equals(nodes.read())) {
      Thread.onSpinWait();
    }
  }

  /** Closes both nodes and removes the key. */
  @TearDown
  public void tearDown() {
    nodes.close();
  }

  /** One write on A, then reads on B until B serves it. */
  @Benchmark
  public String writeOnAUntilBSeesIt() {
    version++;
    String next = "v" + version;
    nodes.write(next);
    while (true) {
      String seen = nodes.read();
      if (seen != null && seen.equals(next)) {
        return seen;
      }
      Thread.onSpinWait();
    }
  }
}
