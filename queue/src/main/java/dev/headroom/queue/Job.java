package dev.headroom.queue;

import java.time.Instant;

/**
 * One attempt at a job, as a handler sees it: the decoded payload and where the job stands.
 *
 * @param <T> the payload type
 */
public interface Job<T> {

  /** The job id. */
  String id();

  /** The job type's name. */
  String type();

  /** The decoded payload. */
  T payload();

  /**
   * This attempt's number, 1 for the first; a job handed back at shutdown or after a worker died
   * keeps its count.
   */
  int attempt();

  /** Attempts in all, first try included. */
  int maxAttempts();

  /** The priority it was enqueued with. */
  int priority();

  /** When it was enqueued. */
  Instant enqueuedAt();

  /**
   * Whether this worker has lost the job: its lease expired (the worker could not reach Redis to
   * renew it) or the pool gave it back at shutdown. Another worker may run it; whatever this
   * attempt answers is ignored. A long handler may check it to stop early.
   */
  boolean leaseLost();
}
