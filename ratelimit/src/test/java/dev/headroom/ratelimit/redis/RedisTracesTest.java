package dev.headroom.ratelimit.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.headroom.core.key.KeySpace;
import dev.headroom.core.redis.RedisConnector;
import dev.headroom.core.time.ManualTimeSource;
import dev.headroom.ratelimit.Algorithm;
import dev.headroom.ratelimit.Decision;
import dev.headroom.ratelimit.Limit;
import dev.headroom.ratelimit.RateLimiter;
import dev.headroom.ratelimit.RateLimiterConfig;
import dev.headroom.ratelimit.RateLimiters;
import dev.headroom.ratelimit.Reference;
import dev.headroom.testkit.RedisExtension;
import dev.headroom.testkit.TestRedis;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The Lua scripts against the same reference models the in-memory properties use, over seeded
 * random traces (jqwik cannot take the testkit's Redis, so each seed is one JUnit case).
 */
@ExtendWith(RedisExtension.class)
class RedisTracesTest {

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12})
  void scriptsAdmitWhatTheReferenceModelsAdmit(long seed, TestRedis redis) {
    Random random = new Random(seed);
    long l1 = 3 + random.nextInt(8);
    long w1 = 1 + random.nextInt(10);
    long l2 = l1 + 1 + random.nextInt(10);
    long w2 = w1 + 1 + random.nextInt(20);
    ManualTimeSource time = ManualTimeSource.create();
    RateLimiterConfig options =
        RateLimiterConfig.builder()
            .keySpace(KeySpace.of(redis.keyPrefix()))
            .timeSource(time)
            .serverTime(false)
            .redisTimeout(Duration.ofSeconds(10)) // Redis's answers, even on a loaded machine
            .localDenyCache(false)
            .build();
    try (RedisConnector connector = RedisConnector.create(redis.uri())) {
      connector
          .sync()
          .ping(); // opened first: a new connection must not send a decision to the fallback
      RateLimiter log =
          RateLimiters.redis(
              connector,
              "log",
              options.toBuilder()
                  .algorithm(Algorithm.SLIDING_LOG)
                  .limit(l1, Duration.ofSeconds(w1))
                  .limit(l2, Duration.ofSeconds(w2))
                  .build());
      RateLimiter counter =
          RateLimiters.redis(
              connector, "counter", options.toBuilder().limit(l1, Duration.ofSeconds(w1)).build());
      long[] limits = {l1, l2};
      long[] windows = {w1 * 1_000_000, w2 * 1_000_000};
      Reference logModel = new Reference();
      Reference counterModel = new Reference();
      for (int i = 0; i < 150; i++) {
        time.advance(Duration.ofMillis(random.nextInt(4) == 0 ? 0 : random.nextInt(3000)));
        long now = time.nanoTime() / 1000;
        int p = 1 + random.nextInt(3);
        boolean logExpected = logModel.logAdmits(now, p, limits, windows);
        assertThat(log.tryAcquire("k", p).allowed())
            .as("log, seed %d, step %d", seed, i)
            .isEqualTo(logExpected);
        if (logExpected) {
          logModel.admit(now, p);
        }
        boolean counterExpected = counterModel.counterAdmits(now, p, l1, windows[0]);
        assertThat(counter.tryAcquire("k", p).allowed())
            .as("counter, seed %d, step %d", seed, i)
            .isEqualTo(counterExpected);
        if (counterExpected) {
          counterModel.admit(now, p);
        }
      }
    }
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
  void theSlidingCounterScriptIsExactForLargeLimitsAndWindowsNearWindowEdges(
      long seed, TestRedis redis) {
    Random random = new Random(seed);
    long[] permitChoices = {
      10_000, 1_000_000, Limit.MAX_PERMITS, 1 + random.nextLong(Limit.MAX_PERMITS)
    };
    Duration[] windowChoices = {
      Duration.ofHours(1),
      Duration.ofDays(1),
      Limit.MAX_WINDOW,
      Duration.ofSeconds(1 + random.nextInt(366 * 86_400))
    };
    long l = permitChoices[random.nextInt(permitChoices.length)];
    Duration window = windowChoices[random.nextInt(windowChoices.length)];
    long w = window.toNanos() / 1000; // the script's unit: microseconds
    ManualTimeSource time = ManualTimeSource.create();
    time.advance(Duration.ofNanos((1000 - time.nanoTime() % 1000) % 1000));
    RateLimiterConfig config =
        RateLimiterConfig.builder()
            .keySpace(KeySpace.of(redis.keyPrefix()))
            .timeSource(time)
            .serverTime(false)
            .redisTimeout(Duration.ofSeconds(10)) // Redis's answers, even on a loaded machine
            .localDenyCache(false)
            .limit(l, window)
            .build();
    try (RedisConnector connector = RedisConnector.create(redis.uri())) {
      connector
          .sync()
          .ping(); // opened first: a new connection must not send a decision to the fallback
      RateLimiter counter = RateLimiters.redis(connector, "large", config);
      Reference model = new Reference();
      for (int i = 0; i < 60; i++) {
        long now = time.nanoTime() / 1000;
        long edge = (Math.floorDiv(now, w) + 1) * w;
        long offset = 1 + random.nextInt(2000);
        long target =
            switch (random.nextInt(4)) {
              case 0 -> edge - offset;
              case 1 -> edge + offset - 1;
              case 2 -> now + offset;
              default -> now;
            };
        if (target > now) {
          time.advance(Duration.ofNanos((target - now) * 1000));
        }
        now = time.nanoTime() / 1000;
        long p =
            switch (random.nextInt(5)) {
              case 0 -> 1;
              case 1 -> Math.max(1, l - 1);
              case 2 -> Math.max(1, l / 2);
              case 3 -> l;
              default -> Math.min(l, offset);
            };
        boolean expected = model.counterAdmits(now, p, l, w);
        long left = model.counterLeft(now, l, w);
        Decision d = counter.tryAcquire("k", p);
        String step = String.format("seed %d, step %d: %d/%s asking %d", seed, i, l, window, p);
        assertThat(d.allowed()).as(step).isEqualTo(expected);
        if (expected) {
          model.admit(now, p);
          assertThat(d.remaining()).as(step).isEqualTo(left - p);
        } else {
          assertThat(d.remaining()).as(step).isEqualTo(Math.max(0, left));
          long retry = d.retryAfter().toNanos() / 1000;
          assertThat(model.counterAdmits(now + retry, p, l, w)).as(step).isTrue();
          assertThat(model.counterAdmits(now + retry - 1, p, l, w)).as(step).isFalse();
        }
      }
    }
  }
}
