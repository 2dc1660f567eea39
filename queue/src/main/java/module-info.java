/**
 * A priority job queue: typed handlers, workers, retries with backoff, delayed jobs and dead
 * letters, in memory or crash-safe on Redis. Only {@code dev.headroom.queue} is exported; the
 * broker seam and the in-memory and Redis backends are reached through {@code JobQueues}.
 *
 * <p>Lettuce is needed only for the Redis backend (a {@code RedisConnector}); the in-memory queue
 * runs without it. cron-utils is needed only for cron schedules.
 */
module dev.headroom.queue {
  requires transitive dev.headroom.core;
  requires com.fasterxml.jackson.databind;
  requires static lettuce.core;
  requires static com.cronutils;
  requires java.management;

  exports dev.headroom.queue;
}
