package dev.headroom.queue;

import java.time.Duration;

/**
 * Jobs by state at one moment.
 *
 * @param waiting ready to run
 * @param delayed waiting for their run-at time, retries after a backoff included
 * @param active held by workers
 * @param completed kept completed jobs
 * @param dead dead letters
 * @param nextJobWait how long the job at the head of the line (the next to run) has been ready;
 *     zero when none waits
 */
public record QueueCounts(
    long waiting, long delayed, long active, long completed, long dead, Duration nextJobWait) {

  /** Jobs not yet finished: waiting, delayed and active. */
  public long unfinished() {
    return waiting + delayed + active;
  }
}
