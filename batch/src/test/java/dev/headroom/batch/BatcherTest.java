package dev.headroom.batch;

import static dev.headroom.batch.Futures.failure;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.headroom.core.time.ManualTimeSource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.Test;

class BatcherTest {

  private final ManualTimeSource time = ManualTimeSource.create();

  private BatcherConfig manual(BatcherConfig config) {
    return config.toBuilder().timeSource(time).executor(Runnable::run).build();
  }

  private static BatcherConfig sizeAndLinger(int size, long lingerMillis) {
    return BatcherConfig.builder()
        .maxBatchSize(size)
        .maxLinger(Duration.ofMillis(lingerMillis))
        .build();
  }

  @Test
  void dispatchesAWindowAsSoonAsItFills() {
    RecordingLoader<Integer, String> loader = RecordingLoader.mapping(k -> "v" + k);
    Batcher<Integer, String> b =
        Batchers.createRequired("test", loader, manual(sizeAndLinger(3, 10)));

    CompletableFuture<String> one = b.load(1);
    CompletableFuture<String> two = b.load(2);
    assertThat(loader.callCount()).isZero();
    CompletableFuture<String> three = b.load(3);

    assertThat(loader.calls()).containsExactly(List.of(1, 2, 3));
    assertThat(one).isCompletedWithValue("v1");
    assertThat(two).isCompletedWithValue("v2");
    assertThat(three).isCompletedWithValue("v3");
    assertThat(time.pendingTasks()).as("the linger timer of a filled window is cancelled").isZero();
  }

  @Test
  void dispatchesAPartialWindowWhenTheLingerHasPassedSinceItsFirstKey() {
    RecordingLoader<Integer, String> loader = RecordingLoader.mapping(k -> "v" + k);
    Batcher<Integer, String> b =
        Batchers.createRequired("test", loader, manual(sizeAndLinger(100, 10)));

    CompletableFuture<String> one = b.load(1);
    time.advance(Duration.ofMillis(6));
    CompletableFuture<String> two = b.load(2);
    time.advance(Duration.ofMillis(3));
    assertThat(loader.callCount()).isZero();
    time.advance(Duration.ofMillis(1));

    assertThat(loader.calls()).containsExactly(List.of(1, 2));
    assertThat(one).isCompletedWithValue("v1");
    assertThat(two).isCompletedWithValue("v2");
  }

  @Test
  void aSizeOnlyBatcherWaitsForDispatch() {
    RecordingLoader<Integer, String> loader = RecordingLoader.mapping(k -> "v" + k);
    Batcher<Integer, String> b =
        Batchers.createRequired(
            "test", loader, manual(BatcherConfig.builder().maxBatchSize(2).noLinger().build()));

    CompletableFuture<String> one = b.load(1);
    time.advance(Duration.ofHours(1));
    assertThat(loader.callCount()).isZero();
    assertThat(b.dispatch()).isEqualTo(1);

    assertThat(one).isCompletedWithValue("v1");
    assertThat(b.dispatch()).as("nothing left to dispatch").isZero();
    b.load(2);
    b.load(3);
    assertThat(loader.calls()).containsExactly(List.of(1), List.of(2, 3));
  }

