package dev.headroom.ratelimit.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.headroom.core.time.ManualTimeSource;
import dev.headroom.ratelimit.Algorithm;
import dev.headroom.ratelimit.Decision;
import dev.headroom.ratelimit.RateLimiter;
import dev.headroom.ratelimit.RateLimiterConfig;
import dev.headroom.ratelimit.RateLimiters;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Memory stays bounded however many keys arrive; waiting for permits is a timer on the limiter's
 * clock.
 */
class InMemoryBoundsTest {

  @Test
  void idleKeysAreForgottenAfterTheirWindow() {
    ManualTimeSource time = ManualTimeSource.create();
    InMemoryRateLimiter limiter =
        InMemoryRateLimiter.create(
            "idle",
            RateLimiterConfig.builder()
                .algorithm(Algorithm.SLIDING_LOG)
                .limit(5, Duration.ofSeconds(10))
                .timeSource(time)
                .build());
    for (int i = 0; i < 1000; i++) {
      limiter.tryAcquire("ip-" + i);
    }
    assertThat(limiter.trackedKeys()).isEqualTo(1000);
    time.advance(Duration.ofSeconds(10));
    limiter.tryAcquire("ip-7");
    limiter.cleanUp();
    assertThat(limiter.trackedKeys())
        .as("within the window plus its touch interval")
        .isEqualTo(1000);
    time.advance(Duration.ofMillis(1300));
    limiter.cleanUp();
    assertThat(limiter.trackedKeys()).as("only the key used since").isEqualTo(1);
    assertThat(limiter.tryAcquire("ip-7").remaining()).isEqualTo(3);
  }

  @Test
  void aRecentKeyEvictedForSizeStartsAfreshRatherThanKeepingItsOldState() {
    ManualTimeSource time = ManualTimeSource.create();
    InMemoryRateLimiter limiter =
        InMemoryRateLimiter.create(
            "evicted",
            RateLimiterConfig.builder()
                .limit(2, Duration.ofMinutes(1))
                .maxKeys(1)
                .timeSource(time)
                .build());
    assertThat(limiter.tryAcquire("a").allowed()).isTrue();
    // past the touch interval (a quarter of the window): this decision touches "a" and makes it
    // the key decided without the map
    time.advance(Duration.ofSeconds(16));
    assertThat(limiter.tryAcquire("a").remaining()).isZero();
    int others = 0;
    while (limiter.tracks("a")) {
      assertThat(others).as("other keys before 'a' is evicted").isLessThan(10_000);
      limiter.tryAcquire("other-" + others++);
      limiter.cleanUp();
    }
    Decision again = limiter.tryAcquire("a");
    assertThat(again.allowed()).as("an evicted key's budget is reset, as documented").isTrue();
    assertThat(again.remaining()).isEqualTo(1);
    assertThat(limiter.tracks("a")).isTrue();
  }

