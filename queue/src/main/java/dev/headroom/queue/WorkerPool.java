package dev.headroom.queue;

import java.time.Duration;

/**
 * Workers of one queue in this process, started by {@link WorkerBuilder#start()}: {@link
 * #concurrency()} jobs run at a time. On Redis they renew their leases while handlers run, reap
 * jobs of dead workers, and, when Redis is unreachable, back off and resume by themselves once it
 * answers. Thread-safe.
 */
public interface WorkerPool extends AutoCloseable {

  /** Jobs that run at a time. */
  int concurrency();

  /** Whether the pool takes jobs (started and not shut down). */
  boolean isRunning();

  /** Jobs running now. */
  int inFlight();

  /**
   * Stops taking jobs, lets running ones finish until {@code deadline}, then gives the unfinished
   * ones back to the queue (waiting, in their place in line, with their attempt not counted) and
   * interrupts their handlers, whose late answers are ignored. Idempotent.
   *
   * @return how many jobs were given back
   */
  int shutdown(Duration deadline);

  /** {@link #shutdown(Duration)} with {@link WorkerBuilder#DEFAULT_SHUTDOWN_DEADLINE}. */
  @Override
  void close();
}
