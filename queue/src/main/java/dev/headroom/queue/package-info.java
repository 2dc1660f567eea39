/**
 * A priority job queue: producers {@link dev.headroom.queue.JobQueue#enqueue enqueue} typed jobs,
 * {@linkplain dev.headroom.queue.WorkerPool workers} run them through typed handlers with retries
 * (exponential backoff with jitter), delays, priority aging, dead letters and graceful shutdown. In
 * memory ({@link dev.headroom.queue.JobQueues#inMemory}) or durable on Redis with crash recovery
 * ({@link dev.headroom.queue.JobQueues#redis}), under one contract.
 */
@NullMarked
package dev.headroom.queue;

import org.jspecify.annotations.NullMarked;