  @Test
  void aTimeOnlyBatcherSendsEverythingOfItsLingerInOneCall() {
    RecordingLoader<Integer, String> loader = RecordingLoader.mapping(k -> "v" + k);
    Batcher<Integer, String> b =
        Batchers.createRequired("test", loader, manual(sizeAndLinger(Integer.MAX_VALUE, 5)));
    List<CompletableFuture<String>> futures = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      futures.add(b.load(i));
    }
    time.advance(Duration.ofMillis(5));
    assertThat(loader.callCount()).isEqualTo(1);
    assertThat(loader.calls().get(0)).hasSize(1000);
    assertThat(futures).allSatisfy(f -> assertThat(f).isCompleted());
  }

  @Test
  void identicalKeysInOneWindowAreLoadedOnceAndShareTheAnswer() {
    RecordingLoader<String, String> loader = RecordingLoader.mapping(String::toUpperCase);
    Batcher<String, String> b =
        Batchers.createRequired("test", loader, manual(sizeAndLinger(10, 5)));

    CompletableFuture<String> a1 = b.load("a");
    CompletableFuture<String> bee = b.load("b");
    CompletableFuture<String> a2 = b.load("a");
    time.advance(Duration.ofMillis(5));

    assertThat(loader.calls()).containsExactly(List.of("a", "b"));
    assertThat(a1).isCompletedWithValue("A").isNotSameAs(a2);
    assertThat(a2).isCompletedWithValue("A");
    assertThat(bee).isCompletedWithValue("B");
  }

  @Test
  void cancellingOneCallersFutureLeavesTheOthersOfTheSameKey() {
    RecordingLoader<String, String> loader = RecordingLoader.mapping(String::toUpperCase);
    Batcher<String, String> b =
        Batchers.createRequired("test", loader, manual(sizeAndLinger(10, 5)));
    CompletableFuture<String> first = b.load("a");
    CompletableFuture<String> second = b.load("a");
    first.cancel(true);
    time.advance(Duration.ofMillis(5));
    assertThat(second).isCompletedWithValue("A");
    assertThat(b.pendingKeys()).isZero();
  }

  @Test
  void theLoaderGetsDistinctKeysInFirstRequestOrderAsAnUnmodifiableList() {
    List<List<Integer>> seen = new ArrayList<>();
    BatchLoader<Integer, Integer> loader =
        keys -> {
          seen.add(keys);
          assertThatThrownBy(() -> keys.add(9)).isInstanceOf(UnsupportedOperationException.class);
          return CompletableFuture.completedFuture(BatchResult.of(Map.of()));
        };
    Batcher<Integer, Optional<Integer>> b =
        Batchers.create("test", loader, manual(sizeAndLinger(10, 5)));
    for (int k : new int[] {3, 1, 3, 2, 1}) {
      b.load(k);
    }
    time.advance(Duration.ofMillis(5));
    assertThat(seen).containsExactly(List.of(3, 1, 2));
  }

  @Test
  void aMapLoadersMissingKeyIsAnEmptyOptionalADefaultOrAnError() {
    BatchLoader<Integer, String> loader =
        BatchLoader.mappedSync(
            keys -> {
              Map<Integer, String> m = new HashMap<>();
              m.put(1, "one");
              m.put(3, null);
              m.put(99, "not requested");
              return m;
            });
    Batcher<Integer, Optional<String>> optional =
        Batchers.create("test", loader, manual(sizeAndLinger(3, 5)));
    Batcher<Integer, String> defaulted =
        Batchers.createWithDefault("test", loader, "none", manual(sizeAndLinger(3, 5)));
    Batcher<Integer, String> required =
        Batchers.createRequired("test", loader, manual(sizeAndLinger(3, 5)));

    List<CompletableFuture<Optional<String>>> o =
        List.of(optional.load(1), optional.load(2), optional.load(3));
    List<CompletableFuture<String>> d =
        List.of(defaulted.load(1), defaulted.load(2), defaulted.load(3));
    List<CompletableFuture<String>> r =
        List.of(required.load(1), required.load(2), required.load(3));

    assertThat(o.get(0)).isCompletedWithValue(Optional.of("one"));
    assertThat(o.get(1)).isCompletedWithValue(Optional.empty());
    assertThat(o.get(2)).as("a null value is absent").isCompletedWithValue(Optional.empty());
    assertThat(d.get(0)).isCompletedWithValue("one");
    assertThat(d.get(1)).isCompletedWithValue("none");
    assertThat(r.get(0)).isCompletedWithValue("one");
    assertThat(failure(r.get(1)))
        .isInstanceOf(MissingValueException.class)
        .hasMessageContaining("batcher 'test'")
        .hasMessageContaining("no value");
  }

  @Test
  void anAlignedListAnswersByPositionAndNullIsAbsent() {
    BatchLoader<Integer, String> loader =
        BatchLoader.alignedSync(keys -> Arrays.asList(keys.get(0) == 1 ? "one" : "x", null));
    Batcher<Integer, Optional<String>> b =
        Batchers.create("test", loader, manual(sizeAndLinger(2, 5)));
    CompletableFuture<Optional<String>> one = b.load(1);
    CompletableFuture<Optional<String>> two = b.load(2);
    assertThat(one).isCompletedWithValue(Optional.of("one"));
    assertThat(two).isCompletedWithValue(Optional.empty());
  }

  @Test
  void anAlignedResultOfAPartialWindowMapsOnlyTheKeysOfItsBatch() {
    List<Map<Integer, String>> seen = new ArrayList<>();
    BatchLoader<Integer, String> loader =
        keys -> {
          List<String> values = new ArrayList<>();
          for (Integer k : keys) {
            values.add(k == 2 ? null : "v" + k);
          }
          BatchResult<Integer, String> result = BatchResult.aligned(keys, values);
          seen.add(result.values());
          return CompletableFuture.completedFuture(result);
        };
    Batcher<Integer, Optional<String>> b =
        Batchers.create("test", loader, manual(sizeAndLinger(100, 5)));
    CompletableFuture<Optional<String>> one = b.load(1);
    CompletableFuture<Optional<String>> two = b.load(2);
    CompletableFuture<Optional<String>> three = b.load(3);
    b.dispatch();

    assertThat(seen).containsExactly(Map.of(1, "v1", 3, "v3"));
    assertThat(one).isCompletedWithValue(Optional.of("v1"));
    assertThat(two).isCompletedWithValue(Optional.empty());
    assertThat(three).isCompletedWithValue(Optional.of("v3"));
  }

  @Test
  void aListOfTheWrongSizeFailsTheWholeBatchAndAssignsNothing() {
    BatchLoader<Integer, String> loader =
        BatchLoader.aligned(keys -> CompletableFuture.completedFuture(List.of("only one")));
    Batcher<Integer, String> b =
        Batchers.createRequired("test", loader, manual(sizeAndLinger(2, 5)));
    CompletableFuture<String> one = b.load(1);
    CompletableFuture<String> two = b.load(2);
    for (CompletableFuture<String> f : List.of(one, two)) {
      assertThat(failure(f))
          .isInstanceOf(BatchLoadException.class)
          .hasMessageContaining("batch of 2 keys")
          .cause()
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("1 values for 2 keys");
    }
    assertThat(b.pendingKeys()).isZero();
  }

  @Test
  void aPerKeyErrorFailsThatKeyOnly() {
    IllegalStateException boom = new IllegalStateException("row 2 is corrupt");
    BatchLoader<Integer, String> loader =
        keys ->
            CompletableFuture.completedFuture(
                BatchResult.<Integer, String>builder()
                    .value(1, "one")
                    .failure(2, boom)
                    .value(3, "three")
                    .build());
    Batcher<Integer, String> b =
        Batchers.createRequired("test", loader, manual(sizeAndLinger(3, 5)));
    CompletableFuture<String> one = b.load(1);
    CompletableFuture<String> two = b.load(2);
    CompletableFuture<String> three = b.load(3);
    assertThat(one).isCompletedWithValue("one");
    assertThat(three).isCompletedWithValue("three");
    assertThat(failure(two))
        .isInstanceOf(BatchLoadException.class)
        .hasCause(boom)
        .hasMessageContaining("failed this key");
  }

  @Test
  void aFailureOfTheWholeCallFailsEveryKeyWithTheCause() {
    RuntimeException down = new IllegalStateException("database down");
    List<BatchLoader<Integer, String>> loaders =
        List.of(
            keys -> {
              throw down;
            },
            keys -> CompletableFuture.failedFuture(down),
            keys ->
                CompletableFuture.supplyAsync(
                    () -> {
                      throw down;
                    },
                    Runnable::run));
    for (BatchLoader<Integer, String> loader : loaders) {
      Batcher<Integer, String> b =
          Batchers.createRequired("test", loader, manual(sizeAndLinger(2, 5)));
      List<CompletableFuture<String>> fs = List.of(b.load(1), b.load(2));
      assertThat(fs)
          .allSatisfy(
              f ->
                  assertThat(failure(f))
                      .isInstanceOf(BatchLoadException.class)
                      .hasCause(down)
                      .hasMessageContaining("batcher 'test'")
                      .hasMessageContaining("database down"));
      assertThat(b.pendingKeys()).isZero();
    }
  }

  @Test
  void aLoaderAnsweringNullFailsTheBatchWithAClearError() {
    BatchLoader<Integer, String> nullStage = keys -> null;
    BatchLoader<Integer, String> nullResult = keys -> CompletableFuture.completedFuture(null);
    BatchLoader<Integer, String> nullMap = BatchLoader.mappedSync(keys -> null);
    for (BatchLoader<Integer, String> loader : List.of(nullStage, nullResult, nullMap)) {
      Batcher<Integer, String> b =
          Batchers.createRequired("test", loader, manual(sizeAndLinger(1, 5)));
      assertThat(failure(b.load(1)))
          .isInstanceOf(BatchLoadException.class)
          .cause()
          .isInstanceOf(NullPointerException.class)
          .hasMessageContaining("null instead of");
    }
  }

  @Test
  void nullKeysAreRefusedWithAClearError() {
    Batcher<Integer, String> b =
        Batchers.createRequired(
            "test",
            RecordingLoader.<Integer, String>mapping(k -> "v"),
            manual(sizeAndLinger(2, 5)));
    assertThatThrownBy(() -> b.load(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("batcher 'test': key must not be null");
    assertThatThrownBy(() -> b.loadMany(Arrays.asList(1, null)))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("must not contain null");
    assertThat(b.pendingKeys()).as("no key of a refused loadMany is loaded").isZero();
  }

  @Test
  void loadManyAnswersInTheGivenOrderWithDuplicates() throws Exception {
    RecordingLoader<Integer, String> loader = RecordingLoader.mapping(k -> "v" + k);
    Batcher<Integer, String> b =
        Batchers.createRequired("test", loader, manual(sizeAndLinger(2, 5)));
    CompletableFuture<List<String>> all = b.loadMany(List.of(3, 1, 3, 2));
    time.advance(Duration.ofMillis(5));
    assertThat(all.get()).containsExactly("v3", "v1", "v3", "v2");
    assertThat(loader.calls()).containsExactly(List.of(3, 1), List.of(2));
  }

  @Test
  void callbacksSeeTheBatchExceptionItselfNotAWrapper() {
    BatchLoader<Integer, String> loader =
        keys -> CompletableFuture.failedFuture(new IllegalStateException("down"));
    Batcher<Integer, String> b =
        Batchers.createRequired("test", loader, manual(sizeAndLinger(2, 5)));
    CompletableFuture<Throwable> single = b.load(1).handle((v, e) -> e);
    CompletableFuture<Throwable> many = b.loadMany(List.of(1, 2)).handle((v, e) -> e);
    time.advance(Duration.ofMillis(5));
    assertThat(single.join()).isInstanceOf(BatchLoadException.class);
    assertThat(many.join()).isInstanceOf(BatchLoadException.class);
  }

  @Test
  void loadManyFailsWhenOneKeyFails() {
    BatchLoader<Integer, String> loader =
        keys ->
            CompletableFuture.completedFuture(
                BatchResult.<Integer, String>builder()
                    .value(1, "one")
                    .failure(2, new IllegalStateException("bad"))
                    .build());
    Batcher<Integer, String> b =
        Batchers.createRequired("test", loader, manual(sizeAndLinger(2, 5)));
    assertThat(failure(b.loadMany(List.of(1, 2))))
        .isInstanceOf(BatchLoadException.class)
        .hasMessageContaining("bad");
  }

  @Test
  void theResultCacheAnswersAgainWithoutLoadingAndForgetsFailures() {
    int[] calls = new int[1];
    BatchLoader<Integer, String> loader =
        keys -> {
          calls[0]++;
          return calls[0] == 2
              ? CompletableFuture.failedFuture(new IllegalStateException("once"))
              : CompletableFuture.completedFuture(
                  BatchResult.of(Map.of(keys.get(0), "v" + calls[0])));
        };
    Batcher<Integer, String> b =
        Batchers.createRequired(
            "test", loader, manual(sizeAndLinger(1, 5).toBuilder().cacheResults(true).build()));

    assertThat(b.load(1)).isCompletedWithValue("v1");
    assertThat(b.load(1)).isCompletedWithValue("v1");
    assertThat(calls[0]).isEqualTo(1);
    b.clear(1);
    assertThat(b.load(1)).isCompletedExceptionally();
    assertThat(b.load(1)).as("a failure is not cached").isCompletedWithValue("v3");
    b.clearAll();
    assertThat(b.load(1)).isCompletedWithValue("v4");
  }

  @Test
  void withoutTheCacheEveryWindowLoadsAgain() {
    RecordingLoader<Integer, String> loader = RecordingLoader.mapping(k -> "v" + k);
    Batcher<Integer, String> b =
        Batchers.createRequired("test", loader, manual(sizeAndLinger(1, 5)));
    b.load(1);
    b.load(1);
    assertThat(loader.callCount()).isEqualTo(2);
  }

  @Test
  void aLoadIssuedFromAnotherLoadsCallbackIsDispatchedByTheTimer() {
    RecordingLoader<Integer, Integer> loader = RecordingLoader.mapping(k -> k + 1);
    Batcher<Integer, Integer> b =
        Batchers.createRequired("test", loader, manual(sizeAndLinger(100, 5)));

    CompletableFuture<Integer> chained = b.load(1).thenCompose(b::load).thenCompose(b::load);
    time.advance(Duration.ofMillis(5));
    assertThat(chained).isNotDone();
    time.advance(Duration.ofMillis(10));

    assertThat(chained).isCompletedWithValue(4);
    assertThat(loader.calls()).containsExactly(List.of(1), List.of(2), List.of(3));
  }

  @Test
  void chainedLoadsOnRealThreadsComplete() throws Exception {
    BatchLoader<Integer, Integer> async =
        BatchLoader.mapped(
            keys ->
                CompletableFuture.supplyAsync(
                    () -> {
                      Map<Integer, Integer> m = new HashMap<>();
                      keys.forEach(k -> m.put(k, k * 2));
                      return m;
                    }));
    try (Batcher<Integer, Integer> b =
        Batchers.createRequired("chain", async, sizeAndLinger(10, 1))) {
      CompletionStage<Integer> chain = b.load(1);
      for (int i = 0; i < 10; i++) {
        chain = chain.thenCompose(b::load);
      }
      CompletableFuture<Integer> done = chain.toCompletableFuture();
      await().atMost(Duration.ofSeconds(10)).until(done::isDone);
      assertThat(done.get()).isEqualTo(2048);
    }
  }

  @Test
  void closeDispatchesWhatIsPendingAndRefusesNewLoads() {
    RecordingLoader<Integer, String> loader = RecordingLoader.mapping(k -> "v" + k);
    Batcher<Integer, String> b =
        Batchers.createRequired("test", loader, manual(sizeAndLinger(10, 5)));
    CompletableFuture<String> one = b.load(1);
    b.close();
    b.close();
    assertThat(one).isCompletedWithValue("v1");
    assertThatThrownBy(() -> b.load(2))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("closed");
  }

  @Test
  void aRejectingExecutorFailsTheBatchInsteadOfLosingIt() {
    RecordingLoader<Integer, String> loader = RecordingLoader.mapping(k -> "v" + k);
    Batcher<Integer, String> b =
        Batchers.createRequired(
            "test",
            loader,
            sizeAndLinger(1, 5).toBuilder()
                .timeSource(time)
                .executor(
                    r -> {
                      throw new java.util.concurrent.RejectedExecutionException("pool shut down");
                    })
                .build());
    assertThat(failure(b.load(1)))
        .isInstanceOf(BatchLoadException.class)
        .hasMessageContaining("pool shut down");
    assertThat(b.pendingKeys()).isZero();
  }

  @Test
  void aKeyedLoaderAnswersValuesByTheirOwnKeyAndFailsAKeyWithSeveral() {
    BatchLoader<Integer, String> loader =
        BatchLoader.keyedSync(
            keys -> List.of("1:one", "3:three", "3:drei", "9:not asked"),
            v -> Integer.parseInt(v.substring(0, 1)));
    Batcher<Integer, Optional<String>> b =
        Batchers.create("test", loader, manual(sizeAndLinger(3, 5)));
    CompletableFuture<Optional<String>> one = b.load(1);
    CompletableFuture<Optional<String>> two = b.load(2);
    CompletableFuture<Optional<String>> three = b.load(3);
    assertThat(one).isCompletedWithValue(Optional.of("1:one"));
    assertThat(two).isCompletedWithValue(Optional.empty());
    assertThat(failure(three))
        .isInstanceOf(BatchLoadException.class)
        .hasRootCauseMessage("the loader returned more than one value for this key");
  }
}