  @Test
  void admissionsRacingTheRollToTheNextWindowAreNeverLost() throws Exception {
    // At offset 0 of a window the sliding counter weighs the previous window fully, so deciders
    // racing a move from mid-window to the next window's start admit exactly the limit in all: a
    // previous count carried over wrong, or admissions lost while the window rolls, let more in.
    // (The few nanoseconds in which an admission could race the seal are rarely hit on 2 cores;
    // the rolls here happen while three threads decide.)
    ManualTimeSource time = ManualTimeSource.create();
    long w = Duration.ofSeconds(1).toNanos();
    int limit = 100_000;
    InMemoryRateLimiter limiter =
        InMemoryRateLimiter.create(
            "roll",
            RateLimiterConfig.builder()
                .algorithm(Algorithm.SLIDING_COUNTER)
                .limit(limit, Duration.ofSeconds(1))
                .timeSource(time)
                .build());
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      for (int round = 0; round < 20; round++) {
        time.advance(Duration.ofNanos(w - Math.floorMod(time.nanoTime(), w) + w / 2));
        String key = "k" + round;
        AtomicInteger admittedSoFar = new AtomicInteger();
        List<Future<Integer>> deciders = new ArrayList<>();
        for (int t = 0; t < 3; t++) {
          deciders.add(
              pool.submit(
                  () -> {
                    int admitted = 0;
                    for (int i = 0; i < limit; i++) {
                      if (limiter.tryAcquire(key, 1).allowed()) {
                        admitted++;
                        admittedSoFar.incrementAndGet();
                      }
                    }
                    return admitted;
                  }));
        }
        int trigger = limit / 4 + round * (limit / 40);
        await()
            .atMost(Duration.ofSeconds(60))
            .pollInterval(Duration.ofNanos(100_000))
            .until(() -> admittedSoFar.get() >= trigger);
        time.advance(Duration.ofNanos(w / 2)); // the next window's start
        int admitted = 0;
        for (Future<Integer> f : deciders) {
          admitted += f.get(60, TimeUnit.SECONDS);
        }
        assertThat(admitted).as("round %d", round).isEqualTo(limit);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void decisionsRacingTheIdleSweepAreNeverLost() throws Exception {
    ManualTimeSource time = ManualTimeSource.create();
    InMemoryRateLimiter limiter =
        InMemoryRateLimiter.create(
            "race",
            RateLimiterConfig.builder()
                .algorithm(Algorithm.SLIDING_LOG)
                .limit(5, Duration.ofSeconds(1))
                .timeSource(time)
                .build());
    int keys = 256;
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      for (int round = 0; round < 40; round++) {
        for (int k = 0; k < keys; k++) {
          limiter.tryAcquire("k" + k);
        }
        time.advance(Duration.ofSeconds(2));
        // every key is idle now: sweeps race with 4 threads deciding on all of them
        AtomicBoolean done = new AtomicBoolean();
        Future<?> sweeper =
            pool.submit(
                () -> {
                  while (!done.get()) {
                    limiter.cleanUp();
                  }
                });
        List<Future<Integer>> deciders = new ArrayList<>();
        for (int t = 0; t < 3; t++) {
          int offset = t * keys / 3;
          deciders.add(
              pool.submit(
                  () -> {
                    int admitted = 0;
                    for (int i = 0; i < 3 * keys; i++) {
                      if (limiter.tryAcquire("k" + (offset + i) % keys).allowed()) {
                        admitted++;
                      }
                    }
                    return admitted;
                  }));
        }
        int admitted = 0;
        for (Future<Integer> f : deciders) {
          admitted += f.get(60, TimeUnit.SECONDS);
        }
        done.set(true);
        sweeper.get(60, TimeUnit.SECONDS);
        assertThat(admitted).as("round %d: 5 per key", round).isEqualTo(5 * keys);
        time.advance(Duration.ofSeconds(2));
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void theNumberOfKeysIsBounded() {
    InMemoryRateLimiter limiter =
        InMemoryRateLimiter.create(
            "bounded",
            RateLimiterConfig.builder().limit(5, Duration.ofMinutes(1)).maxKeys(100).build());
    for (int i = 0; i < 10_000; i++) {
      limiter.tryAcquire("ip-" + i);
    }
    limiter.cleanUp();
    assertThat(limiter.trackedKeys()).isLessThanOrEqualTo(100);
  }

  @Test
  void acquireWaitsForTheRetryAfterOnTheConfiguredClock() {
    ManualTimeSource time = ManualTimeSource.create();
    RateLimiter limiter =
        RateLimiters.inMemory(
            "wait",
            RateLimiterConfig.builder()
                .algorithm(Algorithm.SLIDING_LOG)
                .limit(2, Duration.ofMillis(200))
                .timeSource(time)
                .build());
    assertThat(limiter.tryAcquire("k", 2).allowed()).isTrue();
    CompletableFuture<Decision> one = limiter.acquireAsync("k", 1, Duration.ofSeconds(5));
    assertThat(one).isNotDone();
    assertThat(time.pendingTasks()).as("one retry, scheduled on the limiter's clock").isEqualTo(1);
    time.advance(Duration.ofMillis(199));
    assertThat(one).isNotDone();
    time.advance(Duration.ofMillis(1));
    assertThat(one).isCompleted();
    assertThat(one.join().allowed()).isTrue();
    assertThat(one.join().decidedAt()).isEqualTo(time.now());
    CompletableFuture<Decision> two = limiter.acquireAsync("k", 2, Duration.ofSeconds(5));
    time.advance(Duration.ofMillis(200));
    assertThat(two.join().allowed()).isTrue();
    assertThat(time.pendingTasks()).isZero();
  }
}
