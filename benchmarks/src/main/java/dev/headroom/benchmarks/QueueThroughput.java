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
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The queue's throughput in the shape of the BullMQ peer script, so the two print comparable
 * figures: add N no-op jobs in bulk ({@code enqueueAll}, pipelined Lua batches), then process them
 * with one worker pool at concurrency C, on the Redis at {@code REDIS_URL} (default {@code
 * redis://127.0.0.1:6379}). A job counts as processed when its completion is stored. Like the
 * script, it runs a few rounds on a fresh queue each (the first also warms up the JIT) and reports
 * the median round. Keys go under {@code headroom-bench-throughput:} and are deleted afterwards.
 * Default options: leases, attempts and 1000 completed jobs kept.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar dev.headroom.benchmarks.QueueThroughput [jobs=20000] [concurrency=50] [rounds=3]
 * </pre>
 */
public final class QueueThroughput {

  private static final JobType<String> NOOP = JobType.of("noop", Codec.utf8());

  private QueueThroughput() {}

  /** Args: jobs (default 20000), concurrency (default 50), rounds (default 3). */
  public static void main(String[] args) throws InterruptedException {
    int jobs = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
    int concurrency = args.length > 1 ? Integer.parseInt(args[1]) : 50;
    int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 3;
    QueueRates median = measure(jobs, concurrency, rounds);
    System.out.printf(
        Locale.ROOT,
        "median: add jobs/s %.0f, process jobs/s %.0f%n",
        median.add(),
        median.process());
  }

  /** Runs the rounds on the Redis at {@code REDIS_URL} and returns the median of each rate. */
  static QueueRates measure(int jobs, int concurrency, int rounds) throws InterruptedException {
    if (jobs <= 0 || concurrency <= 0 || rounds <= 0) {
      throw new IllegalArgumentException("jobs, concurrency and rounds must be positive");
    }
    String url = BenchRedis.url();
    KeySpace keySpace = KeySpace.of("headroom-bench-throughput");
    List<QueueRates> results = new ArrayList<>();
    try (RedisConnector connector = RedisConnector.create(url)) {
      System.out.printf(
          Locale.ROOT,
          "headroom-queue: %d jobs, concurrency %d, %s%n",
          jobs,
          concurrency,
          connector.url());
      BenchRedis.deleteKeys(connector, keySpace);
      for (int round = 1; round <= rounds; round++) {
        QueueRates r = run(connector, keySpace, jobs, concurrency);
        BenchRedis.deleteKeys(connector, keySpace);
        System.out.printf(
            Locale.ROOT,
            "round %d: headroom add jobs/s %.0f, process jobs/s %.0f%n",
            round,
            r.add(),
            r.process());
        results.add(r);
      }
    }
    return QueueRates.median(results);
  }

  private static QueueRates run(
      RedisConnector connector, KeySpace keySpace, int jobs, int concurrency)
      throws InterruptedException {
    List<String> payloads = new ArrayList<>(jobs);
    for (int i = 0; i < jobs; i++) {
      payloads.add("job-" + i);
    }
    try (JobQueue queue =
        JobQueues.redis(
            connector, "throughput", JobQueueConfig.builder().keySpace(keySpace).build())) {
      CountDownLatch done = new CountDownLatch(jobs);
      queue.addListener(
          new JobListener() {
            @Override
            public void onCompleted(JobEvent e) {
              done.countDown();
            }
          });
      long t0 = System.nanoTime();
      queue.enqueueAll(NOOP, payloads, JobOptions.ofDefaults());
      long t1 = System.nanoTime();
      WorkerPool pool = queue.workers().handle(NOOP, job -> {}).concurrency(concurrency).start();
      if (!done.await(10, TimeUnit.MINUTES)) {
        throw new IllegalStateException(
            done.getCount() + " jobs were not processed within 10 minutes");
      }
      long t2 = System.nanoTime();
      pool.shutdown(Duration.ofSeconds(5));
      return new QueueRates(jobs / ((t1 - t0) / 1e9), jobs / ((t2 - t1) / 1e9));
    }
  }
}
