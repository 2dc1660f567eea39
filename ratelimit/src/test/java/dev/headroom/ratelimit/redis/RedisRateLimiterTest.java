package dev.headroom.ratelimit.redis;

import static dev.headroom.core.metrics.HeadroomMeters.OUTCOME_DENIED;
import static dev.headroom.core.metrics.HeadroomMeters.RATELIMIT_DECISIONS;
import static dev.headroom.core.metrics.HeadroomMeters.RATELIMIT_DENY_CACHE_HITS;
import static dev.headroom.core.metrics.HeadroomMeters.RATELIMIT_REDIS_LATENCY;
import static dev.headroom.core.metrics.HeadroomMeters.TAG_LIMITER;
import static dev.headroom.core.metrics.HeadroomMeters.TAG_RESULT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.headroom.core.health.HealthStatus;
import dev.headroom.core.key.KeySpace;
import dev.headroom.core.redis.RedisConnector;
import dev.headroom.core.time.Cancellable;
import dev.headroom.core.time.ManualTimeSource;
import dev.headroom.core.time.TimeSource;
import dev.headroom.ratelimit.Algorithm;
import dev.headroom.ratelimit.Decision;
import dev.headroom.ratelimit.DecisionSource;
import dev.headroom.ratelimit.FailureMode;
import dev.headroom.ratelimit.RateLimitPolicy;
import dev.headroom.ratelimit.RateLimiter;
import dev.headroom.ratelimit.RateLimiterConfig;
import dev.headroom.ratelimit.RateLimiterContractTest;
import dev.headroom.ratelimit.RateLimiterRegistry;
import dev.headroom.ratelimit.RateLimiters;
import dev.headroom.testkit.RedisExtension;
import dev.headroom.testkit.RedisServer;
import dev.headroom.testkit.TestRedis;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The contract on the Redis backend (caller-time hook driven by the suite's manual clock), plus
 * what only Redis has: server time, key layout and expiry, the local deny cache, and two nodes
 * sharing one limit.
 */
@ExtendWith(RedisExtension.class)
class RedisRateLimiterTest extends RateLimiterContractTest {

  private static final AtomicInteger TEST = new AtomicInteger();
  private static RedisConnector connector;
  private static RedisConnector otherNode;
  private TestRedis redis;
  private KeySpace keySpace;

  @BeforeAll
  static void connect(TestRedis shared) {
    connector = RedisConnector.create(shared.uri());
    otherNode = RedisConnector.create(shared.uri());
    // open both connections first: a limiter never waits past its Redis timeout for a new one
    connector.sync().ping();
    otherNode.sync().ping();
  }

  @AfterAll
  static void disconnect() {
    connector.close();
    otherNode.close();
  }

  @BeforeEach
  void keySpace(TestRedis perTest) {
    this.redis = perTest;
    // the testkit hands @BeforeEach the class's TestRedis when @BeforeAll took one, so each test
    // gets a key space of its own under it
    this.keySpace = KeySpace.of(perTest.keyPrefix(), "rl", "t" + TEST.incrementAndGet());
  }

  /** This test's keys. */
  private List<String> keys() {
    return redis.keys().stream().filter(k -> k.startsWith(keySpace.prefix())).toList();
  }

  @Override
  protected RateLimiter create(String name, RateLimiterConfig config) {
    RateLimiterConfig.Builder b =
        config.toBuilder().keySpace(keySpace).timeSource(time).serverTime(false);
    if (config.redisTimeout().equals(RateLimiterConfig.DEFAULT_REDIS_TIMEOUT)) {
      // a loaded machine can pause a round trip past the default 250 ms, and the failure mode would
      // then answer: these tests compare Redis's answers, so give Redis time (timeouts have tests)
      b.redisTimeout(Duration.ofSeconds(10));
    }
    return RateLimiters.redis(connector, name, b.build());
  }

  private RateLimiter onServerTime(
      RedisConnector node, String name, RateLimiterConfig config, TimeSource clock) {
    return RateLimiters.redis(
        node, name, config.toBuilder().keySpace(keySpace).timeSource(clock).build());
  }

  @Test
  void nodesWithSkewedClocksStillAgreeBecauseTimeComesFromRedis() {
    RateLimiterConfig config =
        RateLimiterConfig.builder()
            .algorithm(Algorithm.SLIDING_LOG)
            .limit(3, Duration.ofMinutes(1))
            .build();
    ManualTimeSource early = ManualTimeSource.create();
    ManualTimeSource late = ManualTimeSource.create().advance(Duration.ofHours(5));
    RateLimiter a = onServerTime(connector, "skew", config, early);
    RateLimiter b = onServerTime(otherNode, "skew", config, late);
    assertThat(a.tryAcquire("k").allowed()).isTrue();
    assertThat(b.tryAcquire("k").allowed()).isTrue();
    assertThat(a.tryAcquire("k").allowed()).isTrue();
    Decision denied = b.tryAcquire("k");
    assertThat(denied.allowed()).isFalse();
    assertThat(denied.retryAfter()).isBetween(Duration.ofSeconds(50), Duration.ofMinutes(1));
  }

  @ParameterizedTest
  @EnumSource(Algorithm.class)
  void eachDecisionTouchesOneTaggedKeyThatExpiresJustPastItsWindow(Algorithm algorithm) {
    RateLimiter limiter =
        onServerTime(
            connector,
            "ttl",
            RateLimiterConfig.builder()
                .algorithm(algorithm)
                .limit(5, Duration.ofSeconds(10))
                .limit(50, Duration.ofSeconds(30))
                .build(),
            ManualTimeSource.create());
    limiter.tryAcquire("user{42}*", 2);
    List<String> keys = keys();
    assertThat(keys).containsExactly(keySpace.prefix() + "{ttl:user%7B42%7D*}:" + algorithm.code());
    long ttl = connector.sync().pttl(keys.get(0));
    long max = algorithm == Algorithm.SLIDING_COUNTER ? 60_000 : 30_000;
    assertThat(ttl).isPositive().isLessThanOrEqualTo(max + 2);
  }

  @Test
  void aServerThatLostTheScriptIsSentItAgainAndStillDecides() {
    // a server of its own: flushing the shared one's scripts would slow other tests' first calls
    try (RedisServer server = RedisServer.start();
        RedisConnector own = RedisConnector.create(server.uri())) {
      own.sync().ping();
      RateLimiter limiter =
          RateLimiters.redis(
              own,
              "noscript",
              RateLimiterConfig.builder()
                  .limit(2, Duration.ofMinutes(1))
                  .keySpace(keySpace)
                  .redisTimeout(Duration.ofSeconds(10))
                  .build());
      assertThat(limiter.tryAcquire("k").source()).isEqualTo(DecisionSource.LIMITER);
      own.sync().scriptFlush(); // as after a restart or a failover
      Decision second = limiter.tryAcquire("k");
      assertThat(second.source()).isEqualTo(DecisionSource.LIMITER);
      assertThat(second.allowed()).isTrue();
      assertThat(second.remaining()).isZero();
      own.sync().scriptFlush();
      Decision third = limiter.tryAcquireAsync("k", 1).join();
      assertThat(third.source()).isEqualTo(DecisionSource.LIMITER);
      assertThat(third.allowed()).isFalse();
      assertThat(limiter.health().status()).isEqualTo(HealthStatus.UP);
      limiter.close();
    }
  }

  @Test
  void theLocalDenyCacheAnswersWithoutARoundTripUntilTheDenialExpires() {
    RateLimiterConfig config =
        RateLimiterConfig.builder()
            .algorithm(Algorithm.FIXED_WINDOW)
            .limit(1, Duration.ofMinutes(1))
            .build();
    RateLimiter limiter = create("deny", config);
    limiter.tryAcquire("k");
    Decision first = limiter.tryAcquire("k");
    assertThat(first.source()).isEqualTo(DecisionSource.LIMITER);
    connector.sync().del(keys().toArray(String[]::new));
    // Redis forgot the key, yet this node keeps denying until the retry-after: no round trip was
    // made
    Decision cached = limiter.tryAcquire("k");
    assertThat(cached.allowed()).isFalse();
    assertThat(cached.source()).isEqualTo(DecisionSource.DENY_CACHE);
    time.advance(first.retryAfter());
    assertThat(limiter.tryAcquire("k").source()).isEqualTo(DecisionSource.LIMITER);

    RateLimiter noCache = create("deny-uncached", config.toBuilder().localDenyCache(false).build());
    noCache.tryAcquire("j");
    assertThat(noCache.tryAcquire("j").source()).isEqualTo(DecisionSource.LIMITER);
    assertThat(noCache.tryAcquire("j").source()).isEqualTo(DecisionSource.LIMITER);
  }

  @ParameterizedTest
  @EnumSource(Algorithm.class)
  void theDenyCacheAnswersExactlyWhatRedisWouldAnswer(Algorithm algorithm) {
    RateLimiterConfig config =
        RateLimiterConfig.builder()
            .algorithm(algorithm)
            .limit(5, Duration.ofSeconds(1))
            .limit(12, Duration.ofSeconds(5))
            .build();
    RateLimiter cached = create("cached", config);
    RateLimiter truth = create("truth", config.toBuilder().localDenyCache(false).build());
    Random random = new Random(42);
    Duration lastRetry = Duration.ZERO;
    int fromCache = 0;
    for (int i = 0; i < 400; i++) {
      int gap = random.nextInt(6);
      // a client that retries exactly at the retry-after it was given, or soon, or at once
      time.advance(gap == 0 ? lastRetry : Duration.ofMillis(gap == 1 ? 0 : random.nextInt(400)));
      long permits = 1 + random.nextInt(3);
      Decision expected = truth.tryAcquire("k", permits);
      Decision actual = cached.tryAcquire("k", permits);
      String step = "step " + i + " asking " + permits;
      assertThat(actual.allowed()).as(step).isEqualTo(expected.allowed());
      assertThat(actual.limit()).as(step).isEqualTo(expected.limit());
      assertThat(actual.remaining()).as(step).isEqualTo(expected.remaining());
      assertThat(actual.retryAfter()).as(step).isEqualTo(expected.retryAfter());
      assertThat(actual.resetAfter()).as(step).isEqualTo(expected.resetAfter());
      if (actual.source() == DecisionSource.DENY_CACHE) {
        fromCache++;
      }
      if (!actual.allowed()) {
        lastRetry = actual.retryAfter();
      }
    }
    assertThat(fromCache).as("the cache answered some").isPositive();
  }

  @Test
  void theDenyCacheKeepsAtMostATenthOfMaxKeys() {
    RateLimiter limiter =
        create(
            "deny-bound",
            RateLimiterConfig.builder().limit(1, Duration.ofMinutes(1)).maxKeys(100).build());
    for (int i = 0; i < 60; i++) {
      limiter.tryAcquire("k" + i);
      assertThat(limiter.tryAcquire("k" + i).allowed()).isFalse();
    }
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat((Long) limiter.health().details().get("denyCacheKeys"))
                    .isLessThanOrEqualTo(10));
  }

  @ParameterizedTest
  @EnumSource(Algorithm.class)
  void twoNodesSharingALimitAdmitAtMostTheLimitTogether(Algorithm algorithm) throws Exception {
    int limit = 100;
    RateLimiterConfig config =
        RateLimiterConfig.builder()
            .algorithm(algorithm)
            .limit(limit, Duration.ofHours(1))
            .localDenyCache(false)
            .build();
    List<RateLimiter> nodes =
        List.of(
            onServerTime(connector, "shared", config, ManualTimeSource.create()),
            onServerTime(otherNode, "shared", config, ManualTimeSource.create()));
    assertThat(admittedConcurrently(nodes, 8, 40, "hot")).isEqualTo(limit);
  }

  @Test
  void redisDecisionsAreMeteredAndTheRegistryWorksOnRedis() {
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    RateLimiterConfig config =
        RateLimiterConfig.builder().keySpace(keySpace).meterRegistry(meters).build();
    RateLimiterRegistry registry =
        RateLimiterRegistry.create(Optional.of(connector), config)
            .withPolicies(RateLimitPolicy.presets());
    RateLimiter login = registry.get("login");
    for (int i = 0; i < 5; i++) {
      assertThat(login.tryAcquire("ip:203.0.113.7").allowed()).isTrue();
    }
    assertThat(login.tryAcquire("ip:203.0.113.7").source()).isEqualTo(DecisionSource.LIMITER);
    assertThat(login.tryAcquire("ip:203.0.113.7").source()).isEqualTo(DecisionSource.DENY_CACHE);
    assertThat(meters.get(RATELIMIT_REDIS_LATENCY).tag(TAG_LIMITER, "login").timer().count())
        .isEqualTo(6);
    assertThat(meters.get(RATELIMIT_DENY_CACHE_HITS).tag(TAG_LIMITER, "login").counter().count())
        .isEqualTo(1);
    assertThat(
            meters
                .get(RATELIMIT_DECISIONS)
                .tag(TAG_LIMITER, "login")
                .tag(TAG_RESULT, OUTCOME_DENIED)
                .counter()
                .count())
        .isEqualTo(2);
    assertThat(registry.health().status()).isEqualTo(HealthStatus.UP);
    assertThat(keys()).containsExactly(keySpace.prefix() + "{login:ip:203.0.113.7}:log");
    registry.close();
    assertThat(meters.getMeters()).as("closing removes every limiter's meters").isEmpty();
    assertThat(connector.sync().ping()).as("the connector is shared, not owned").isEqualTo("PONG");
  }

  @Test
  void anErrorAnsweredByRedisIsDecidedByTheFailureModeAndDegradesHealth() {
    RateLimiter limiter =
        create(
            "wrongtype",
            RateLimiterConfig.builder()
                .limit(5, Duration.ofMinutes(1))
                .failureMode(FailureMode.FAIL_CLOSED)
                .build());
    assertThat(limiter.tryAcquire("k").allowed()).isTrue();
    String key = keys().get(0);
    connector.sync().del(key);
    connector.sync().set(key, "not a hash");
    Decision d = limiter.tryAcquire("k");
    assertThat(d.source()).isEqualTo(DecisionSource.FAIL_CLOSED);
    assertThat(limiter.health().status()).isEqualTo(HealthStatus.DEGRADED);
    assertThat(limiter.health().details())
        .containsEntry("lastReason", "error")
        .containsKey("unavailableSince");
    assertThat(String.valueOf(limiter.health().details().get("lastError"))).contains("WRONGTYPE");
    connector.sync().del(key);
    assertThat(limiter.tryAcquire("k").source()).isEqualTo(DecisionSource.LIMITER);
    assertThat(limiter.health().status()).isEqualTo(HealthStatus.UP);
  }

  @Test
  void asyncFallbackDecisionsNeverRunOnALettuceIoThread() {
    Set<String> fallbackThreads = ConcurrentHashMap.newKeySet();
    StackWalker stack = StackWalker.getInstance();
    TimeSource recording =
        new TimeSource() {
          private void record() {
            if (stack.walk(
                s -> s.anyMatch(f -> f.getClassName().endsWith(".InMemoryRateLimiter")))) {
              fallbackThreads.add(Thread.currentThread().getName());
            }
          }

          @Override
          public long nanoTime() {
            record();
            return time.nanoTime();
          }

          @Override
          public long currentTimeMillis() {
            record();
            return time.currentTimeMillis();
          }

          @Override
          public Cancellable schedule(Runnable task, long delayNanos) {
            return time.schedule(task, delayNanos);
          }
        };
    RateLimiter limiter =
        RateLimiters.redis(
            connector,
            "io-thread",
            RateLimiterConfig.builder()
                .limit(1000, Duration.ofMinutes(1))
                .failureMode(FailureMode.LOCAL_FALLBACK)
                .keySpace(keySpace)
                .timeSource(recording)
                .serverTime(false)
                .build());
    assertThat(limiter.tryAcquire("k").allowed()).isTrue();
    String key = keys().get(0);
    connector.sync().del(key);
    connector.sync().set(key, "not a hash"); // every decision now fails with an error reply
    for (int i = 0; i < 30; i++) {
      assertThat(limiter.tryAcquireAsync("k", 1).join().source())
          .isEqualTo(DecisionSource.LOCAL_FALLBACK);
    }
    assertThat(fallbackThreads).isNotEmpty().noneMatch(name -> name.startsWith("lettuce"));
    connector.sync().del(key);
  }

  @Test
  void aKeyTooLongForTheKeySpaceFailsNamingThePolicy() {
    RateLimiter limiter = create("long-keys", RateLimiterConfig.of(5, Duration.ofMinutes(1)));
    assertThatThrownBy(() -> limiter.tryAcquire("x".repeat(2000)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("rate limiter 'long-keys'")
        .hasMessageContaining("over the limit of 1024 bytes");
  }

  @Test
  void acquireWaitsOnRealServerTime() {
    RateLimiter limiter =
        onServerTime(
            connector,
            "wait",
            RateLimiterConfig.builder()
                .algorithm(Algorithm.SLIDING_LOG)
                .limit(2, Duration.ofMillis(300))
                .build(),
            TimeSource.system());
    assertThat(limiter.tryAcquire("k", 2).allowed()).isTrue();
    assertThat(limiter.tryAcquire("k").allowed()).isFalse();
    assertThat(limiter.acquire("k", Duration.ofSeconds(5)).allowed()).isTrue();
  }
}
