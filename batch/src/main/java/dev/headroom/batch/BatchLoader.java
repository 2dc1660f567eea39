package dev.headroom.batch;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Loads many keys in one call. The batcher calls it with the distinct keys of one window (never
 * empty, at most {@link BatcherConfig#maxBatchSize()}, in the order they were first requested),
 * possibly from several threads at once (up to {@link BatcherConfig#maxInFlight()}), so it must be
 * thread-safe.
 *
 * <p>The answer says per key: a value, an error for that key alone, or nothing (absent). A loader
 * that throws, returns {@code null}, or whose stage fails or completes with {@code null} fails
 * every key of the call. The factories adapt the common shapes: a map ({@link #mapped}), a list
 * aligned with the keys ({@link #aligned}), and values that carry their own key ({@link
 * #keyedSync}, for a repository's {@code findAllById}).
 *
 * @param <K> the key type
 * @param <V> the value type
 */
@FunctionalInterface
public interface BatchLoader<K, V> {

  /**
   * Loads {@code keys}; see the class comment for the contract. Must not block if it can help it.
   */
  CompletionStage<BatchResult<K, V>> load(List<K> keys);

  /**
   * An asynchronous loader answering a map: a key missing from it (or mapped to {@code null}) is
   * absent.
   */
  static <K, V> BatchLoader<K, V> mapped(
      Function<? super List<K>, ? extends CompletionStage<? extends Map<K, ? extends @Nullable V>>>
          loader) {
    Objects.requireNonNull(loader, "loader");
    return keys -> stage(loader.apply(keys)).thenApply(map -> BatchResult.<K, V>of(answer(map)));
  }

  /**
   * An asynchronous loader answering a list aligned with the keys ({@code null} element = absent).
   * A list of another size fails the whole call, never mis-assigning a value.
   */
  static <K, V> BatchLoader<K, V> aligned(
      Function<? super List<K>, ? extends CompletionStage<? extends List<? extends @Nullable V>>>
          loader) {
    Objects.requireNonNull(loader, "loader");
    return keys ->
        stage(loader.apply(keys)).thenApply(list -> BatchResult.<K, V>aligned(keys, answer(list)));
  }

  /** Like {@link #mapped} for a loader that answers at once (it runs on the batcher's executor). */
  static <K, V> BatchLoader<K, V> mappedSync(
      Function<? super List<K>, ? extends Map<K, ? extends @Nullable V>> loader) {
    Objects.requireNonNull(loader, "loader");
    return keys -> CompletableFuture.completedFuture(BatchResult.of(answer(loader.apply(keys))));
  }

  /**
   * Like {@link #aligned} for a loader that answers at once (it runs on the batcher's executor).
   */
  static <K, V> BatchLoader<K, V> alignedSync(
      Function<? super List<K>, ? extends List<? extends @Nullable V>> loader) {
    Objects.requireNonNull(loader, "loader");
    return keys ->
        CompletableFuture.completedFuture(BatchResult.aligned(keys, answer(loader.apply(keys))));
  }

  /**
   * A loader that answers at once with values that carry their own key, such as entities from a
   * Spring Data repository's {@code Iterable<T> findAllById(Iterable<ID> ids)}: {@code
   * keyedSync(userRepo::findAllById, User::getId)}. It runs on the batcher's executor (give a
   * blocking one an executor of its own). A key with no value is absent; a key with several values
   * fails alone (never picks one at random); a value for a key not requested is ignored.
   */
  static <K, V> BatchLoader<K, V> keyedSync(
      Function<? super List<K>, ? extends Iterable<? extends V>> loader,
      Function<? super V, ? extends K> keyOf) {
    Objects.requireNonNull(loader, "loader");
    Objects.requireNonNull(keyOf, "keyOf");
    return keys -> {
      Map<K, V> values = new HashMap<>();
      Set<K> repeated = new HashSet<>();
      for (V value : answer(loader.apply(keys))) {
        if (value != null) {
          K key =
              Objects.requireNonNull(
                  keyOf.apply(value), "the keyOf function answered null for a value");
          if (values.put(key, value) != null) {
            repeated.add(key);
          }
        }
      }
      BatchResult.Builder<K, V> result = BatchResult.builder();
      values.forEach(
          (k, v) -> {
            if (repeated.contains(k)) {
              result.failure(
                  k,
                  new IllegalStateException(
                      "the loader returned more than one value for this key"));
            } else {
              result.value(k, v);
            }
          });
      return CompletableFuture.completedFuture(result.build());
    };
  }

  private static <S> S stage(@Nullable S stage) {
    return required(stage, "the loader returned null instead of a CompletionStage");
  }

  private static <T> T answer(@Nullable T answer) {
    return required(answer, "the loader answered null instead of a result");
  }

  private static <T> T required(@Nullable T answer, String message) {
    if (answer == null) {
      throw new NullPointerException(message);
    }
    return answer;
  }
}
