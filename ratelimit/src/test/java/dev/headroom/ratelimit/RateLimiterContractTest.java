package dev.headroom.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.headroom.core.key.InvalidKeyException;
import dev.headroom.core.time.ManualTimeSource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * What every backend promises, run against each of them. Time is a {@link ManualTimeSource} ({@link
 * #time}) that the backend must use for every decision: in memory directly, on Redis through the
 * documented caller-time hook ({@code RateLimiterConfig.serverTime(false)}).
 */
public abstract class RateLimiterContractTest {

  /** For the backend tests. */
  protected RateLimiterContractTest() {}

  /** The clock of every limiter the suite creates. */
  protected ManualTimeSource time;

  /** A limiter named {@code name} with {@code config} whose clock is {@link #time}. */
  protected abstract RateLimiter create(String name, RateLimiterConfig config);

  @BeforeEach
  void newClock() {
    time = ManualTimeSource.create();
  }

  private RateLimiter limiter(Algorithm algorithm, long permits, Duration window) {
    return create(
        "contract-" + algorithm.code(),
        RateLimiterConfig.builder().algorithm(algorithm).limit(permits, window).build());
  }

  @ParameterizedTest
  @EnumSource(Algorithm.class)
  void admitsUpToTheLimitThenDenies(Algorithm algorithm) {
    RateLimiter limiter = limiter(algorithm, 5, Duration.ofMinutes(1));
    for (int i = 0; i < 5; i++) {
      Decision d = limiter.tryAcquire("alice");
      assertThat(d.allowed()).as("request %d", i + 1).isTrue();
      assertThat(d.remaining()).isEqualTo(4 - i);
      assertThat(d.retryAfter()).isZero();
      assertThat(d.limit()).isEqualTo(Limit.of(5, Duration.ofMinutes(1)));
      assertThat(d.source()).isEqualTo(DecisionSource.LIMITER);
    }
    Decision denied = limiter.tryAcquire("alice");
    assertThat(denied.allowed()).isFalse();
    assertThat(denied.remaining()).isZero();
    assertThat(denied.retryAfter()).isPositive().isLessThanOrEqualTo(Duration.ofMinutes(2));
    assertThat(denied.resetAfter()).isPositive();
    assertThat(denied.limiter()).isEqualTo("contract-" + algorithm.code());
  }

  @ParameterizedTest
  @EnumSource(Algorithm.class)
  void allowsAgainOnceTheRetryAfterHasPassed(Algorithm algorithm) {
    RateLimiter limiter = limiter(algorithm, 3, Duration.ofSeconds(10));
    for (int i = 0; i < 3; i++) {
      assertThat(limiter.tryAcquire("k").allowed()).isTrue();
    }
    time.advance(Duration.ofMillis(2500));
    Decision denied = limiter.tryAcquire("k");
    assertThat(denied.allowed()).isFalse();
    // a denial consumes nothing: asking again right away gets the same answer
    assertThat(limiter.tryAcquire("k").retryAfter()).isEqualTo(denied.retryAfter());
    time.advance(denied.retryAfter().minusMillis(1));
    assertThat(limiter.tryAcquire("k").allowed()).as("1 ms before the retry-after").isFalse();
    time.advance(Duration.ofMillis(1));
    assertThat(limiter.tryAcquire("k").allowed()).as("at the retry-after").isTrue();
  }

  @ParameterizedTest
  @EnumSource(Algorithm.class)
  void theFullLimitIsBackAfterTheReset(Algorithm algorithm) {
    RateLimiter limiter = limiter(algorithm, 4, Duration.ofSeconds(30));
    Decision last = null;
    for (int i = 0; i < 4; i++) {
      last = limiter.tryAcquire("k");
    }
    assertThat(last.remaining()).isZero();
    time.advance(last.resetAfter());
    for (int i = 0; i < 4; i++) {
      assertThat(limiter.tryAcquire("k").allowed())
          .as("request %d after the reset", i + 1)
          .isTrue();
    }
    assertThat(limiter.tryAcquire("k").allowed()).isFalse();
  }

  @ParameterizedTest
  @EnumSource(Algorithm.class)
  void keysHaveSeparateBudgets(Algorithm algorithm) {
    RateLimiter limiter = limiter(algorithm, 2, Duration.ofMinutes(1));
    assertThat(limiter.tryAcquire("a").allowed()).isTrue();
    assertThat(limiter.tryAcquire("a").allowed()).isTrue();
    assertThat(limiter.tryAcquire("a").allowed()).isFalse();
    assertThat(limiter.tryAcquire("b").allowed()).isTrue();
    assertThat(limiter.tryAcquire("b").remaining()).isZero();
  }

  @ParameterizedTest
  @EnumSource(Algorithm.class)
  void severalPermitsAreAllOrNothing(Algorithm algorithm) {
    RateLimiter limiter = limiter(algorithm, 5, Duration.ofMinutes(1));
    assertThat(limiter.tryAcquire("k", 3).remaining()).isEqualTo(2);
    Decision denied = limiter.tryAcquire("k", 3);
    assertThat(denied.allowed()).isFalse();
    assertThat(denied.remaining()).isEqualTo(2);
    assertThat(limiter.tryAcquire("k", 2).allowed()).isTrue();
    assertThat(limiter.tryAcquire("k", 1).allowed()).isFalse();
  }

  @ParameterizedTest
  @EnumSource(Algorithm.class)
  void severalLimitsAreAllOrNothing(Algorithm algorithm) {
    RateLimiter limiter =
        create(
            "composite",
            RateLimiterConfig.builder()
                .algorithm(algorithm)
                .limit(2, Duration.ofSeconds(1))
                .limit(3, Duration.ofHours(1))
                .build());
    assertThat(limiter.tryAcquire("k").allowed()).isTrue();
    assertThat(limiter.tryAcquire("k").allowed()).isTrue();
    Decision perSecond = limiter.tryAcquire("k");
    assertThat(perSecond.allowed()).isFalse();
    assertThat(perSecond.limit()).isEqualTo(Limit.of(2, Duration.ofSeconds(1)));
    // denials by the per-second limit did not consume from the hourly one
    for (int i = 0; i < 5; i++) {
      assertThat(limiter.tryAcquire("k").allowed()).isFalse();
    }
    time.advance(Duration.ofSeconds(3));
    Decision third = limiter.tryAcquire("k");
    assertThat(third.allowed()).isTrue();
    assertThat(third.remaining()).isZero();
    assertThat(third.limit()).isEqualTo(Limit.of(3, Duration.ofHours(1)));
    time.advance(Duration.ofSeconds(3));
    Decision hourly = limiter.tryAcquire("k");
    assertThat(hourly.allowed()).isFalse();
    assertThat(hourly.limit()).isEqualTo(Limit.of(3, Duration.ofHours(1)));
    assertThat(hourly.retryAfter()).isGreaterThan(Duration.ofMinutes(10));
  }

  @Test
  void slidingLogIsExactAtTheWindowBoundary() {
    RateLimiter limiter = limiter(Algorithm.SLIDING_LOG, 3, Duration.ofSeconds(60));
    limiter.tryAcquire("k");
    time.advance(Duration.ofSeconds(10));
    limiter.tryAcquire("k");
    time.advance(Duration.ofSeconds(10));
    limiter.tryAcquire("k");
    time.advance(Duration.ofSeconds(5));
    Decision denied = limiter.tryAcquire("k");
    assertThat(denied.allowed()).isFalse();
    assertThat(denied.retryAfter()).isEqualTo(Duration.ofSeconds(35));
    assertThat(denied.resetAfter()).isEqualTo(Duration.ofSeconds(55));
    assertThat(limiter.tryAcquire("k", 2).retryAfter()).isEqualTo(Duration.ofSeconds(45));
    time.advance(Duration.ofSeconds(35));
    Decision allowed = limiter.tryAcquire("k");
    assertThat(allowed.allowed()).isTrue();
    assertThat(allowed.remaining()).isZero();
    assertThat(allowed.resetAfter()).isEqualTo(Duration.ofSeconds(60));
  }

  @Test
  void slidingCounterWeighsThePreviousWindow() {
    RateLimiter limiter = limiter(Algorithm.SLIDING_COUNTER, 10, Duration.ofSeconds(10));
    // fill a window, then move to the middle of the next one: half of it still counts
    Decision first = limiter.tryAcquire("k", 10);
    assertThat(first.allowed()).isTrue();
    Duration toNextWindow = first.resetAfter().minusSeconds(10);
    time.advance(toNextWindow.plusSeconds(5));
    assertThat(limiter.tryAcquire("k", 5).allowed()).isTrue();
    Decision denied = limiter.tryAcquire("k");
    assertThat(denied.allowed()).isFalse();
    // 5 + 10 * (1 - d/10) + 1 <= 10 once d >= 6: one more second
    assertThat(denied.retryAfter()).isBetween(Duration.ofMillis(999), Duration.ofMillis(1001));
  }

  @Test
  void slidingCounterKeepsATinyPreviousWeightWhenLimitTimesWindowIsLarge() {
    Duration day = Duration.ofDays(1);
    RateLimiter limiter = limiter(Algorithm.SLIDING_COUNTER, 1_000_000, day);
    Decision first = limiter.tryAcquire("k");
    assertThat(first.allowed()).isTrue();
    time.advance(first.resetAfter().minus(day)); // the next window's start
    assertThat(limiter.tryAcquire("k", 999_999).allowed()).isTrue();
    time.advance(day.minusNanos(1000)); // a microsecond before the next edge
    // 999 999 + 1 + 1 * (1 µs / 1 day) > 1 000 000, though in double the last term vanished
    Decision denied = limiter.tryAcquire("k");
    assertThat(denied.allowed()).isFalse();
    assertThat(denied.remaining()).isZero();
    assertThat(denied.retryAfter()).isEqualTo(Duration.ofNanos(1000));
    time.advance(denied.retryAfter());
    assertThat(limiter.tryAcquire("k").allowed()).isTrue();
  }

  @Test
  void tokenBucketRefillsContinuously() {
    RateLimiter limiter = limiter(Algorithm.TOKEN_BUCKET, 10, Duration.ofSeconds(10));
    assertThat(limiter.tryAcquire("k", 10).allowed()).isTrue();
    Decision empty = limiter.tryAcquire("k");
    assertThat(empty.allowed()).isFalse();
    assertThat(empty.retryAfter()).isBetween(Duration.ofMillis(999), Duration.ofMillis(1001));
    time.advance(Duration.ofSeconds(3));
    assertThat(limiter.tryAcquire("k", 3).allowed()).isTrue();
    assertThat(limiter.tryAcquire("k").allowed()).isFalse();
  }

  @Test
  void tokenBucketWithSeveralLimitsReportsTheExactWaitAndReset() {
    RateLimiter limiter =
        create(
            "tb-exact",
            RateLimiterConfig.builder()
                .algorithm(Algorithm.TOKEN_BUCKET)
                .limit(10, Duration.ofSeconds(1))
                .limit(100, Duration.ofMinutes(1))
                .build());
    assertThat(limiter.tryAcquire("k", 10).allowed()).isTrue();
    time.advance(Duration.ofMillis(150)); // 1.5 tokens back in the 10/s bucket: 1.5 more to wait
    Decision denied = limiter.tryAcquire("k", 3);
    assertThat(denied.allowed()).isFalse();
    assertThat(denied.limit()).isEqualTo(Limit.perSecond(10));
    assertThat(denied.retryAfter()).isEqualTo(Duration.ofMillis(150));
    assertThat(denied.resetAfter()).isEqualTo(Duration.ofMillis(850));
    time.advance(denied.retryAfter().minusNanos(1));
    assertThat(limiter.tryAcquire("k", 3).allowed()).as("a nanosecond early").isFalse();
    time.advance(Duration.ofNanos(1));
    Decision admitted = limiter.tryAcquire("k", 3);
    assertThat(admitted.allowed()).as("exactly at the retry-after").isTrue();
    assertThat(admitted.remaining()).isZero();
    assertThat(admitted.resetAfter()).isEqualTo(Duration.ofSeconds(1));
    time.advance(Duration.ofMillis(50)); // half a token
    Decision again = limiter.tryAcquire("k");
    assertThat(again.allowed()).isFalse();
    assertThat(again.retryAfter()).isEqualTo(Duration.ofMillis(50));
    assertThat(again.resetAfter()).isEqualTo(Duration.ofMillis(950));
  }

  @Test
  void fixedWindowResetsAtTheWindowEnd() {
    RateLimiter limiter = limiter(Algorithm.FIXED_WINDOW, 2, Duration.ofSeconds(10));
    limiter.tryAcquire("k");
    Decision second = limiter.tryAcquire("k");
    Decision denied = limiter.tryAcquire("k");
    assertThat(denied.allowed()).isFalse();
    assertThat(denied.retryAfter()).isEqualTo(second.resetAfter());
    time.advance(denied.retryAfter());
    assertThat(limiter.tryAcquire("k").remaining()).isEqualTo(1);
  }

  @Test
  void headersFollowTheIetfDraft() {
    RateLimiter limiter = limiter(Algorithm.SLIDING_LOG, 2, Duration.ofSeconds(60));
    Decision ok = limiter.tryAcquire("k");
    assertThat(ok.headers())
        .containsExactly(
            org.assertj.core.api.Assertions.entry(
                "RateLimit-Policy", "\"" + limiter.name() + "\";q=2;w=60"),
            org.assertj.core.api.Assertions.entry(
                "RateLimit", "\"" + limiter.name() + "\";r=1;t=60"));
    limiter.tryAcquire("k");
    time.advance(Duration.ofMillis(10_500));
    Decision denied = limiter.tryAcquire("k");
    assertThat(denied.headers())
        .containsEntry("Retry-After", "50")
        .containsEntry("RateLimit", "\"" + limiter.name() + "\";r=0;t=50");
    assertThat(denied.headers(RateLimitHeaders.Style.DRAFT_06, RateLimitHeaders.Style.X_RATELIMIT))
        .containsEntry("RateLimit-Reset", "50")
        .containsEntry("X-RateLimit-Limit", "2")
        .containsEntry("X-RateLimit-Remaining", "0")
        .containsKey("X-RateLimit-Reset");
  }

  @ParameterizedTest
  @EnumSource(Algorithm.class)
  void shadowPoliciesCountButNeverDeny(Algorithm algorithm) {
    RateLimiter limiter =
        create(
            "shadow",
            RateLimiterConfig.builder()
                .algorithm(algorithm)
                .limit(2, Duration.ofMinutes(1))
                .shadow(true)
                .build());
    assertThat(limiter.tryAcquire("k").shadowDenied()).isFalse();
    assertThat(limiter.tryAcquire("k").shadowDenied()).isFalse();
    Decision third = limiter.tryAcquire("k");
    assertThat(third.allowed()).isTrue();
    assertThat(third.shadowDenied()).isTrue();
    assertThat(third.remaining()).isZero();
    assertThat(third.headers()).doesNotContainKey("Retry-After");
  }

  @Test
  void keysWithGlobAndHashTagCharactersAreDistinct() {
    RateLimiter limiter = limiter(Algorithm.SLIDING_LOG, 1, Duration.ofMinutes(1));
    List<String> keys =
        List.of(
            "a{b}", "a%7Bb%7D", "a*", "a?", "a[x]", "a\\", "a:b", "{}", "}{", "a b", "ключ", "a");
    for (String key : keys) {
      assertThat(limiter.tryAcquire(key).allowed()).as(key).isTrue();
    }
    for (String key : keys) {
      assertThat(limiter.tryAcquire(key).allowed()).as(key).isFalse();
    }
  }

  @Test
  void keysWithUnpairedSurrogatesAreRefusedSoTheyNeverShareABudget() {
    RateLimiter limiter = limiter(Algorithm.SLIDING_LOG, 1, Duration.ofMinutes(1));
    // UTF-8 would turn each lone surrogate into '?': on Redis all of these were one key
    for (String key : List.of("a\uD800b", "a\uDBFFb", "a\uDC00b", "a?b", "x\uD800", "\uDC00")) {
      if (key.equals("a?b")) {
        assertThat(limiter.tryAcquire(key).allowed()).as(key).isTrue();
        continue;
      }
      assertThatThrownBy(() -> limiter.tryAcquire(key))
          .as(key)
          .isInstanceOf(InvalidKeyException.class)
          .hasMessageContaining("contract-log")
          .hasMessageContaining("unpaired surrogate");
      assertThatThrownBy(() -> limiter.tryAcquireAsync(key, 1))
          .isInstanceOf(InvalidKeyException.class);
    }
    assertThat(limiter.tryAcquire("a?b").allowed()).isFalse();
    // a well-formed pair (an emoji) is a key like any other
    assertThat(limiter.tryAcquire("a\uD83D\uDE00b").allowed()).isTrue();
    assertThat(limiter.tryAcquire("a\uD83D\uDE00b").allowed()).isFalse();
  }

  @Test
  void oneSlidingLogRequestIsCappedSoItCannotFloodTheLog() {
    RateLimiter limiter = limiter(Algorithm.SLIDING_LOG, Limit.MAX_PERMITS, Duration.ofMinutes(1));
    long cap = 1000; // RateLimitPolicy.MAX_SLIDING_LOG_PERMITS
    assertThatThrownBy(() -> limiter.tryAcquire("k", cap + 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("contract-log")
        .hasMessageContaining("permits must be at most " + cap + " for the sliding log")
        .hasMessageContaining("was " + (cap + 1));
    assertThatThrownBy(() -> limiter.tryAcquire("k", 1L << 40))
        .isInstanceOf(IllegalArgumentException.class);
    Decision d = limiter.tryAcquire("k", cap);
    assertThat(d.allowed()).isTrue();
    assertThat(d.remaining()).isEqualTo(Limit.MAX_PERMITS - cap);
    assertThat(limiter.tryAcquire("k", 1).remaining()).isEqualTo(Limit.MAX_PERMITS - cap - 1);
    // other algorithms keep O(1) state per key: large requests stay allowed there
    RateLimiter counter =
        limiter(Algorithm.SLIDING_COUNTER, Limit.MAX_PERMITS, Duration.ofMinutes(1));
    assertThat(counter.tryAcquire("k", 1L << 39).allowed()).isTrue();
  }

  @Test
  void badArgumentsFailWithTheirPolicyAndValue() {
    RateLimiter limiter = create("bad-input", RateLimiterConfig.of(5, Duration.ofMinutes(1)));
    assertThatThrownBy(() -> limiter.tryAcquire(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("bad-input")
        .hasMessageContaining("key");
    assertThatThrownBy(() -> limiter.tryAcquire(""))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("bad-input");
    assertThatThrownBy(() -> limiter.tryAcquire("k", 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("bad-input")
        .hasMessageContaining("permits")
        .hasMessageContaining("was 0");
    assertThatThrownBy(() -> limiter.tryAcquire("k", 6))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("bad-input")
        .hasMessageContaining("was 6")
        .hasMessageContaining("never be granted");
    assertThatThrownBy(() -> limiter.tryAcquireAsync("k", -1))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void acquireReturnsTheDenialAtOnceWhenTheWaitExceedsTheTimeout() {
    RateLimiter limiter = limiter(Algorithm.SLIDING_LOG, 1, Duration.ofMinutes(1));
    assertThat(limiter.acquire("k", Duration.ofSeconds(1)).allowed()).isTrue();
    Decision d = limiter.acquire("k", Duration.ofSeconds(1));
    assertThat(d.allowed()).isFalse();
    assertThat(d.retryAfter()).isEqualTo(Duration.ofMinutes(1));
    assertThat(limiter.acquireAsync("k", 1, Duration.ofSeconds(1)).join().allowed()).isFalse();
  }

  @Test
  void acquireWaitsOnTheConfiguredTimeSourceUntilTheRetryAfter() throws Exception {
    RateLimiter limiter = limiter(Algorithm.SLIDING_LOG, 2, Duration.ofSeconds(10));
    assertThat(limiter.tryAcquire("k", 2).allowed()).isTrue();
    ExecutorService caller = Executors.newSingleThreadExecutor();
    try {
      Future<Decision> waiting = caller.submit(() -> limiter.acquire("k", Duration.ofMinutes(1)));
      // the denial scheduled its retry on the manual clock: nothing happens until the clock moves
      await().atMost(Duration.ofSeconds(10)).until(() -> time.pendingTasks() == 1);
      time.advance(Duration.ofSeconds(10).minusMillis(1));
      assertThat(waiting.isDone()).as("1 ms before the retry-after").isFalse();
      time.advance(Duration.ofMillis(1));
      Decision d = waiting.get(10, TimeUnit.SECONDS);
      assertThat(d.allowed()).isTrue();
      assertThat(d.remaining()).isEqualTo(1);
    } finally {
      caller.shutdownNow();
    }
  }

  @Test
  void acquireAsyncRetriesAfterEachDenialAndCancellingStopsIt() {
    RateLimiter limiter = limiter(Algorithm.FIXED_WINDOW, 1, Duration.ofSeconds(10));
    limiter.tryAcquire("k");
    CompletableFuture<Decision> cancelled = limiter.acquireAsync("k", 1, Duration.ofMinutes(5));
    await().atMost(Duration.ofSeconds(10)).until(() -> time.pendingTasks() == 1);
    cancelled.cancel(false);
    assertThat(time.pendingTasks()).as("cancelling the wait cancels its timer").isZero();

    CompletableFuture<Decision> waiting = limiter.acquireAsync("k", 1, Duration.ofMinutes(5));
    await().atMost(Duration.ofSeconds(10)).until(() -> time.pendingTasks() == 1);
    Long due = time.nextDeadlineNanos();
    time.advance(Duration.ofNanos(due - time.nanoTime()));
    Decision d = waiting.orTimeout(10, TimeUnit.SECONDS).join();
    assertThat(d.allowed()).isTrue();
    assertThat(time.pendingTasks()).isZero();
  }

  @Test
  void aClosedLimiterRefusesCalls() {
    RateLimiter limiter = limiter(Algorithm.SLIDING_COUNTER, 2, Duration.ofMinutes(1));
    assertThat(limiter.name()).isEqualTo("contract-counter");
    limiter.close();
    limiter.close();
    assertThatThrownBy(() -> limiter.tryAcquire("k"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("contract-counter")
        .hasMessageContaining("closed");
  }

  @Test
  void asyncDecisionsMatchSyncOnes() {
    RateLimiter limiter = limiter(Algorithm.SLIDING_COUNTER, 2, Duration.ofMinutes(1));
    assertThat(limiter.tryAcquireAsync("k", 1).join().remaining()).isEqualTo(1);
    assertThat(limiter.tryAcquireAsync("k", 1).join().allowed()).isTrue();
    assertThat(limiter.tryAcquireAsync("k", 1).join().allowed()).isFalse();
  }

  @ParameterizedTest
  @EnumSource(Algorithm.class)
  void sixteenThreadsOnOneHotKeyGetExactlyTheLimit(Algorithm algorithm) throws Exception {
    int limit = 200;
    RateLimiter limiter = limiter(algorithm, limit, Duration.ofHours(1));
    assertThat(admittedConcurrently(List.of(limiter), 16, 40, "hot")).isEqualTo(limit);
  }

  /**
   * Runs {@code threads} threads, spread over {@code nodes}, each asking {@code perThread} times
   * for one permit of {@code key}, all released at once; answers how many were admitted.
   */
  protected static int admittedConcurrently(
      List<RateLimiter> nodes, int threads, int perThread, String key) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<Integer>> results = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        RateLimiter node = nodes.get(t % nodes.size());
        results.add(
            pool.submit(
                () -> {
                  start.await();
                  int admitted = 0;
                  for (int i = 0; i < perThread; i++) {
                    if (node.tryAcquire(key).allowed()) {
                      admitted++;
                    }
                  }
                  return admitted;
                }));
      }
      start.countDown();
      int total = 0;
      for (Future<Integer> f : results) {
        total += f.get(60, TimeUnit.SECONDS);
      }
      return total;
    } finally {
      pool.shutdownNow();
    }
  }
}
