package dev.headroom.batch;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * A loader that records every call. Answers at once with {@code answer}, or, when deferred, hands
 * each call's future to the test to complete. Thread-safe.
 */
final class RecordingLoader<K, V> implements BatchLoader<K, V> {

  private final Function<List<K>, BatchResult<K, V>> answer;
  private final boolean deferred;
  private final List<List<K>> calls = new ArrayList<>();
  private final List<CompletableFuture<BatchResult<K, V>>> pending = new ArrayList<>();

  private RecordingLoader(Function<List<K>, BatchResult<K, V>> answer, boolean deferred) {
    this.answer = answer;
    this.deferred = deferred;
  }

  /** Answers at once with {@code answer}. */
  static <K, V> RecordingLoader<K, V> answering(Function<List<K>, BatchResult<K, V>> answer) {
    return new RecordingLoader<>(answer, false);
  }

  /** Answers every key with {@code value(key)} at once. */
  static <K, V> RecordingLoader<K, V> mapping(Function<K, V> value) {
    return answering(
        keys -> {
          BatchResult.Builder<K, V> b = BatchResult.builder();
          keys.forEach(k -> b.value(k, value.apply(k)));
          return b.build();
        });
  }

  /**
   * Leaves every call pending until the test completes it; {@link #answer(int)} uses {@code value}.
   */
  static <K, V> RecordingLoader<K, V> deferred(Function<K, V> value) {
    return new RecordingLoader<>(
        keys -> {
          BatchResult.Builder<K, V> b = BatchResult.builder();
          keys.forEach(k -> b.value(k, value.apply(k)));
          return b.build();
        },
        true);
  }

  @Override
  public synchronized CompletionStage<BatchResult<K, V>> load(List<K> keys) {
    calls.add(List.copyOf(keys));
    if (!deferred) {
      return CompletableFuture.completedFuture(answer.apply(keys));
    }
    CompletableFuture<BatchResult<K, V>> f = new CompletableFuture<>();
    pending.add(f);
    return f;
  }

  synchronized List<List<K>> calls() {
    return List.copyOf(calls);
  }

  synchronized int callCount() {
    return calls.size();
  }

  /** Completes deferred call {@code index} with the standard answer. */
  void answer(int index) {
    List<K> keys;
    CompletableFuture<BatchResult<K, V>> f;
    synchronized (this) {
      keys = calls.get(index);
      f = pending.get(index);
    }
    f.complete(answer.apply(keys));
  }

  /** Fails deferred call {@code index}. */
  void fail(int index, Throwable error) {
    CompletableFuture<BatchResult<K, V>> f;
    synchronized (this) {
      f = pending.get(index);
    }
    f.completeExceptionally(error);
  }
}
