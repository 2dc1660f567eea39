package dev.headroom.queue.redis;

import dev.headroom.core.backoff.Backoff;
import dev.headroom.core.backoff.Jitter;
import dev.headroom.core.codec.Codec;
import dev.headroom.core.key.KeySpace;
import dev.headroom.core.redis.RedisConnector;
import dev.headroom.queue.JobQueue;
import dev.headroom.queue.JobQueueConfig;
import dev.headroom.queue.JobQueues;
import dev.headroom.queue.JobType;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;

/**
 * A worker in a JVM of its own, for the crash and soak tests, which kill it with SIGKILL. Args:
 * Redis URL, key space prefix, queue name, concurrency, lease (ms), mode. Prints {@code ready} once
 * started, then one line per handler run: {@code run <payload> <attempt> ok|fail} (mode {@code
 * soak}: payload {@code <n>:<failures>} fails its first {@code failures} attempts) or {@code
 * holding <payload>} (mode {@code hold}: the handler never returns).
 */
public final class WorkerProcess {

  /** The job type both the tests and this process use. */
  static final JobType<String> WORK =
      JobType.builder("work", Codec.utf8())
          .backoff(
              Backoff.exponential(Duration.ofMillis(1), Duration.ofMillis(5))
                  .jitter(Jitter.NONE)
                  .maxAttempts(3)
                  .build())
          .build();

  private WorkerProcess() {}

  /** Options shared by the tests and this process. */
  static JobQueueConfig options(String keyPrefix, long leaseMillis) {
    return JobQueueConfig.builder()
        .keySpace(KeySpace.of(keyPrefix, "q"))
        .lease(Duration.ofMillis(leaseMillis))
        .reapInterval(Duration.ofMillis(200))
        .pollInterval(Duration.ofMillis(200))
        .completedRetention(50_000, Duration.ofHours(1))
        .build();
  }

  public static void main(String[] args) throws Exception {
    RedisConnector connector = RedisConnector.create(args[0]);
    JobQueue queue = JobQueues.redis(connector, args[2], options(args[1], Long.parseLong(args[4])));
    int concurrency = Integer.parseInt(args[3]);
    if (args[5].equals("hold")) {
      queue
          .workers()
          .handle(
              WORK,
              job -> {
                System.out.println("holding " + job.payload());
                new CountDownLatch(1).await();
              })
          .concurrency(concurrency)
          .start();
    } else {
      queue
          .workers()
          .handle(
              WORK,
              job -> {
                int failures =
                    Integer.parseInt(job.payload().substring(job.payload().indexOf(':') + 1));
                boolean fail = job.attempt() <= failures;
                System.out.println(
                    "run " + job.payload() + " " + job.attempt() + (fail ? " fail" : " ok"));
                if (fail) {
                  throw new IOException("planned failure " + job.attempt());
                }
              })
          .concurrency(concurrency)
          .start();
    }
    System.out.println("ready");
    new CountDownLatch(1).await();
  }
}
