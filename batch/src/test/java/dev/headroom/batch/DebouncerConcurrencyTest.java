package dev.headroom.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Many threads calling many keys through the real timer: no call is lost or counted twice, runs of
 * a key never overlap.
 */
class DebouncerConcurrencyTest {

  private static final int THREADS = 8;
  private static final int CALLS_PER_THREAD = 5_000;
  private static final int KEYS = 50;

  @Test
  void everyCallIsMergedIntoExactlyOneRun() throws Exception {
    AtomicLong total = new AtomicLong();
    ConcurrentHashMap<Integer, AtomicInteger> running = new ConcurrentHashMap<>();
    AtomicInteger overlaps = new AtomicInteger();
    AtomicInteger runs = new AtomicInteger();
    try (Debouncer<Integer, Long> d =
        Batchers.debouncer(
            "concurrent",
            (Integer key, Long count) -> {
              if (running.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet() > 1) {
                overlaps.incrementAndGet();
              }
              total.addAndGet(count);
              runs.incrementAndGet();
              running.get(key).decrementAndGet();
            },
            Long::sum,
            DebouncerConfig.builder()
                .waitTime(Duration.ofMillis(2))
                .leading(true)
                .maxWait(Duration.ofMillis(5))
                .build())) {
      Concurrently.run(
          THREADS,
          t -> {
            for (int i = 0; i < CALLS_PER_THREAD; i++) {
              d.call((i + t) % KEYS, 1L);
            }
          });

      await().atMost(Duration.ofSeconds(20)).until(() -> d.activeKeys() == 0);
      assertThat(total).hasValue((long) THREADS * CALLS_PER_THREAD);
      assertThat(overlaps).hasValue(0);
      assertThat(runs.get()).isLessThan(THREADS * CALLS_PER_THREAD);
    }
  }
}
