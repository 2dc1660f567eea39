package dev.headroom.batch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.headroom.core.backoff.Backoff;
import dev.headroom.core.backoff.Jitter;
import dev.headroom.core.time.ManualTimeSource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * Invariants over random keys, batch sizes, in-flight limits, dispatch timing, answer orders,
 * failures, timeouts and retries: every load completes exactly once, with its own key's answer; no
 * loader call exceeds the maximum size or repeats a key; duplicates share one answer; no room is
 * leaked.
 */
class BatcherPropertiesTest {

  /** Keys divisible by this fail alone (a per-key error); the others answer {@code "v" + key}. */
  private static final int FAILING = 7;

  @Property(tries = 300)
  void everyLoadCompletesOnceWithItsOwnAnswer(
      @ForAll @Size(max = 120) List<@IntRange(min = 0, max = 40) Integer> keys,
      @ForAll @IntRange(min = 1, max = 12) int maxBatchSize,
      @ForAll @IntRange(min = 1, max = 4) int maxInFlight,
      @ForAll boolean aligned,
      @ForAll Random random) {
    ManualTimeSource time = ManualTimeSource.create();
    List<List<Integer>> calls = Collections.synchronizedList(new ArrayList<>());
    List<Runnable> unanswered = new ArrayList<>();
    BatchLoader<Integer, String> loader =
        batch -> {
          calls.add(List.copyOf(batch));
          CompletableFuture<BatchResult<Integer, String>> f = new CompletableFuture<>();
          unanswered.add(() -> f.complete(answer(batch, aligned, random)));
          return f;
        };
    Batcher<Integer, String> batcher =
        Batchers.createRequired(
            "prop",
            loader,
            BatcherConfig.builder()
                .maxBatchSize(maxBatchSize)
                .maxLinger(Duration.ofMillis(5))
                .maxInFlight(maxInFlight)
                .timeSource(time)
                .executor(Runnable::run)
                .build());

    List<CompletableFuture<String>> futures = new ArrayList<>();
    List<AtomicInteger> completions = new ArrayList<>();
    for (int key : keys) {
      CompletableFuture<String> f = batcher.load(key);
      AtomicInteger count = new AtomicInteger();
      f.whenComplete((v, e) -> count.incrementAndGet());
      futures.add(f);
      completions.add(count);
      switch (random.nextInt(8)) {
        case 0 -> time.advance(Duration.ofMillis(random.nextInt(7)));
        case 1 -> batcher.dispatch();
        case 2 -> answerOne(unanswered, random);
        default -> {}
      }
    }
    time.advance(Duration.ofMillis(5));
    while (!unanswered.isEmpty()) {
      answerOne(unanswered, random);
      time.advance(Duration.ofMillis(5));
    }

    for (int i = 0; i < keys.size(); i++) {
      int key = keys.get(i);
      CompletableFuture<String> f = futures.get(i);
      assertThat(completions.get(i)).hasValue(1);
      if (key % FAILING == 0) {
        assertThat(f).isCompletedExceptionally();
      } else {
        assertThat(f).isCompletedWithValue("v" + key);
      }
    }
    for (List<Integer> call : calls) {
      assertThat(call).hasSizeBetween(1, maxBatchSize);
      assertThat(new HashSet<>(call)).as("a key appears once per call").hasSameSizeAs(call);
    }
    assertThat(batcher.pendingKeys()).isZero();
  }

  @Property(tries = 200)
  void duplicatesInOneWindowShareOneLoad(
      @ForAll @Size(min = 1, max = 60) List<@IntRange(min = 0, max = 10) Integer> keys) {
    ManualTimeSource time = ManualTimeSource.create();
    List<List<Integer>> calls = new ArrayList<>();
    AtomicInteger version = new AtomicInteger();
    BatchLoader<Integer, String> loader =
        batch -> {
          calls.add(List.copyOf(batch));
          Map<Integer, String> m = new LinkedHashMap<>();
          batch.forEach(k -> m.put(k, k + "@" + version.incrementAndGet()));
          return CompletableFuture.completedFuture(BatchResult.of(m));
        };
    Batcher<Integer, String> batcher =
        Batchers.createRequired(
            "dupes",
            loader,
            BatcherConfig.builder()
                .maxBatchSize(Integer.MAX_VALUE)
                .maxLinger(Duration.ofMillis(5))
                .timeSource(time)
                .executor(Runnable::run)
                .build());
    Map<Integer, List<CompletableFuture<String>>> byKey = new LinkedHashMap<>();
    for (int key : keys) {
      byKey.computeIfAbsent(key, k -> new ArrayList<>()).add(batcher.load(key));
    }
    time.advance(Duration.ofMillis(5));

    assertThat(calls).hasSize(1);
    assertThat(calls.get(0)).containsExactlyElementsOf(byKey.keySet());
    byKey.forEach(
        (key, fs) -> {
          String first = fs.get(0).join();
          assertThat(first).startsWith(key + "@");
          assertThat(fs).allSatisfy(f -> assertThat(f).isCompletedWithValue(first));
        });
  }

