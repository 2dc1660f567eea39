package dev.headroom.benchmarks;

import java.time.Duration;
import org.jobrunr.configuration.JobRunr;
import org.jobrunr.scheduling.JobScheduler;
import org.jobrunr.server.BackgroundJobServerConfiguration;
import org.jobrunr.storage.InMemoryStorageProvider;

/**
 * JobRunr with its {@link InMemoryStorageProvider} as an in-process job queue, the {@code jobrunr}
 * impl of {@link QueueMemoryBenchmark}.
 *
 * <p>Set up for throughput: a background job server of 2 workers polling every 200 ms, the shortest
 * interval JobRunr accepts for in-memory storage (the default is 15 s; databases may not go below 5
 * s). JobRunr fetches enqueued jobs on each poll and again whenever a worker becomes idle, as many
 * as there are idle workers; a fetch that starts while another runs is skipped, so a worker can
 * stay idle until the next poll with jobs enqueued. Succeeded jobs are deleted after 1 s and then
 * dropped (defaults 36 h and 72 h): the in-memory storage scans all jobs it holds on every fetch,
 * and Headroom's queue keeps only its last 1000 completed jobs. No dashboard. A job is a lambda
 * calling a static method, the usual JobRunr style; JobRunr caches its analysis of the lambda after
 * the first call.
 */
public final class JobRunrPeer implements AutoCloseable {

  private static volatile Runnable body = () -> {};

  private final JobScheduler scheduler;

  private JobRunrPeer(JobScheduler scheduler) {
    this.scheduler = scheduler;
  }

  /** Configures JobRunr and starts its background job server; each job runs {@code job}. */
  static JobRunrPeer start(Runnable job) {
    body = job;
    return new JobRunrPeer(
        JobRunr.configure()
            .useStorageProvider(new InMemoryStorageProvider())
            .useBackgroundJobServer(
                BackgroundJobServerConfiguration.usingStandardBackgroundJobServerConfiguration()
                    .andWorkerCount(2)
                    .andPollInterval(Duration.ofMillis(200))
                    .andDeleteSucceededJobsAfter(Duration.ofSeconds(1))
                    .andPermanentlyDeleteDeletedJobsAfter(Duration.ofSeconds(1)))
            .initialize()
            .getJobScheduler());
  }

  /** Enqueues one job. */
  void enqueue() {
    scheduler.enqueue(() -> JobRunrPeer.run());
  }

  /**
   * The job JobRunr runs: the body given to the constructor. Public because JobRunr calls it by
   * reflection.
   */
  public static void run() {
    body.run();
  }

  /** Stops the background job server and closes the storage. */
  @Override
  public void close() {
    JobRunr.destroy();
  }
}
