package dev.headroom.benchmarks;

import dev.headroom.batch.BatchLoader;
import dev.headroom.batch.BatchLoaders;
import dev.headroom.batch.Batcher;
import dev.headroom.batch.BatcherConfig;
import dev.headroom.batch.Batchers;
import dev.headroom.core.codec.Codec;
import dev.headroom.core.redis.RedisConnector;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * 1 000 concurrent gets of distinct keys: through the batcher's {@code MGET} loader (batches of
 * 100, so 10 Redis calls) against 1 000 individual {@code GET}s pipelined on the same Lettuce
 * connection. Scores are keys per second; the {@code redisCalls} counter shows the Redis commands
 * sent per second. Needs a Redis: {@code REDIS_URL}, else {@code redis://127.0.0.1:6379}.
 *
 * <pre>java -jar benchmarks/target/benchmarks.jar quick BatchedRedisBenchmark</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class BatchedRedisBenchmark {

  private static final int KEYS = 1000;
  private static final String PREFIX = "headroom-bench:batch:";

  /** Which implementation runs. */
  @Param({"headroom", "lettuce"})
  public String impl;

  private RedisConnector connector;
  private Batcher<Integer, Optional<byte[]>> batcher;
  private final AtomicLong mgets = new AtomicLong();

  /** Redis commands sent, reported per second beside the score. */
  @State(Scope.Thread)
  @AuxCounters(AuxCounters.Type.EVENTS)
  public static class Calls {
    /** Commands sent to Redis. */
    public long redisCalls;

    /** Resets the count for each iteration. */
    @Setup(Level.Iteration)
    public void reset() {
      redisCalls = 0;
    }
  }

  /** Connects, writes the keys and builds the batcher. */
  @Setup
  public void setUp() {
    String url = BenchRedis.url();
    connector = RedisConnector.create(url);
    for (int i = 0; i < KEYS; i++) {
      connector
          .binarySync()
          .set(PREFIX + i, ("value-" + i).getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
    BatchLoader<Integer, byte[]> mget =
        BatchLoaders.redisMget(connector, i -> PREFIX + i, Codec.bytes());
    BatchLoader<Integer, byte[]> counted =
        keys -> {
          mgets.incrementAndGet();
          return mget.load(keys);
        };
    batcher =
        Batchers.create(
            "bench-mget",
            counted,
            BatcherConfig.builder().maxBatchSize(100).maxLinger(Duration.ofMillis(1)).build());
  }

  /** Deletes the keys and closes everything. */
  @TearDown
  public void tearDown() {
    batcher.close();
    for (int i = 0; i < KEYS; i++) {
      connector.sync().del(PREFIX + i);
    }
    connector.close();
  }

  /** 1 000 gets issued together, then all awaited. */
  @Benchmark
  @OperationsPerInvocation(KEYS)
  public int thousandGets(Calls calls) {
    int found = 0;
    if (impl.equals("headroom")) {
      long before = mgets.get();
      List<CompletableFuture<Optional<byte[]>>> futures = new ArrayList<>(KEYS);
      for (int i = 0; i < KEYS; i++) {
        futures.add(batcher.load(i));
      }
      for (CompletableFuture<Optional<byte[]>> f : futures) {
        found += f.join().isPresent() ? 1 : 0;
      }
      calls.redisCalls += mgets.get() - before;
    } else {
      RedisClusterAsyncCommands<String, byte[]> async = connector.binaryAsync();
      List<CompletableFuture<byte[]>> futures = new ArrayList<>(KEYS);
      for (int i = 0; i < KEYS; i++) {
        futures.add(async.get(PREFIX + i).toCompletableFuture());
      }
      for (CompletableFuture<byte[]> f : futures) {
        found += f.join() != null ? 1 : 0;
      }
      calls.redisCalls += KEYS;
    }
    if (found != KEYS) {
      throw new IllegalStateException("expected " + KEYS + " values, found " + found);
    }
    return found;
  }
}
