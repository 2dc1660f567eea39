package dev.headroom.ratelimit.memory;

import static org.assertj.core.api.Assertions.assertThat;

import dev.headroom.core.time.ManualTimeSource;
import dev.headroom.ratelimit.Algorithm;
import dev.headroom.ratelimit.Decision;
import dev.headroom.ratelimit.RateLimitPolicy;
import dev.headroom.ratelimit.RateLimiter;
import dev.headroom.ratelimit.RateLimiterOptions;
import dev.headroom.ratelimit.RateLimiters;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Memory stays bounded however many keys arrive; waiting for permits parks instead of spinning. */
class InMemoryBoundsTest {

  @Test
  void idleKeysAreForgottenAfterTheirWindow() {
    ManualTimeSource time = ManualTimeSource.create();
    InMemoryRateLimiter limiter = InMemoryRateLimiter.create(
        RateLimitPolicy.builder("idle").algorithm(Algorithm.SLIDING_LOG).limit(5, Duration.ofSeconds(10)).build(),
        RateLimiterOptions.builder().timeSource(time).build());
    for (int i = 0; i < 1000; i++) {
      limiter.tryAcquire("ip-" + i);
    }
    assertThat(limiter.trackedKeys()).isEqualTo(1000);
    time.advance(Duration.ofSeconds(11));
    limiter.cleanUp();
    assertThat(limiter.trackedKeys()).isZero();
  }

  @Test
  void theNumberOfKeysIsBounded() {
    InMemoryRateLimiter limiter = InMemoryRateLimiter.create(RateLimitPolicy.of("bounded", 5, Duration.ofMinutes(1)),
        RateLimiterOptions.builder().maxKeys(100).build());
    for (int i = 0; i < 10_000; i++) {
      limiter.tryAcquire("ip-" + i);
    }
    limiter.cleanUp();
    assertThat(limiter.trackedKeys()).isLessThanOrEqualTo(100);
  }

  @Test
  void acquireWaitsForTheRetryAfter() {
    RateLimiter limiter = RateLimiters.inMemory(
        RateLimitPolicy.builder("wait").algorithm(Algorithm.SLIDING_LOG).limit(2, Duration.ofMillis(200)).build());
    assertThat(limiter.tryAcquire("k", 2).allowed()).isTrue();
    long start = System.nanoTime();
    Decision d = limiter.acquire("k", Duration.ofSeconds(5));
    assertThat(d.allowed()).isTrue();
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(150));
    assertThat(limiter.acquireAsync("k", 2, Duration.ofSeconds(5)).join().allowed()).isTrue();
  }
}
