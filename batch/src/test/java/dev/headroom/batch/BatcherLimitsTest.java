package dev.headroom.batch;

import static dev.headroom.batch.Futures.failure;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.headroom.core.backoff.Backoff;
import dev.headroom.core.backoff.Jitter;
import dev.headroom.core.time.ManualTimeSource;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class BatcherLimitsTest {

  private final ManualTimeSource time = ManualTimeSource.create();

  private static Backoff backoff(int attempts) {
    return Backoff.exponential(Duration.ofMillis(10), Duration.ofSeconds(1))
        .jitter(Jitter.NONE)
        .maxAttempts(attempts)
        .build();
  }

  @Test
  void batchesBeyondMaxInFlightWaitInOrderForAFreeSlot() {
    RecordingLoader<Integer, String> loader = RecordingLoader.deferred(k -> "v" + k);
    Batcher<Integer, String> b =
        Batchers.createRequired(
            "limits",
            loader,
            BatcherConfig.builder()
                .maxBatchSize(2)
                .maxInFlight(2)
                .timeSource(time)
                .executor(Runnable::run)
                .build());
    List<CompletableFuture<String>> fs =
        List.of(b.load(1), b.load(2), b.load(3), b.load(4), b.load(5), b.load(6));

    assertThat(loader.calls()).containsExactly(List.of(1, 2), List.of(3, 4));
    loader.answer(1);
    assertThat(loader.calls()).containsExactly(List.of(1, 2), List.of(3, 4), List.of(5, 6));
    assertThat(fs.get(2)).isCompletedWithValue("v3");
    assertThat(fs.get(0)).isNotDone();
    loader.answer(0);
    loader.answer(2);
    assertThat(fs).allSatisfy(f -> assertThat(f).isCompleted());
  }

  @Test
  void rejectReturnsAFailedFutureWhenFullAndRoomComesBackWhenKeysAreAnswered() {
    RecordingLoader<Integer, String> loader = RecordingLoader.deferred(k -> "v" + k);
    Batcher<Integer, String> b =
        Batchers.createRequired(
            "limits",
            loader,
            BatcherConfig.builder()
                .maxBatchSize(10)
                .maxPendingKeys(2)
                .overflow(Overflow.reject())
                .timeSource(time)
                .executor(Runnable::run)
                .build());
    CompletableFuture<String> one = b.load(1);
    CompletableFuture<String> two = b.load(2);
    assertThat(b.pendingKeys()).isEqualTo(2);

    CompletableFuture<String> three = b.load(3);
    assertThat(failure(three))
        .isInstanceOf(BatcherFullException.class)
        .hasMessage(
            "batcher 'limits': 2 keys are pending, the maximum; refused at once (overflow reject())");
    assertThat(b.load(1)).as("a key already waiting takes no room").isNotDone();

    time.advance(Duration.ofMillis(5));
    assertThat(b.load(4)).as("still full while the batch is in flight").isCompletedExceptionally();
    loader.answer(0);
    assertThat(one).isCompletedWithValue("v1");
    assertThat(two).isCompletedWithValue("v2");
    assertThat(b.pendingKeys()).isZero();
    assertThat(b.load(3)).isNotDone();
  }

  @Test
  void failFastThrowsFromLoad() {
    RecordingLoader<Integer, String> loader = RecordingLoader.deferred(k -> "v" + k);
    Batcher<Integer, String> b =
        Batchers.createRequired(
            "limits",
            loader,
            BatcherConfig.builder()
                .maxPendingKeys(1)
                .overflow(Overflow.failFast())
                .timeSource(time)
                .executor(Runnable::run)
                .build());
    b.load(1);
    assertThatThrownBy(() -> b.load(2))
        .isInstanceOf(BatcherFullException.class)
        .hasMessageContaining("refused at once (overflow failFast())")
        .satisfies(e -> assertThat(((BatcherFullException) e).batcherName()).isEqualTo("limits"));
    assertThatThrownBy(() -> b.loadMany(List.of(1, 2))).isInstanceOf(BatcherFullException.class);
  }

  @Test
  void blockWaitsForRoomThenLoads() throws Exception {
    RecordingLoader<Integer, String> loader = RecordingLoader.deferred(k -> "v" + k);
    Batcher<Integer, String> b =
        Batchers.createRequired(
            "limits",
            loader,
            BatcherConfig.builder()
                .maxBatchSize(1)
                .maxPendingKeys(1)
                .overflow(Overflow.block(Duration.ofSeconds(30)))
                .timeSource(time)
                .executor(Runnable::run)
                .build());
    b.load(1);
    AtomicReference<CompletableFuture<String>> second = new AtomicReference<>();
    Thread caller = new Thread(() -> second.set(b.load(2)));
    caller.start();
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> caller.getState() == Thread.State.TIMED_WAITING);
    assertThat(loader.callCount()).isEqualTo(1);

    loader.answer(0);
    caller.join(10_000);
    assertThat(loader.calls()).containsExactly(List.of(1), List.of(2));
    loader.answer(1);
    assertThat(second.get()).isCompletedWithValue("v2");
  }

  @Test
  void blockGivesUpAfterItsTimeout() {
    RecordingLoader<Integer, String> loader = RecordingLoader.deferred(k -> "v" + k);
    Batcher<Integer, String> b =
        Batchers.createRequired(
            "limits",
            loader,
            BatcherConfig.builder()
                .maxPendingKeys(1)
                .overflow(Overflow.block(Duration.ofMillis(20)))
                .timeSource(time)
                .executor(Runnable::run)
                .build());
    b.load(1);
    assertThat(failure(b.load(2)))
        .isInstanceOf(BatcherFullException.class)
        .hasMessageContaining("no room within PT0.02S");
  }

  @Test
  void anInterruptedBlockedCallerGetsAFailedFutureAndKeepsItsInterrupt() {
    RecordingLoader<Integer, String> loader = RecordingLoader.deferred(k -> "v" + k);
    Batcher<Integer, String> b =
        Batchers.createRequired(
            "limits",
            loader,
            BatcherConfig.builder()
                .maxPendingKeys(1)
                .overflow(Overflow.block(Duration.ofSeconds(30)))
                .timeSource(time)
                .executor(Runnable::run)
                .build());
    b.load(1);
    Thread.currentThread().interrupt();
    CompletableFuture<String> f = b.load(2);
    assertThat(Thread.interrupted()).isTrue();
    assertThat(failure(f))
        .isInstanceOf(BatcherFullException.class)
        .hasMessageContaining("interrupted");
  }

  @Test
  void aLoaderThatTakesTooLongFailsItsKeysAndFreesItsSlot() {
    RecordingLoader<Integer, String> loader = RecordingLoader.deferred(k -> "v" + k);
    Batcher<Integer, String> b =
        Batchers.createRequired(
            "limits",
            loader,
            BatcherConfig.builder()
                .maxBatchSize(2)
                .maxInFlight(1)
                .loaderTimeout(Duration.ofMillis(100))
                .timeSource(time)
                .executor(Runnable::run)
                .build());
    CompletableFuture<String> one = b.load(1);
    CompletableFuture<String> two = b.load(2);
    CompletableFuture<String> three = b.load(3);
    time.advance(Duration.ofMillis(99));
    assertThat(one).isNotDone();
    time.advance(Duration.ofMillis(1));

    assertThat(failure(one))
        .isInstanceOf(BatchTimeoutException.class)
        .hasMessage(
            "batcher 'limits': the loader did not answer a batch of 2 keys within PT0.1S (attempt 1)");
    assertThat(failure(two)).isInstanceOf(BatchTimeoutException.class);
    assertThat(loader.calls())
        .as("the slot is free again")
        .containsExactly(List.of(1, 2), List.of(3));
    loader.answer(0);
    assertThat(one).as("a late answer is ignored").isCompletedExceptionally();
    loader.answer(1);
    assertThat(three).isCompletedWithValue("v3");
    assertThat(b.pendingKeys()).isZero();
  }

  @Test
  void theLoaderTimeoutStartsWhenTheCallIsLaunchedNotWhenAnExecutorThreadRunsIt() throws Exception {
    RecordingLoader<Integer, String> loader = RecordingLoader.deferred(k -> "v" + k);
    ExecutorService executor = Executors.newSingleThreadExecutor();
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch blocked = new CountDownLatch(1);
    try {
      executor.execute(
          () -> {
            blocked.countDown();
            awaitQuietly(release);
          });
      blocked.await();
      Batcher<Integer, String> b =
          Batchers.createRequired(
              "blocked",
              loader,
              BatcherConfig.builder()
                  .maxBatchSize(2)
                  .maxInFlight(1)
                  .loaderTimeout(Duration.ofMillis(100))
                  .timeSource(time)
                  .executor(executor)
                  .build());
      CompletableFuture<String> one = b.load(1);
      CompletableFuture<String> two = b.load(2);
      CompletableFuture<String> three = b.load(3);
      b.dispatch();

      time.advance(Duration.ofMillis(100));
      assertThat(failure(one))
          .isInstanceOf(BatchTimeoutException.class)
          .hasMessageContaining("within PT0.1S");
      assertThat(failure(two)).isInstanceOf(BatchTimeoutException.class);
      time.advance(Duration.ofMillis(100));
      assertThat(failure(three))
          .as("a batch launched after the first timed out gets its own deadline")
          .isInstanceOf(BatchTimeoutException.class);
      assertThat(b.pendingKeys()).isZero();

      release.countDown();
      CompletableFuture<String> four = b.load(4);
      b.dispatch();
      await().until(() -> loader.calls().size() == 1);
      assertThat(loader.calls())
          .as("batches that timed out while queued are not loaded")
          .containsExactly(List.of(4));
      loader.answer(0);
      assertThat(four).isCompletedWithValue("v4");
    } finally {
      release.countDown();
      executor.shutdownNow();
    }
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Test
  void retriesOnlyTheKeysThatFailedAfterTheBackoff() {
    AtomicInteger calls = new AtomicInteger();
    RecordingLoader<Integer, String> loader =
        RecordingLoader.answering(
            keys -> {
              BatchResult.Builder<Integer, String> r = BatchResult.builder();
              boolean first = calls.getAndIncrement() == 0;
              keys.forEach(
                  k -> {
                    if (first && k % 2 == 0) {
                      r.failure(k, new IllegalStateException("flaky " + k));
                    } else {
                      r.value(k, "v" + k);
                    }
                  });
              return r.build();
            });
    Batcher<Integer, String> b =
        Batchers.createRequired(
            "limits",
            loader,
            BatcherConfig.builder()
                .maxBatchSize(4)
                .retry(backoff(3))
                .timeSource(time)
                .executor(Runnable::run)
                .build());
    List<CompletableFuture<String>> fs = List.of(b.load(1), b.load(2), b.load(3), b.load(4));
    assertThat(fs.get(0)).isCompletedWithValue("v1");
    assertThat(fs.get(1)).isNotDone();
    assertThat(b.pendingKeys()).isEqualTo(2);

    time.advance(Duration.ofMillis(9));
    assertThat(loader.callCount()).isEqualTo(1);
    time.advance(Duration.ofMillis(1));
    assertThat(loader.calls()).containsExactly(List.of(1, 2, 3, 4), List.of(2, 4));
    assertThat(fs).allSatisfy(f -> assertThat(f).isCompleted());
    assertThat(fs.get(3)).isCompletedWithValue("v4");
  }

  @Test
  void aWholeCallFailureIsRetriedUntilTheAttemptsRunOut() {
    RecordingLoader<Integer, String> loader =
        RecordingLoader.answering(
            keys -> {
              throw new IllegalStateException("down");
            });
    Batcher<Integer, String> b =
        Batchers.createRequired(
            "limits",
            loader,
            BatcherConfig.builder()
                .maxBatchSize(2)
                .retry(backoff(3))
                .timeSource(time)
                .executor(Runnable::run)
                .build());
    CompletableFuture<String> one = b.load(1);
    b.load(2);
    time.advance(Duration.ofMillis(10));
    assertThat(loader.callCount()).isEqualTo(2);
    time.advance(Duration.ofMillis(19));
    assertThat(one).isNotDone();
    time.advance(Duration.ofMillis(1));
    assertThat(loader.callCount()).isEqualTo(3);
    assertThat(failure(one))
        .isInstanceOf(BatchLoadException.class)
        .hasMessageContaining("attempt 3")
        .satisfies(e -> assertThat(((BatchLoadException) e).attempts()).isEqualTo(3));
    assertThat(b.pendingKeys()).isZero();
  }

  @Test
  void timeoutsAreRetriedToo() {
    RecordingLoader<Integer, String> loader = RecordingLoader.deferred(k -> "v" + k);
    Batcher<Integer, String> b =
        Batchers.createRequired(
            "limits",
            loader,
            BatcherConfig.builder()
                .maxBatchSize(1)
                .loaderTimeout(Duration.ofMillis(50))
                .retry(backoff(2))
                .timeSource(time)
                .executor(Runnable::run)
                .build());
    CompletableFuture<String> one = b.load(1);
    time.advance(Duration.ofMillis(60));
    assertThat(loader.callCount()).isEqualTo(2);
    loader.answer(1);
    assertThat(one).isCompletedWithValue("v1");
  }

  @Test
  void failuresThatRetryOnRefusesAreFinalAtOnce() {
    RecordingLoader<Integer, String> loader =
        RecordingLoader.answering(
            keys ->
                BatchResult.<Integer, String>builder()
                    .failure(1, new IllegalArgumentException("no such user format"))
                    .failure(2, new IllegalStateException("busy"))
                    .build());
    Batcher<Integer, String> b =
        Batchers.createRequired(
            "limits",
            loader,
            BatcherConfig.builder()
                .maxBatchSize(2)
                .retry(backoff(5), e -> e instanceof IllegalStateException)
                .timeSource(time)
                .executor(Runnable::run)
                .build());
    CompletableFuture<String> one = b.load(1);
    CompletableFuture<String> two = b.load(2);
    assertThat(failure(one)).hasCauseInstanceOf(IllegalArgumentException.class);
    assertThat(two).isNotDone();
    time.advance(Duration.ofSeconds(10));
    assertThat(loader.calls()).hasSize(5).allSatisfy(keys -> assertThat(keys).isSubsetOf(1, 2));
    assertThat(failure(two))
        .isInstanceOf(BatchLoadException.class)
        .hasCauseInstanceOf(IllegalStateException.class);
  }

  @Test
  void keysAcceptedBeforeCloseAreStillRetriedAndAnswered() {
    AtomicInteger calls = new AtomicInteger();
    BatchLoader<Integer, String> loader =
        keys ->
            calls.incrementAndGet() == 1
                ? CompletableFuture.failedFuture(new IllegalStateException("once"))
                : CompletableFuture.completedFuture(BatchResult.of(Map.of(1, "v1")));
    Batcher<Integer, String> b =
        Batchers.createRequired(
            "limits",
            loader,
            BatcherConfig.builder()
                .retry(backoff(2))
                .timeSource(time)
                .executor(Runnable::run)
                .build());
    CompletableFuture<String> one = b.load(1);
    b.close();
    time.advance(Duration.ofMillis(10));
    assertThat(one).isCompletedWithValue("v1");
  }
}
