package dev.headroom.queue;

import dev.headroom.core.codec.Codec;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * Registers typed handlers and starts a {@link WorkerPool}; from {@link JobQueue#workers()}.
 *
 * <pre>{@code
 * WorkerPool pool = queue.workers()
 *     .handle(EMAIL, job -> mailer.send(job.payload()))
 *     .handleAsync(AI, job -> model.complete(job.payload()))
 *     .concurrency(8)
 *     .start();
 * }</pre>
 *
 * A job whose type has no handler here goes to the dead letters (reason {@code unknown-type}), as
 * does one whose payload the type's codec cannot decode: neither can succeed by retrying.
 */
public final class WorkerBuilder {

  /** Default jobs that run at a time. */
  public static final int DEFAULT_CONCURRENCY = 4;

  /** The deadline {@link WorkerPool#close()} gives running jobs. */
  public static final Duration DEFAULT_SHUTDOWN_DEADLINE = Duration.ofSeconds(30);

  private final Function<WorkerBuilder, WorkerPool> starter;
  private final Map<String, Handler<?>> handlers = new LinkedHashMap<>();
  private int concurrency = DEFAULT_CONCURRENCY;

  WorkerBuilder(Function<WorkerBuilder, WorkerPool> starter) {
    this.starter = starter;
  }

  /**
   * Runs jobs of {@code type} with {@code handler} on the worker's thread.
   *
   * @throws IllegalArgumentException if the type already has a handler here
   */
  public <T> WorkerBuilder handle(JobType<T> type, JobHandler<T> handler) {
    Objects.requireNonNull(handler, "handler");
    return register(new Handler<>(type, handler, null, null, null));
  }

  /**
   * Runs jobs of {@code type} with a handler that returns a result, stored with the completed job
   * encoded with {@code resultCodec} (kept as long as the completed job, see {@link
   * JobQueueConfig#completedKeep()}) and read from any process with {@link JobQueue#job} and {@link
   * JobInfo#result(Codec)}. A result that cannot be encoded fails the attempt.
   *
   * @throws IllegalArgumentException if the type already has a handler here
   */
  public <T, R> WorkerBuilder handle(
      JobType<T> type, Codec<R> resultCodec, ResultJobHandler<T, R> handler) {
    Objects.requireNonNull(resultCodec, "resultCodec");
    Objects.requireNonNull(handler, "handler");
    return register(
        new Handler<>(
            type,
            null,
            null,
            job -> {
              R result = handler.handle(job);
              return result == null ? null : resultCodec.encode(result);
            },
            null));
  }

  /**
   * Runs jobs of {@code type} with an asynchronous handler whose stage's value is the job's result,
   * stored as with {@link #handle(JobType, Codec, ResultJobHandler)}; the value is encoded on the
   * worker's thread.
   *
   * @throws IllegalArgumentException if the type already has a handler here
   */
  public <T, R> WorkerBuilder handleAsync(
      JobType<T> type, Codec<R> resultCodec, AsyncResultJobHandler<T, R> handler) {
    Objects.requireNonNull(resultCodec, "resultCodec");
    Objects.requireNonNull(handler, "handler");
    return register(
        new Handler<>(
            type,
            null,
            handler::handle,
            null,
            value -> {
              // the value of the stage the handler answered, so of type R
              @SuppressWarnings("unchecked")
              R result = (R) value;
              return resultCodec.encode(result);
            }));
  }

  /**
   * Runs jobs of {@code type} with an asynchronous handler; the slot is held until its stage
   * completes.
   */
  public <T> WorkerBuilder handleAsync(JobType<T> type, AsyncJobHandler<T> handler) {
    Objects.requireNonNull(handler, "handler");
    return register(new Handler<>(type, null, handler, null, null));
  }

  private WorkerBuilder register(Handler<?> h) {
    if (handlers.putIfAbsent(h.type().name(), h) != null) {
      throw new IllegalArgumentException(
          "job type '" + h.type().name() + "' already has a handler in this worker pool");
    }
    return this;
  }

  /**
   * Jobs that run at a time (default {@value #DEFAULT_CONCURRENCY}), each on a thread of its own.
   *
   * @throws IllegalArgumentException if below 1 or above 10 000
   */
  public WorkerBuilder concurrency(int concurrency) {
    if (concurrency < 1 || concurrency > 10_000) {
      throw new IllegalArgumentException("concurrency must be within 1..10000, was " + concurrency);
    }
    this.concurrency = concurrency;
    return this;
  }

  /**
   * Starts the pool.
   *
   * @throws IllegalStateException if no handler is registered, or the queue is closed
   */
  public WorkerPool start() {
    if (handlers.isEmpty()) {
      throw new IllegalStateException(
          "a worker pool needs at least one handler: call handle(type, handler) first");
    }
    return starter.apply(this);
  }

  Map<String, Handler<?>> handlers() {
    return Map.copyOf(handlers);
  }

  int concurrency() {
    return concurrency;
  }

  /** A sync handler whose result is encoded. */
  @FunctionalInterface
  interface Returning<T> {
    byte @org.jspecify.annotations.Nullable [] run(Job<T> job) throws Exception;
  }

  /**
   * One registered handler: sync, async, or sync with a result; an async one with a result encodes
   * its stage's (non-null) value with {@code asyncResult}.
   */
  record Handler<T>(
      JobType<T> type,
      @org.jspecify.annotations.Nullable JobHandler<T> sync,
      @org.jspecify.annotations.Nullable AsyncJobHandler<T> async,
      @org.jspecify.annotations.Nullable Returning<T> returning,
      java.util.function.@org.jspecify.annotations.Nullable Function<Object, byte[]> asyncResult) {
    Handler {
      Objects.requireNonNull(type, "type");
    }
  }
}
