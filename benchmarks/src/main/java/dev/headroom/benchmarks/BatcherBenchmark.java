package dev.headroom.benchmarks;

import dev.headroom.batch.BatchLoader;
import dev.headroom.batch.Batcher;
import dev.headroom.batch.BatcherConfig;
import dev.headroom.batch.Batchers;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.dataloader.DataLoader;
import org.dataloader.DataLoaderFactory;
import org.dataloader.DataLoaderOptions;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * 100 single-key loads coalesced into one bulk call against an in-memory loader, then every answer
 * awaited. Scores are keys per second.
 *
 * <p>Headroom's batcher fires when the 100th key fills the window (max batch size 100);
 * java-dataloader is dispatched by hand after the 100th load, as it requires. Both call the loader
 * on the calling thread, both with caching off (each invocation loads the same 100 keys again).
 *
 * <pre>java -jar benchmarks/target/benchmarks.jar quick BatcherBenchmark</pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class BatcherBenchmark {

  private static final int KEYS = 100;

  /** Which implementation runs. */
  @Param({"headroom", "dataloader"})
  public String impl;

  private Batcher<Integer, Integer> batcher;
  private DataLoader<Integer, Integer> dataLoader;
  private final List<CompletableFuture<Integer>> futures = new ArrayList<>(KEYS);

  /** Builds both batchers over the same in-memory loader. */
  @Setup
  public void setUp() {
    batcher =
        Batchers.createWithDefault(
            "bench",
            BatchLoader.<Integer, Integer>alignedSync(BatcherBenchmark::loadAll),
            -1,
            BatcherConfig.builder()
                .maxBatchSize(KEYS)
                .maxLinger(Duration.ofSeconds(1))
                .executor(Runnable::run)
                .build());
    dataLoader =
        DataLoaderFactory.newDataLoader(
            keys -> CompletableFuture.completedFuture(loadAll(keys)),
            DataLoaderOptions.newOptions().setCachingEnabled(false).build());
  }

  /** Closes the batcher. */
  @TearDown
  public void tearDown() {
    batcher.close();
  }

  private static List<Integer> loadAll(List<Integer> keys) {
    List<Integer> values = new ArrayList<>(keys.size());
    for (Integer k : keys) {
      values.add(k * 2);
    }
    return values;
  }

  /** One window of 100 keys. */
  @Benchmark
  @OperationsPerInvocation(KEYS)
  public long hundredKeys() {
    futures.clear();
    if (impl.equals("headroom")) {
      for (int k = 0; k < KEYS; k++) {
        futures.add(batcher.load(k));
      }
    } else {
      for (int k = 0; k < KEYS; k++) {
        futures.add(dataLoader.load(k));
      }
      // the per-key futures joined below carry the values and any failure
      var unused = dataLoader.dispatch();
    }
    long sum = 0;
    for (CompletableFuture<Integer> f : futures) {
      sum += f.join();
    }
    return sum;
  }
}
