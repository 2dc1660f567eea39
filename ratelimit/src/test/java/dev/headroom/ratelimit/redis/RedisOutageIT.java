package dev.headroom.ratelimit.redis;

import static dev.headroom.core.metrics.HeadroomMeters.RATELIMIT_FALLBACKS;
import static dev.headroom.core.metrics.HeadroomMeters.TAG_LIMITER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.headroom.core.health.HealthStatus;
import dev.headroom.core.redis.RedisConnector;
import dev.headroom.core.redis.RedisConnectorOptions;
import dev.headroom.ratelimit.Algorithm;
import dev.headroom.ratelimit.Decision;
import dev.headroom.ratelimit.DecisionSource;
import dev.headroom.ratelimit.FailureMode;
import dev.headroom.ratelimit.RateLimiter;
import dev.headroom.ratelimit.RateLimiterConfig;
import dev.headroom.ratelimit.RateLimiterRegistry;
import dev.headroom.ratelimit.RateLimiters;
import dev.headroom.testkit.RedisServer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Each failure mode with a dedicated Redis stopped (unreachable) or paused (slower than the
 * policy's timeout), and recovery once it is back, without recreating the limiter.
 */
class RedisOutageIT {

  private static final RedisConnectorOptions FAST =
      RedisConnectorOptions.builder()
          .commandTimeout(Duration.ofSeconds(1))
          .connectTimeout(Duration.ofMillis(500))
          .reconnectDelay(Duration.ofMillis(20), Duration.ofMillis(200))
          .build();

  private RedisServer server;
  private RedisConnector connector;
  private SimpleMeterRegistry meters;

  @BeforeEach
  void start() {
    server = RedisServer.start();
    connector = RedisConnector.create(server.uri(), FAST);
    meters = new SimpleMeterRegistry();
  }

  @AfterEach
  void stop() {
    connector.close();
    server.close();
  }

  private RateLimiter limiter(FailureMode mode) {
    RateLimiterConfig config =
        RateLimiterConfig.builder()
            .algorithm(Algorithm.SLIDING_LOG)
            .limit(4, Duration.ofMinutes(1))
            .failureMode(mode)
            .fallbackShare(0.5)
            .redisTimeout(Duration.ofMillis(200))
            .meterRegistry(meters)
            .build();
    return RateLimiters.redis(
        connector, "outage-" + mode.name().toLowerCase(java.util.Locale.ROOT), config);
  }

  private double fallbacks(RateLimiter limiter, String reason) {
    var counter =
        meters
            .find(RATELIMIT_FALLBACKS)
            .tag(TAG_LIMITER, limiter.name())
            .tag("reason", reason)
            .counter();
    return counter == null ? 0 : counter.count();
  }

  private void awaitRecovery(RateLimiter limiter) {
    server.restart();
    await()
        .atMost(Duration.ofSeconds(15))
        .until(() -> limiter.tryAcquire("recovery").source() == DecisionSource.LIMITER);
    assertThat(limiter.health().status()).isEqualTo(HealthStatus.UP);
    Decision d = limiter.tryAcquire("k");
    assertThat(d.source()).isEqualTo(DecisionSource.LIMITER);
    assertThat(d.allowed()).isTrue();
  }

  @Test
  void failOpenAdmitsWhileRedisIsDownAndRecovers() {
    connector.sync().ping(); // opened first: a limiter never waits past its timeout for it
    RateLimiter limiter = limiter(FailureMode.FAIL_OPEN);
    RateLimiterRegistry registry = RateLimiterRegistry.redis(connector, limiter.config());
    registry.add(limiter.name(), limiter);
    assertThat(limiter.tryAcquire("k").source()).isEqualTo(DecisionSource.LIMITER);
    server.stop();
    for (int i = 0; i < 10; i++) {
      Decision d = limiter.tryAcquire("k");
      assertThat(d.allowed()).isTrue();
      assertThat(d.source()).isEqualTo(DecisionSource.FAIL_OPEN);
    }
    assertThat(limiter.health().status()).isEqualTo(HealthStatus.DEGRADED);
    assertThat(limiter.health().details())
        .containsEntry("failureMode", "FAIL_OPEN")
        .containsKey("lastError");
    assertThat(registry.health().status()).isEqualTo(HealthStatus.DEGRADED);
    assertThat(registry.health().details()).containsKey("outage-fail_open");
    assertThat(fallbacks(limiter, "unavailable") + fallbacks(limiter, "timeout")).isEqualTo(10);
    awaitRecovery(limiter);
    assertThat(registry.health().status()).isEqualTo(HealthStatus.UP);
  }

  @Test
  void failClosedDeniesWhileRedisIsDownAndRecovers() {
    RateLimiter limiter = limiter(FailureMode.FAIL_CLOSED);
    server.stop();
    Decision d = limiter.tryAcquire("k");
    assertThat(d.allowed()).isFalse();
    assertThat(d.source()).isEqualTo(DecisionSource.FAIL_CLOSED);
    assertThat(d.retryAfter()).isPositive();
    assertThat(d.headers()).containsKey("Retry-After");
    assertThat(limiter.health().status()).isEqualTo(HealthStatus.DEGRADED);
    awaitRecovery(limiter);
  }

  @Test
  void localFallbackLimitsEachNodeToItsShareAndRecovers() {
    RateLimiter limiter = limiter(FailureMode.LOCAL_FALLBACK);
    server.stop();
    Decision first = limiter.tryAcquire("k");
    assertThat(first.source()).isEqualTo(DecisionSource.LOCAL_FALLBACK);
    assertThat(first.allowed()).isTrue();
    assertThat(first.limit().permits()).isEqualTo(2);
    assertThat(limiter.tryAcquire("k").allowed()).isTrue();
    Decision third = limiter.tryAcquire("k");
    assertThat(third.allowed()).isFalse();
    assertThat(third.source()).isEqualTo(DecisionSource.LOCAL_FALLBACK);
    assertThat(limiter.tryAcquire("other").allowed()).isTrue();
    assertThat(limiter.health().status()).isEqualTo(HealthStatus.DEGRADED);
    assertThat(limiter.health().details()).containsEntry("fallbackDecisions", 4L);
    assertThat(fallbacks(limiter, "unavailable") + fallbacks(limiter, "timeout")).isEqualTo(4);
    awaitRecovery(limiter);
  }

  @Test
  void aRedisSlowerThanTheTimeoutTriggersTheFailureMode() {
    connector.sync().ping(); // opened first: a limiter never waits past its timeout for it
    RateLimiter limiter = limiter(FailureMode.FAIL_OPEN);
    assertThat(limiter.tryAcquire("k").source()).isEqualTo(DecisionSource.LIMITER);
    try (RedisConnector admin = RedisConnector.create(server.uri(), FAST)) {
      admin.sync().clientPause(1500);
      Decision d = limiter.tryAcquire("k");
      assertThat(d.source()).isEqualTo(DecisionSource.FAIL_OPEN);
      assertThat(fallbacks(limiter, "timeout")).isEqualTo(1);
      assertThat(limiter.health().status()).isEqualTo(HealthStatus.DEGRADED);
    }
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> limiter.tryAcquire("k").source() == DecisionSource.LIMITER);
    assertThat(limiter.health().status()).isEqualTo(HealthStatus.UP);
  }

  @Test
  void anAsyncFallbackDecisionDoesNotWaitBehindABusyCommonPool() throws Exception {
    connector.sync().ping(); // opened first: a limiter never waits past its timeout for it
    RateLimiter limiter = limiter(FailureMode.LOCAL_FALLBACK);
    assertThat(limiter.tryAcquireAsync("k", 1).get(10, TimeUnit.SECONDS).source())
        .isEqualTo(DecisionSource.LIMITER);
    // every thread of the common pool held, as an application's blocking tasks would hold it
    CountDownLatch release = new CountDownLatch(1);
    int held = ForkJoinPool.getCommonPoolParallelism();
    CountDownLatch holding = new CountDownLatch(held);
    for (int i = 0; i < held; i++) {
      ForkJoinPool.commonPool()
          .execute(
              () -> {
                holding.countDown();
                try {
                  release.await();
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              });
    }
    try (RedisConnector admin = RedisConnector.create(server.uri(), FAST)) {
      assertThat(holding.await(10, TimeUnit.SECONDS)).isTrue();
      admin.sync().clientPause(3000);
      Decision d = limiter.tryAcquireAsync("k", 1).get(2500, TimeUnit.MILLISECONDS);
      assertThat(d.source()).isEqualTo(DecisionSource.LOCAL_FALLBACK);
    } finally {
      release.countDown();
    }
  }

  @Test
  void aLimiterCreatedWhileRedisIsDownStartsInItsFailureModeAndRecovers() {
    server.stop();
    RateLimiter limiter = limiter(FailureMode.LOCAL_FALLBACK);
    assertThat(limiter.tryAcquire("k").source()).isEqualTo(DecisionSource.LOCAL_FALLBACK);
    awaitRecovery(limiter);
  }
}
