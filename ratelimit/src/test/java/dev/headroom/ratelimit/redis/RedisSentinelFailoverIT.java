package dev.headroom.ratelimit.redis;

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
import dev.headroom.ratelimit.RateLimiters;
import dev.headroom.testkit.RedisSentinel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Limiters on a Sentinel deployment under load while the master is killed and the sentinels promote
 * the replica: during the election each limiter decides with its failure mode (here the local
 * fallback at half the limit), afterwards it decides on Redis again by itself, and over the whole
 * run it admits no more than its limit plus what the fallback allows. The promoted replica holds
 * the state the old master replicated, so a key used up before the failover stays used up.
 */
class RedisSentinelFailoverIT {

  private static final long LIMIT = 100;
  private static final double SHARE = 0.5;

  private static final RedisConnectorOptions FAST =
      RedisConnectorOptions.builder()
          .commandTimeout(Duration.ofSeconds(1))
          .connectTimeout(Duration.ofMillis(300))
          .reconnectDelay(Duration.ofMillis(20), Duration.ofMillis(200))
          .build();

  /** What one limiter decided on the hot key, and on every key, by source. */
  private record Tally(
      Map<DecisionSource, AtomicLong> hotAllowed,
      Map<DecisionSource, AtomicLong> sources,
      AtomicLong hotDeniedByRedis) {
    Tally() {
      this(new ConcurrentHashMap<>(), new ConcurrentHashMap<>(), new AtomicLong());
    }

    void hot(Decision d) {
      any(d);
      if (d.allowed()) {
        hotAllowed.computeIfAbsent(d.source(), s -> new AtomicLong()).incrementAndGet();
      } else if (d.source() == DecisionSource.LIMITER || d.source() == DecisionSource.DENY_CACHE) {
        hotDeniedByRedis.incrementAndGet();
      }
    }

    boolean hotUsedUpOnRedis() {
      return hotDeniedByRedis.get() > 0;
    }

    void any(Decision d) {
      sources.computeIfAbsent(d.source(), s -> new AtomicLong()).incrementAndGet();
    }

    long hotAllowed(DecisionSource source) {
      AtomicLong n = hotAllowed.get(source);
      return n == null ? 0 : n.get();
    }

    long decided(DecisionSource source) {
      AtomicLong n = sources.get(source);
      return n == null ? 0 : n.get();
    }

    long hotAllowedInAll() {
      return hotAllowed.values().stream().mapToLong(AtomicLong::get).sum();
    }
  }

  @Test
  void followsTheFailureModeDuringTheElectionAndNeverAdmitsMoreThanItAllows() throws Exception {
    try (RedisSentinel sentinel = RedisSentinel.start();
        RedisConnector connector = RedisConnector.create(sentinel.uri(), FAST)) {
      // hour-long windows: the test is far shorter, so a bucket refills less than one permit
      Map<Algorithm, RateLimiter> limiters = new EnumMap<>(Algorithm.class);
      for (Algorithm algorithm : List.of(Algorithm.SLIDING_LOG, Algorithm.TOKEN_BUCKET)) {
        limiters.put(
            algorithm,
            RateLimiters.redis(
                connector,
                "failover-" + algorithm.name().toLowerCase(Locale.ROOT),
                RateLimiterConfig.builder()
                    .algorithm(algorithm)
                    .limit(LIMIT, Duration.ofHours(1))
                    .failureMode(FailureMode.LOCAL_FALLBACK)
                    .fallbackShare(SHARE)
                    .redisTimeout(Duration.ofMillis(200))
                    .build()));
      }
      Map<Algorithm, Tally> tallies = new EnumMap<>(Algorithm.class);
      limiters.keySet().forEach(a -> tallies.put(a, new Tally()));
      List<Throwable> thrown = new CopyOnWriteArrayList<>();
      AtomicBoolean running = new AtomicBoolean(true);
      List<Thread> load = new ArrayList<>();
      for (int t = 0; t < 2; t++) {
        int id = t;
        Thread thread =
            new Thread(
                () -> {
                  for (long i = 0; running.get(); i++) {
                    for (Map.Entry<Algorithm, RateLimiter> e : limiters.entrySet()) {
                      try {
                        Tally tally = tallies.get(e.getKey());
                        tally.hot(e.getValue().tryAcquire("hot"));
                        // keys used once each: a round trip to Redis every time (the hot key's
                        // denials come from the deny cache once it is used up)
                        tally.any(e.getValue().tryAcquire("spread-" + id + "-" + i));
                      } catch (RuntimeException ex) {
                        thrown.add(ex);
                      }
                    }
                  }
                },
                "load-" + t);
        thread.start();
        load.add(thread);
      }
      try {
        // used up on Redis before the failover: a call that timed out on a busy machine may have
        // spent a permit on the server while its caller fell back, so count denials, not admissions
        await()
            .atMost(Duration.ofSeconds(20))
            .until(() -> tallies.values().stream().allMatch(Tally::hotUsedUpOnRedis));

        sentinel.killMaster();

        await()
            .atMost(Duration.ofSeconds(15))
            .until(
                () ->
                    limiters.values().stream()
                        .allMatch(
                            l ->
                                l.tryAcquire("after-failover").source() == DecisionSource.LIMITER
                                    && l.health().status() == HealthStatus.UP));
        for (Map.Entry<Algorithm, RateLimiter> e : limiters.entrySet()) {
          // a second instance has no deny cache yet: its answer comes from the new master
          try (RateLimiter fresh =
              RateLimiters.redis(connector, e.getValue().name(), e.getValue().config())) {
            Decision hot = fresh.tryAcquire("hot");
            assertThat(hot.source()).isEqualTo(DecisionSource.LIMITER);
            assertThat(hot.allowed())
                .as("%s: the promoted replica remembers the used-up key (%s)", e.getKey(), hot)
                .isFalse();
          }
        }
      } finally {
        running.set(false);
        for (Thread thread : load) {
          thread.join(5_000);
        }
      }

      assertThat(thrown).as("no call throws because of the failover").isEmpty();
      long fallbackAllowance = (long) Math.floor(LIMIT * SHARE);
      for (Map.Entry<Algorithm, Tally> e : tallies.entrySet()) {
        Tally t = e.getValue();
        String what =
            e.getKey()
                + ": decisions by source "
                + t.sources()
                + ", hot key admitted "
                + t.hotAllowed();
        assertThat(t.decided(DecisionSource.LOCAL_FALLBACK))
            .as("%s: the election was decided by the local fallback", what)
            .isPositive();
        assertThat(t.decided(DecisionSource.FAIL_OPEN) + t.decided(DecisionSource.FAIL_CLOSED))
            .as(what)
            .isZero();
        // a bucket refills LIMIT per hour: one permit takes 36 s, longer than this test's load
        assertThat(t.hotAllowed(DecisionSource.LIMITER)).as(what).isLessThanOrEqualTo(LIMIT);
        assertThat(t.hotAllowed(DecisionSource.LOCAL_FALLBACK))
            .as(what)
            .isLessThanOrEqualTo(fallbackAllowance);
        assertThat(t.hotAllowedInAll()).as(what).isLessThanOrEqualTo(LIMIT + fallbackAllowance);
      }
      limiters.values().forEach(RateLimiter::close);
    }
  }
}
