package dev.headroom.benchmarks;

import dev.headroom.core.key.KeySpace;
import dev.headroom.core.redis.RedisConnector;
import dev.headroom.queue.JobEvent;
import dev.headroom.queue.JobListener;
import dev.headroom.queue.JobQueue;
import dev.headroom.queue.JobQueueConfig;
import dev.headroom.queue.JobQueues;
import dev.headroom.queue.WorkerPool;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
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
import org.openjdk.jmh.infra.BenchmarkParams;

/**
 * One job through a queue on Redis and back, per client thread: each thread enqueues a no-op job
 * and waits until it has been processed, so there are as many jobs in flight as threads. This is
 * the queue's shape for the scaling curves ({@link ScalingCurves}), where the thread count varies.
 *
 * <ul>
 *   <li>{@code headroom}: {@link JobQueues#redis} with default options (leases, attempts, 1000
 *       completed jobs kept); {@code enqueue} (one Lua call), then a worker pool with as many
 *       workers as client threads claims, runs and settles the job, and the thread waits for the
 *       completion listener;
 *   <li>{@code lettuce}: the floor for a list as a queue, on the same kind of connection: {@code
 *       LPUSH} of the job, then {@code RPOP} of one job, each a round trip the thread waits for (no
 *       ids, leases, retries or completion record).
 * </ul>
 *
 * <pre>java -jar benchmarks/target/benchmarks.jar quick QueueRedisRoundTripBenchmark</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Threads(8)
public class QueueRedisRoundTripBenchmark {

  private static final String PAYLOAD = "job";
  private static final String RAW_KEY = "headroom-bench-roundtrip-raw";

  /** Which implementation runs. */
  @Param({"headroom", "lettuce"})
  public String impl;

  private RedisConnector connector;
  private KeySpace keySpace;
  private @Nullable JobQueue queue;
  private @Nullable WorkerPool pool;
  private final ConcurrentHashMap<String, CompletableFuture<Void>> waiting =
      new ConcurrentHashMap<>();

  /** Connects and, for Headroom, starts one worker per client thread. */
  @Setup
  public void setUp(BenchmarkParams params) {
    connector = RedisConnector.create(BenchRedis.url());
    keySpace = KeySpace.of("headroom-bench-roundtrip");
    BenchRedis.deleteKeys(connector, keySpace);
    connector.sync().del(RAW_KEY);
    if (impl.equals("headroom")) {
      JobQueue q =
          JobQueues.redis(
              connector, "roundtrip", JobQueueConfig.builder().keySpace(keySpace).build());
      queue = q;
      q.addListener(
          new JobListener() {
            @Override
            public void onCompleted(JobEvent e) {
              waiting.computeIfAbsent(e.jobId(), id -> new CompletableFuture<>()).complete(null);
            }
          });
      pool =
          q.workers()
              .handle(QueueRedisBenchmark.NOOP, job -> {})
              .concurrency(params.getThreads())
              .start();
    } else if (!impl.equals("lettuce")) {
      throw new IllegalStateException(impl);
    }
  }

  /** Stops the workers and removes what the benchmark wrote. */
  @TearDown
  public void tearDown() {
    if (pool != null) {
      pool.shutdown(Duration.ofSeconds(5));
    }
    if (queue != null) {
      queue.close();
    }
    BenchRedis.deleteKeys(connector, keySpace);
    connector.sync().del(RAW_KEY);
    connector.close();
  }

  /** Enqueues one job and waits until it has been processed. */
  @Benchmark
  public Object enqueueAndProcess()
      throws InterruptedException, ExecutionException, TimeoutException {
    if (queue != null) {
      String id = queue.enqueue(QueueRedisBenchmark.NOOP, PAYLOAD);
      CompletableFuture<Void> done = waiting.computeIfAbsent(id, k -> new CompletableFuture<>());
      done.get(30, TimeUnit.SECONDS);
      waiting.remove(id);
      return id;
    }
    connector.async().lpush(RAW_KEY, PAYLOAD).get(30, TimeUnit.SECONDS);
    return Objects.requireNonNullElse(
        connector.async().rpop(RAW_KEY).get(30, TimeUnit.SECONDS), "");
  }
}
