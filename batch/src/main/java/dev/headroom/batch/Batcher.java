package dev.headroom.batch;

import dev.headroom.core.time.TimeSource;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Coalesces single-key loads into bulk calls of a {@link BatchLoader}.
 *
 * <pre>{@code
 * Batcher<Long, Optional<User>> users = Batcher.builder("users", BatchLoader.<Long, User>mapped(userRepo::findAllById))
 *     .config(BatcherConfig.builder().maxBatchSize(200).maxLinger(Duration.ofMillis(2)).build())
 *     .build();
 * CompletableFuture<Optional<User>> alice = users.load(42L);
 * }</pre>
 *
 * <p>Keys collect in a window that is handed to the loader when it reaches {@link
 * BatcherConfig#maxBatchSize()} keys, when {@link BatcherConfig#maxLinger()} has passed since its
 * first key, or on {@link #dispatch()}. Identical keys in one window are loaded once and share the
 * answer. Every returned future completes exactly once: with the key's result (see the {@code
 * build} methods for absent keys), or with a {@link BatchException} — {@link BatchLoadException}
 * (the loader failed, after retries if configured), {@link BatchTimeoutException}, {@link
 * BatcherFullException}, {@link MissingValueException}. A load issued from a callback of another
 * load is dispatched by the linger timer like any other, so chained loads never hang (a size-only
 * batcher, without linger, waits for {@code dispatch()} instead).
 *
 * <p>Thread-safe. Futures are completed on the loader's completion thread (or the timer's for
 * timeouts): keep callbacks short or move them with {@code thenApplyAsync}. Each caller gets its
 * own future, failed with the exception itself (not wrapped in a {@code CompletionException}), so
 * cancelling one does not affect other callers of the same key (and does not stop the load).
 *
 * @param <K> the key type; keys are compared with {@code equals}
 * @param <R> the result type of one key
 */
public interface Batcher<K, R> extends AutoCloseable {

  /**
   * A builder for a batcher named {@code name} (used in meters, errors and logs) on {@code loader}.
   *
   * @throws IllegalArgumentException if {@code name} is blank
   */
  static <K, V> Builder<K, V> builder(String name, BatchLoader<K, V> loader) {
    return new Builder<>(name, loader);
  }

  /**
   * The result of {@code key}, loaded with other keys.
   *
   * @throws NullPointerException if {@code key} is null
   * @throws BatcherFullException under {@link Overflow#failFast()} when the batcher is full
   * @throws IllegalStateException if the batcher is closed
   */
  CompletableFuture<R> load(K key);

  /**
   * The results of {@code keys}, in their order (duplicates allowed; each distinct key is loaded
   * once). Once every key is answered, fails with the error of the first key (in the given
   * order) that failed, if any.
   *
   * @throws NullPointerException if {@code keys} or one of them is null (no key is loaded then)
   * @throws BatcherFullException under {@link Overflow#failFast()}; the keys accepted before
   *     still load
   */
  CompletableFuture<List<R>> loadMany(Collection<? extends K> keys);

  /**
   * Hands the open window to the loader now, whatever its size.
   *
   * @return the number of keys dispatched
   */
  int dispatch();

  /** Forgets the cached result of {@code key}, if results are cached; a later load loads it again. */
  void clear(K key);

  /** Forgets every cached result. */
  void clearAll();

  /** Distinct keys accepted and not yet answered. */
  int pendingKeys();

  /** The name. */
  String name();

  /** The configuration. */
  BatcherConfig config();

  /**
   * Dispatches the open window and refuses new loads ({@link IllegalStateException}). Keys already
   * accepted are still loaded and answered, retries included. Idempotent.
   */
  @Override
  void close();

  /**
   * Builds a {@link Batcher}. The terminal method chooses what an absent key (one the loader gave
   * no value) answers. Not thread-safe.
   *
   * @param <K> the key type
   * @param <V> the loader's value type
   */
  final class Builder<K, V> {
    final String name;
    final BatchLoader<K, V> loader;
    BatcherConfig config = BatcherConfig.ofDefaults();
    TimeSource timeSource = TimeSource.system();
    Scheduler scheduler = Scheduler.system();
    Executor executor = ForkJoinPool.commonPool();
    @Nullable MeterRegistry registry;

    private Builder(String name, BatchLoader<K, V> loader) {
      Objects.requireNonNull(name, "name");
      if (name.isBlank()) {
        throw new IllegalArgumentException("batcher name must not be blank, was '" + name + "'");
      }
      this.name = name;
      this.loader = Objects.requireNonNull(loader, "loader");
    }

    /** The policy (default {@link BatcherConfig#ofDefaults()}). */
    public Builder<K, V> config(BatcherConfig config) {
      this.config = Objects.requireNonNull(config, "config");
      return this;
    }

    /**
     * Where the meters read linger and loader times (default {@link TimeSource#system()}). Timer
     * deadlines are read on the scheduler's clock ({@link Scheduler#nanoTime()}).
     */
    public Builder<K, V> timeSource(TimeSource timeSource) {
      this.timeSource = Objects.requireNonNull(timeSource, "timeSource");
      return this;
    }

    /**
     * Where the linger, timeout and retry timers run, on its own clock (default {@link
     * Scheduler#system()}). A batcher arms at most one linger and one loader-timeout timer at a time.
     */
    public Builder<K, V> scheduler(Scheduler scheduler) {
      this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
      return this;
    }

    /**
     * Where the loader is called (default {@link ForkJoinPool#commonPool()}). A loader that blocks
     * (JDBC) wants an executor of its own, sized like its connection pool; {@code Runnable::run}
     * calls it on the thread that filled the window or on the timer thread.
     */
    public Builder<K, V> executor(Executor executor) {
      this.executor = Objects.requireNonNull(executor, "executor");
      return this;
    }

    /**
     * Publishes {@code headroom.batch.*} meters tagged {@code name=<batcher name>} to {@code
     * registry}; without one (the default) no meter is kept and no time is read for them.
     */
    public Builder<K, V> meterRegistry(@Nullable MeterRegistry registry) {
      this.registry = registry;
      return this;
    }

    /** A batcher whose absent keys answer {@link Optional#empty()} and present keys {@code Optional.of(value)}. */
    public Batcher<K, Optional<V>> build() {
      return new DefaultBatcher<K, V, Optional<V>>(this, Optional::of, Optional.empty());
    }

    /** A batcher whose absent keys answer {@code defaultValue}. */
    public Batcher<K, V> buildWithDefault(V defaultValue) {
      Objects.requireNonNull(defaultValue, "defaultValue");
      return new DefaultBatcher<K, V, V>(this, Function.identity(), defaultValue);
    }

    /** A batcher whose absent keys fail with {@link MissingValueException}: every key must have a value. */
    public Batcher<K, V> buildRequired() {
      return new DefaultBatcher<K, V, V>(this, Function.identity(), null);
    }
  }
}
