package dev.headroom.batch;

import dev.headroom.core.health.Health;
import dev.headroom.core.health.HealthCheck;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Coalesces single-key loads into bulk calls of a {@link BatchLoader}. Made by {@link Batchers}:
 *
 * <pre>{@code
 * // userRepo is a Spring Data repository: Iterable<User> findAllById(Iterable<Long> ids)
 * Batcher<Long, Optional<User>> users = Batchers.create("users",
 *     BatchLoader.keyedSync(userRepo::findAllById, User::getId),
 *     BatcherConfig.builder().maxBatchSize(200).maxLinger(Duration.ofMillis(2)).executor(jdbcPool).build());
 * CompletableFuture<Optional<User>> alice = users.load(42L);
 * }</pre>
 *
 * <p>Keys collect in a window that is handed to the loader when it reaches {@link
 * BatcherConfig#maxBatchSize()} keys, when {@link BatcherConfig#maxLinger()} has passed since its
 * first key (on the configured {@link BatcherConfig#timeSource() time source}), or on {@link
 * #dispatch()}. Identical keys in one window are loaded once and share the answer. Every returned
 * future completes exactly once: with the key's result (an absent key answers as the factory method
 * says: {@code Optional.empty()}, a default, or a failure), or with a {@link BatchException} —
 * {@link BatchLoadException} (the loader failed, after retries if configured), {@link
 * BatchTimeoutException}, {@link BatcherFullException}, {@link MissingValueException}. A load
 * issued from a callback of another load is dispatched by the linger timer like any other, so
 * chained loads never hang (a size-only batcher, without linger, waits for {@code dispatch()}
 * instead).
 *
 * <p>Thread-safe. Futures are completed on the loader's completion thread (or the timer's for
 * timeouts): keep callbacks short or move them with {@code thenApplyAsync}. Each caller gets its
 * own future, failed with the exception itself (not wrapped in a {@code CompletionException}), so
 * cancelling one does not affect other callers of the same key (and does not stop the load).
 *
 * @param <K> the key type; keys are compared with {@code equals}
 * @param <R> the result type of one key
 */
public interface Batcher<K, R> extends AutoCloseable, HealthCheck {

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
   * once). Once every key is answered, fails with the error of the first key (in the given order)
   * that failed, if any.
   *
   * @throws NullPointerException if {@code keys} or one of them is null (no key is loaded then)
   * @throws BatcherFullException under {@link Overflow#failFast()}; the keys accepted before still
   *     load
   */
  CompletableFuture<List<R>> loadMany(Collection<? extends K> keys);

  /**
   * Hands the open window to the loader now, whatever its size.
   *
   * @return the number of keys dispatched
   */
  int dispatch();

  /**
   * Forgets the cached result of {@code key}, if results are cached; a later load loads it again.
   */
  void clear(K key);

  /** Forgets every cached result. */
  void clearAll();

  /** Distinct keys accepted and not yet answered. */
  int pendingKeys();

  /** The name, used in meters (tag {@code batcher}), errors and logs. */
  @Override
  String name();

  /** The configuration. */
  BatcherConfig config();

  /**
   * UP while open with room for keys, DEGRADED while full ({@link BatcherConfig#maxPendingKeys()}
   * keys pending), DOWN once closed; details give the pending keys and the maximum.
   */
  @Override
  Health health();

  /**
   * Dispatches the open window and refuses new loads ({@link IllegalStateException}). Keys already
   * accepted are still loaded and answered, retries included. Removes the batcher's meters.
   * Idempotent.
   */
  @Override
  void close();
}
