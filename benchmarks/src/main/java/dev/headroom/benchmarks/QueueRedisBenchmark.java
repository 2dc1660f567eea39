package dev.headroom.benchmarks;

import dev.headroom.core.codec.Codec;
import dev.headroom.core.key.KeySpace;
import dev.headroom.core.redis.RedisConnector;
import dev.headroom.queue.JobEvent;
import dev.headroom.queue.JobListener;
import dev.headroom.queue.JobOptions;
import dev.headroom.queue.JobQueue;
import dev.headroom.queue.JobQueueConfig;
import dev.headroom.queue.JobQueues;
import dev.headroom.queue.JobType;
import dev.headroom.queue.WorkerPool;
import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.jspecify.annotations.Nullable;
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
import org.openjdk.jmh.annotations.Threads;
import org.redisson.Redisson;
import org.redisson.api.RPriorityBlockingQueue;
import org.redisson.api.RedissonClient;
import org.redisson.config.Config;

/**
 * No-op jobs through a queue on a real Redis ({@code REDIS_URL}, else {@code
 * redis://127.0.0.1:6379}), in batches of {@value #JOBS}; scores are jobs per second.
 *
 * <ul>
 *   <li>{@code enqueue}: one producer adds a batch in bulk ({@code enqueueAll}: pipelined Lua
 *       batches; Redisson: {@code addAll});
 *   <li>{@code process}: the batch is in Redis beforehand; 50 consumers start, take every job, run
 *       a no-op and record it done (Headroom: the completion stored, via a listener).
 * </ul>
 *
 * Implementations: {@code headroom} ({@link JobQueues#redis}, default options: leases, attempts,
 * 1000 completed jobs kept) and {@code redisson} (its {@code RPriorityBlockingQueue} of comparable
 * items: priority order, but no leases, retries or crash recovery: a consumer that dies loses what
 * it took). Its consumers call {@code poll()} and park 1 ms when it finds nothing: its blocking
 * {@code poll(timeout)} did not return in our runs once the queue was drained.
 *
 * <pre>java -jar benchmarks/target/benchmarks.jar quick QueueRedisBenchmark</pre>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Threads(1)
public class QueueRedisBenchmark {

  static final int JOBS = 1000;
  static final int CONCURRENCY = 50;
  static final JobType<String> NOOP = JobType.of("noop", Codec.utf8());

  /** A Redisson queue item: higher priority first, then FIFO. */
  public static final class Item implements Comparable<Item>, Serializable {
    private static final long serialVersionUID = 1L;

    /** Priority. */
    public int priority;

    /** FIFO tie-break. */
    public long seq;

    /** The payload (null only while the codec fills a new item). */
    public @Nullable String payload;

    /** For the codec. */
    public Item() {}

    Item(int priority, long seq, String payload) {
      this.priority = priority;
      this.seq = seq;
      this.payload = payload;
    }

    @Override
    public int compareTo(Item o) {
      return priority != o.priority
          ? Integer.compare(o.priority, priority)
          : Long.compare(seq, o.seq);
    }
  }

  /** The queue under test, emptied before each iteration. */
  @State(Scope.Benchmark)
  public static class Queues {
    /** Which implementation runs. */
    @Param({"headroom", "redisson"})
    public String impl;

    RedisConnector connector;
    @Nullable JobQueue queue;
    KeySpace keySpace;
    @Nullable RedissonClient redisson;
    @Nullable RPriorityBlockingQueue<Item> items;
    final AtomicLong seq = new AtomicLong();
    final List<String> payloads = new ArrayList<>();
    // replaced before each invocation of process
    volatile CountDownLatch done = new CountDownLatch(0);
    @Nullable WorkerPool pool;
    @Nullable ExecutorService consumers;

    /** Connects. */
    @Setup(Level.Trial)
    public void connect() {
      String url = BenchRedis.url();
      for (int i = 0; i < JOBS; i++) {
        payloads.add("job-" + i);
      }
      connector = RedisConnector.create(url);
      keySpace = KeySpace.of("headroom-bench-queue");
      switch (impl) {
        case "headroom" -> {
          JobQueue q =
              JobQueues.redis(
                  connector, "bench", JobQueueConfig.builder().keySpace(keySpace).build());
          queue = q;
          q.addListener(
              new JobListener() {
                @Override
                public void onCompleted(JobEvent e) {
                  done.countDown();
                }
              });
        }
        case "redisson" -> {
          Config config = new Config();
          config
              .useSingleServer()
              .setAddress(url)
              .setConnectionPoolSize(64)
              .setConnectionMinimumIdleSize(CONCURRENCY);
          RedissonClient client = Redisson.create(config);
          redisson = client;
          items = client.getPriorityBlockingQueue("headroom-bench-queue-redisson");
        }
        default -> throw new IllegalStateException(impl);
      }
      clear();
    }

    /** Starts each iteration from an empty queue. */
    @Setup(Level.Iteration)
    public void clear() {
      if (queue != null) {
        BenchRedis.deleteKeys(connector, keySpace);
      } else {
        Objects.requireNonNull(items, "connected when there is no queue").delete();
      }
    }

    /** Disconnects. */
    @TearDown(Level.Trial)
    public void close() {
      clear();
      if (queue != null) {
        queue.close();
      }
      if (redisson != null) {
        redisson.shutdown();
      }
      connector.close();
    }

    void add() {
      if (queue != null) {
        queue.enqueueAll(NOOP, payloads, JobOptions.ofDefaults());
      } else {
        List<Item> batch = new ArrayList<>(JOBS);
        for (String p : payloads) {
          batch.add(new Item(0, seq.incrementAndGet(), p));
        }
        Objects.requireNonNull(items, "connected when there is no queue").addAll(batch);
      }
    }
  }

  /** A batch already in Redis, and consumers stopped after each invocation. */
  @State(Scope.Benchmark)
  public static class Loaded {
    /** Fills the queue before each invocation. */
    @Setup(Level.Invocation)
    public void fill(Queues q) {
      q.clear();
      q.add();
      q.done = new CountDownLatch(JOBS);
    }

    /** Stops the consumers of the invocation. */
    @TearDown(Level.Invocation)
    public void stop(Queues q) throws InterruptedException {
      if (q.pool != null) {
        q.pool.shutdown(Duration.ofSeconds(5));
        q.pool = null;
      }
      if (q.consumers != null) {
        // not interrupted: a Redisson call interrupted midway can leave its queue lock held
        q.consumers.shutdown();
        q.consumers.awaitTermination(30, TimeUnit.SECONDS);
        q.consumers = null;
      }
    }
  }

  /** Adds {@value #JOBS} jobs in bulk. */
  @Benchmark
  @OperationsPerInvocation(JOBS)
  public void enqueue(Queues q) {
    q.add();
  }

  /** Runs {@value #JOBS} jobs already in Redis with {@value #CONCURRENCY} consumers. */
  @Benchmark
  @OperationsPerInvocation(JOBS)
  public void process(Queues q, Loaded loaded) throws InterruptedException {
    CountDownLatch done = q.done;
    if (q.queue != null) {
      q.pool = q.queue.workers().handle(NOOP, job -> {}).concurrency(CONCURRENCY).start();
    } else {
      RPriorityBlockingQueue<Item> items =
          Objects.requireNonNull(q.items, "connected when there is no queue");
      ExecutorService consumers = Executors.newFixedThreadPool(CONCURRENCY);
      q.consumers = consumers;
      for (int i = 0; i < CONCURRENCY; i++) {
        consumers.execute(
            () -> {
              while (done.getCount() > 0) {
                if (items.poll() != null) {
                  done.countDown();
                } else {
                  LockSupport.parkNanos(1_000_000);
                }
              }
            });
      }
    }
    if (!done.await(60, TimeUnit.SECONDS)) {
      throw new IllegalStateException(
          q.impl + ": " + done.getCount() + " of " + JOBS + " jobs not processed within 60 s");
    }
  }
}