  @Property(tries = 200)
  void withRetriesEveryKeyFailingOnceStillGetsItsAnswerExactlyOnce(
      @ForAll @Size(max = 80) List<@IntRange(min = 0, max = 30) Integer> keys,
      @ForAll @IntRange(min = 1, max = 8) int maxBatchSize,
      @ForAll Random random) {
    ManualTimeSource time = ManualTimeSource.create();
    Map<Integer, AtomicInteger> attempts = new ConcurrentHashMap<>();
    List<List<Integer>> calls = new ArrayList<>();
    BatchLoader<Integer, String> loader =
        batch -> {
          calls.add(List.copyOf(batch));
          boolean anyFirst = false;
          BatchResult.Builder<Integer, String> b = BatchResult.builder();
          for (int k : batch) {
            boolean first =
                attempts.computeIfAbsent(k, x -> new AtomicInteger()).incrementAndGet() == 1;
            anyFirst |= first;
            if (first) {
              b.failure(k, new IllegalStateException("transient " + k));
            } else {
              b.value(k, "v" + k);
            }
          }
          return switch (random.nextInt(3)) {
            case 0 ->
                anyFirst
                    ? CompletableFuture.failedFuture(new IllegalStateException("whole call"))
                    : CompletableFuture.completedFuture(b.build());
            case 1 -> new CompletableFuture<>();
            default -> CompletableFuture.completedFuture(b.build());
          };
        };
    Batcher<Integer, String> batcher =
        Batchers.createRequired(
            "retry",
            loader,
            BatcherConfig.builder()
                .maxBatchSize(maxBatchSize)
                .maxLinger(Duration.ofMillis(5))
                .loaderTimeout(Duration.ofMillis(50))
                .retry(
                    Backoff.exponential(Duration.ofMillis(10), Duration.ofMillis(10))
                        .jitter(Jitter.NONE)
                        .unlimitedAttempts()
                        .build())
                .timeSource(time)
                .executor(Runnable::run)
                .build());

    List<CompletableFuture<String>> futures = new ArrayList<>();
    for (int key : keys) {
      futures.add(batcher.load(key));
      if (random.nextInt(4) == 0) {
        time.advance(Duration.ofMillis(random.nextInt(20)));
      }
    }
    for (int i = 0; i < 10_000 && batcher.pendingKeys() > 0; i++) {
      time.advance(Duration.ofMillis(10));
    }

    for (int i = 0; i < keys.size(); i++) {
      assertThat(futures.get(i)).isCompletedWithValue("v" + keys.get(i));
    }
    for (List<Integer> call : calls) {
      assertThat(call).hasSizeBetween(1, maxBatchSize);
    }
    assertThat(batcher.pendingKeys()).isZero();
  }

  private static void answerOne(List<Runnable> unanswered, Random random) {
    if (!unanswered.isEmpty()) {
      unanswered.remove(random.nextInt(unanswered.size())).run();
    }
  }

  /**
   * The answer for {@code batch}: a map filled in random order, or a list aligned with the keys.
   */
  private static BatchResult<Integer, String> answer(
      List<Integer> batch, boolean aligned, Random random) {
    boolean anyFailing = batch.stream().anyMatch(k -> k % FAILING == 0);
    if (aligned && !anyFailing) {
      return BatchResult.aligned(batch, batch.stream().map(k -> "v" + k).toList());
    }
    List<Integer> shuffled = new ArrayList<>(batch);
    Collections.shuffle(shuffled, random);
    BatchResult.Builder<Integer, String> b = BatchResult.builder();
    for (int k : shuffled) {
      if (k % FAILING == 0) {
        b.failure(k, new IllegalStateException("key " + k));
      } else {
        b.value(k, "v" + k);
      }
    }
    return b.build();
  }
}
