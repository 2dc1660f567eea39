package dev.headroom.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Many threads loading at once through the real timer, executor and an asynchronous loader. */
class BatcherStressTest {

  private static final int THREADS = 16;
  private static final int LOADS_PER_THREAD = 2_000;

  private final ExecutorService loaderPool = Executors.newFixedThreadPool(4);

  @AfterEach
  void shutDown() throws InterruptedException {
    loaderPool.shutdownNow();
    assertThat(loaderPool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
  }

  /** Answers {@code key * 3} for every key, on a pool thread, counting calls running at once. */
  private static final class AsyncLoader implements BatchLoader<Integer, Integer> {
    final ConcurrentLinkedQueue<List<Integer>> calls = new ConcurrentLinkedQueue<>();
    final AtomicInteger running = new AtomicInteger();
    final AtomicInteger maxRunning = new AtomicInteger();
    final ExecutorService pool;

    AsyncLoader(ExecutorService pool) {
      this.pool = pool;
    }

    @Override
    public CompletableFuture<BatchResult<Integer, Integer>> load(List<Integer> keys) {
      calls.add(List.copyOf(keys));
      maxRunning.accumulateAndGet(running.incrementAndGet(), Math::max);
      return CompletableFuture.supplyAsync(
          () -> {
            Map<Integer, Integer> m = new HashMap<>();
            keys.forEach(k -> m.put(k, k * 3));
            running.decrementAndGet();
            return BatchResult.of(m);
          },
          pool);
    }
  }

  private static List<CompletableFuture<Integer>> loadFromManyThreads(
      Batcher<Integer, Integer> batcher) throws InterruptedException {
    List<List<CompletableFuture<Integer>>> perThread = new ArrayList<>();
    for (int t = 0; t < THREADS; t++) {
      perThread.add(new ArrayList<>());
    }
    Concurrently.run(
        THREADS,
        t -> {
          for (int i = 0; i < LOADS_PER_THREAD; i++) {
            int key = ThreadLocalRandom.current().nextInt(500);
            perThread
                .get(t)
                .add(
                    batcher
                        .load(key)
                        .thenApply(
                            v -> {
                              assertThat(v).isEqualTo(key * 3);
                              return v;
                            }));
          }
        });
    List<CompletableFuture<Integer>> futures = new ArrayList<>();
    perThread.forEach(futures::addAll);
    return futures;
  }

  @Test
  void everyLoadOfManyThreadsIsAnsweredWithinTheLimits() throws Exception {
    AsyncLoader loader = new AsyncLoader(loaderPool);
    try (Batcher<Integer, Integer> batcher =
        Batchers.createRequired(
            "stress",
            loader,
            BatcherConfig.builder()
                .maxBatchSize(32)
                .maxLinger(Duration.ofMillis(1))
                .maxInFlight(3)
                .maxPendingKeys(200)
                .overflow(Overflow.block(Duration.ofSeconds(30)))
                .build())) {
      List<CompletableFuture<Integer>> futures = loadFromManyThreads(batcher);
      CompletableFuture<Void> all =
          CompletableFuture.allOf(futures.toArray(new CompletableFuture<?>[0]));
      await().atMost(Duration.ofSeconds(30)).until(all::isDone);

      assertThat(all).isCompleted();
      assertThat(futures).hasSize(THREADS * LOADS_PER_THREAD);
      assertThat(loader.maxRunning.get()).isBetween(1, 3);
      for (List<Integer> call : loader.calls) {
        assertThat(call).hasSizeBetween(1, 32);
        assertThat(new HashSet<>(call)).hasSameSizeAs(call);
      }
      assertThat(loader.calls.stream().mapToInt(List::size).sum())
          .as("coalesced")
          .isLessThan(THREADS * LOADS_PER_THREAD);
      await().atMost(Duration.ofSeconds(10)).until(() -> batcher.pendingKeys() == 0);
    }
  }

  @Test
  void underRejectEveryLoadIsEitherAnsweredOrRefusedAndNoRoomLeaks() throws Exception {
    AsyncLoader loader = new AsyncLoader(loaderPool);
    try (Batcher<Integer, Integer> batcher =
        Batchers.createRequired(
            "stress-reject",
            loader,
            BatcherConfig.builder()
                .maxBatchSize(16)
                .maxLinger(Duration.ofMillis(1))
                .maxInFlight(2)
                .maxPendingKeys(40)
                .overflow(Overflow.reject())
                .build())) {
      List<CompletableFuture<Integer>> futures = loadFromManyThreads(batcher);
      CompletableFuture<Void> settled =
          CompletableFuture.allOf(
              futures.stream()
                  .map(f -> f.handle((v, e) -> v))
                  .toArray(CompletableFuture<?>[]::new));
      await().atMost(Duration.ofSeconds(30)).until(settled::isDone);

      int answered = 0;
      for (CompletableFuture<Integer> f : futures) {
        if (f.isCompletedExceptionally()) {
          assertThat(f.handle((v, e) -> e.getCause()).join())
              .isInstanceOf(BatcherFullException.class);
        } else {
          answered++;
        }
      }
      assertThat(answered).isPositive();
      await().atMost(Duration.ofSeconds(10)).until(() -> batcher.pendingKeys() == 0);
    }
  }
}
