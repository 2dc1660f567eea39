package dev.headroom.benchmarks;

import dev.headroom.core.codec.Codec;
import dev.headroom.queue.JobQueue;
import dev.headroom.queue.JobQueueConfig;
import dev.headroom.queue.JobQueues;
import dev.headroom.queue.JobType;
import dev.headroom.queue.WorkerPool;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.PriorityBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
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
import org.openjdk.jmh.annotations.Threads;

/**
 * In-process job queue end to end: one producer enqueues 1000 no-op jobs one by one, two workers
 * run them, and the operation ends when all have run. The score is jobs per second.
 *
 * <ul>
 *   <li>{@code headroom}: {@link JobQueues#inMemory} with default options (priority order with
 *       aging, 1000 completed jobs kept, job ids, payload codec, attempts and leases tracked), a
 *       pool of 2;
 *   <li>{@code executor}: a {@link ThreadPoolExecutor} of 2 threads over a {@link
 *       PriorityBlockingQueue} of comparable tasks (priority, then a sequence for FIFO): what one
 *       writes by hand;
 *   <li>{@code jobrunr}: JobRunr's background job server, 2 workers, over its in-memory storage,
 *       polling at its shortest allowed interval (see {@link JobRunrPeer});
 *   <li>{@code db-scheduler}: db-scheduler, 2 threads, one-time tasks in an in-memory H2 database,
 *       immediate execution on (see {@link DbSchedulerPeer}).
 * </ul>
 *
 * The last two are what a JVM application picks for background jobs when it does not write its own;
 * both persist each job (JobRunr as a JSON-mapped {@code Job} in a map, db-scheduler as a table
 * row), which Headroom's in-memory queue does not.
 *
 * <pre>java -jar benchmarks/target/benchmarks.jar quick QueueMemoryBenchmark</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Threads(1)
public class QueueMemoryBenchmark {

  private static final int JOBS = 1000;
  private static final JobType<String> NOOP = JobType.of("noop", Codec.utf8());

  /** Which implementation runs. */
  @Param({"headroom", "executor", "jobrunr", "db-scheduler"})
  public String impl;

  private @Nullable JobQueue queue;
  private @Nullable WorkerPool pool;
  private @Nullable ThreadPoolExecutor executor;
  private @Nullable JobRunrPeer jobrunr;
  private @Nullable DbSchedulerPeer dbScheduler;
  private final AtomicLong sequence = new AtomicLong();
  // replaced before each invocation's jobs are enqueued
  private volatile CountDownLatch batch = new CountDownLatch(0);

  /** Starts the workers. */
  @Setup
  public void setUp() throws SQLException {
    switch (impl) {
      case "headroom" -> {
        JobQueue q = JobQueues.inMemory("bench", JobQueueConfig.ofDefaults());
        queue = q;
        pool = q.workers().handle(NOOP, job -> batch.countDown()).concurrency(2).start();
      }
      case "executor" -> {
        ThreadPoolExecutor e =
            new ThreadPoolExecutor(2, 2, 0, TimeUnit.MILLISECONDS, new PriorityBlockingQueue<>());
        executor = e;
        e.prestartAllCoreThreads();
      }
      case "jobrunr" -> jobrunr = JobRunrPeer.start(() -> batch.countDown());
      case "db-scheduler" -> dbScheduler = new DbSchedulerPeer(() -> batch.countDown());
      default -> throw new IllegalStateException(impl);
    }
  }

  /** Stops the workers. */
  @TearDown
  public void tearDown() throws InterruptedException {
    if (pool != null) {
      pool.shutdown(Duration.ofSeconds(5));
    }
    if (queue != null) {
      queue.close();
    }
    if (executor != null) {
      executor.shutdown();
      executor.awaitTermination(5, TimeUnit.SECONDS);
    }
    if (jobrunr != null) {
      jobrunr.close();
    }
    if (dbScheduler != null) {
      dbScheduler.close();
    }
  }

  /** Enqueues {@value #JOBS} jobs and waits until they have run. */
  @Benchmark
  @OperationsPerInvocation(JOBS)
  public void enqueueAndRun() throws InterruptedException {
    CountDownLatch done = new CountDownLatch(JOBS);
    batch = done;
    if (queue != null) {
      for (int i = 0; i < JOBS; i++) {
        queue.enqueue(NOOP, "x");
      }
    } else if (jobrunr != null) {
      for (int i = 0; i < JOBS; i++) {
        jobrunr.enqueue();
      }
    } else if (dbScheduler != null) {
      for (int i = 0; i < JOBS; i++) {
        dbScheduler.enqueue();
      }
    } else {
      ThreadPoolExecutor e = Objects.requireNonNull(executor, "set up when there is no queue");
      for (int i = 0; i < JOBS; i++) {
        e.execute(new Task(0, sequence.incrementAndGet(), done));
      }
    }
    done.await();
  }

  /** A prioritized no-op task: higher priority first, then FIFO by sequence. */
  private static final class Task implements Runnable, Comparable<Task> {
    final int priority;
    final long seq;
    final CountDownLatch done;

    Task(int priority, long seq, CountDownLatch done) {
      this.priority = priority;
      this.seq = seq;
      this.done = done;
    }

    @Override
    public void run() {
      done.countDown();
    }

    @Override
    public int compareTo(Task o) {
      return priority != o.priority
          ? Integer.compare(o.priority, priority)
          : Long.compare(seq, o.seq);
    }
  }
}
