package dev.headroom.ratelimit.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.headroom.core.key.KeySpace;
import dev.headroom.core.redis.RedisConnector;
import dev.headroom.core.redis.RedisTopology;
import dev.headroom.ratelimit.Algorithm;
import dev.headroom.ratelimit.DecisionSource;
import dev.headroom.ratelimit.RateLimiter;
import dev.headroom.ratelimit.RateLimiterConfig;
import dev.headroom.ratelimit.RateLimiterContractTest;
import dev.headroom.ratelimit.RateLimiters;
import dev.headroom.testkit.RedisCluster;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The contract on the testkit's 3-master Redis Cluster: keys of many users land on every master.
 */
class RedisClusterRateLimiterIT extends RateLimiterContractTest {

  private static final AtomicInteger TEST = new AtomicInteger();
  private static RedisCluster cluster;
  private static RedisConnector connector;
  private KeySpace keySpace;

  @BeforeAll
  static void startCluster() {
    cluster = RedisCluster.start();
    connector = RedisConnector.create(cluster.uri());
    connector.sync().ping(); // a limiter never waits past its Redis timeout for a new connection
  }

  @AfterAll
  static void stopCluster() {
    connector.close();
    cluster.close();
  }

  @BeforeEach
  void keySpace() {
    keySpace = KeySpace.of("cluster-it", "t" + TEST.incrementAndGet());
  }

  @Override
  protected RateLimiter create(String name, RateLimiterConfig config) {
    return RateLimiters.redis(
        connector,
        name,
        config.toBuilder()
            .keySpace(keySpace)
            .timeSource(time)
            .serverTime(false)
            // these tests compare Redis's answers: a loaded machine must not turn them into the
            // failure mode's (timeouts have tests of their own)
            .redisTimeout(
                config.redisTimeout().equals(RateLimiterConfig.DEFAULT_REDIS_TIMEOUT)
                    ? Duration.ofSeconds(10)
                    : config.redisTimeout())
            .build());
  }

  @Test
  void runsOnAClusterWithServerTimeForKeysOnEveryMaster() {
    assertThat(connector.topology()).isEqualTo(RedisTopology.CLUSTER);
    RateLimiter limiter =
        RateLimiters.redis(
            connector,
            "spread",
            RateLimiterConfig.builder()
                .algorithm(Algorithm.SLIDING_LOG)
                .limit(1, Duration.ofMinutes(1))
                .limit(2, Duration.ofHours(1))
                .keySpace(keySpace)
                .build());
    for (int i = 0; i < 60; i++) {
      assertThat(limiter.tryAcquire("user-" + i).source()).isEqualTo(DecisionSource.LIMITER);
      assertThat(limiter.tryAcquire("user-" + i).allowed()).isFalse();
    }
    for (var node : cluster.nodes()) {
      try (RedisConnector direct = RedisConnector.create(node.uri())) {
        assertThat(direct.sync().dbsize()).as("keys on %s", node).isPositive();
      }
    }
  }
}
