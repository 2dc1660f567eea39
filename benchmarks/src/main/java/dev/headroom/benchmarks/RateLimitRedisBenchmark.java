package dev.headroom.benchmarks;

import dev.headroom.core.key.KeySpace;
import dev.headroom.core.redis.RedisConnector;
import dev.headroom.core.redis.RedisScript;
import dev.headroom.ratelimit.Decision;
import dev.headroom.ratelimit.DecisionSource;
import dev.headroom.ratelimit.Limit;
import dev.headroom.ratelimit.RateLimiter;
import dev.headroom.ratelimit.RateLimiterConfig;
import dev.headroom.ratelimit.RateLimiters;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.distributed.BucketProxy;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.redis.lettuce.Bucket4jLettuce;
import io.github.bucket4j.redis.lettuce.cas.LettuceBasedProxyManager;
import io.lettuce.core.RedisClient;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.redisson.Redisson;
import org.redisson.api.RRateLimiter;
import org.redisson.api.RateType;
import org.redisson.api.RedissonClient;
import org.redisson.config.Config;

/**
 * Rate-limit decisions against a real Redis ({@code REDIS_URL}, else {@code
 * redis://127.0.0.1:6379}), 8 threads each waiting for its answer, keys drawn uniformly from 1000,
 * and a limit so large nothing is denied. Every decision is a network round trip, so this measures
 * round trips per decision and the client-side cost around them.
 *
 * <ul>
 *   <li>{@code headroom}: {@link RateLimiters#redis} with the sliding counter (one {@code
 *       EVALSHA});
 *   <li>{@code raw}: {@code EVALSHA} of {@code return redis.call('INCR', KEYS[1])} through Lettuce,
 *       on the same connection: the floor for one script round trip;
 *   <li>{@code script}: what a user of raw Lettuce must do for the same decision: {@code EVALSHA}
 *       of the very script Headroom runs (its sliding counter, same arguments, same kind of key,
 *       built per call from the user's key) on the same connection, the five-value reply parsed
 *       into a {@link Decision}; so {@code headroom / script} is the client-side cost of the
 *       limiter around the same round trip and the same work in Redis;
 *   <li>{@code bucket4j}: Bucket4j's Lettuce compare-and-swap proxy manager ({@code
 *       tryConsume(1)});
 *   <li>{@code redisson}: Redisson's {@code RRateLimiter.tryAcquire()}.
 * </ul>
 *
 * <pre>java -jar benchmarks/target/benchmarks.jar quick RateLimitRedisBenchmark</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Threads(8)
public class RateLimitRedisBenchmark {

  private static final int KEYS = 1000;

  /** 10^9 per second: one per nanosecond, Bucket4j's highest refill rate. */
  private static final long HUGE = 1_000_000_000L;

  private static final String SET_UP = "setUp() sets the fields of the impl under test";

  /** Which implementation runs. */
  @Param({"headroom", "raw", "script", "bucket4j", "redisson"})
  public String impl;

  private RedisConnector connector;
  // set up for their own impl only
  private @Nullable RateLimiter headroom;
  private @Nullable String rawSha;
  private String @Nullable [][] rawKeys;
  private @Nullable String scriptSha;
  private final Limit scriptLimit = Limit.of(HUGE, Duration.ofSeconds(1));
  private final String[] scriptArgs = {"1", "", Long.toString(HUGE), "1000000"};
  private @Nullable RedisClient bucket4jClient;
  private @Nullable StatefulRedisConnection<byte[], byte[]> bucket4jConnection;
  private BucketProxy @Nullable [] bucket4j;
  private @Nullable RedissonClient redissonClient;
  private RRateLimiter @Nullable [] redisson;
  private String[] keys;

  /** Connects the implementation under test. */
  @Setup
  public void setUp() {
    String url = BenchRedis.url();
    keys = new String[KEYS];
    for (int i = 0; i < KEYS; i++) {
      keys[i] = "user-" + i;
    }
    connector = RedisConnector.create(url);
    switch (impl) {
      case "headroom" -> {
        // the connection opens here, as the peers' does in their set-up, not in the first
        // measured seconds (where the limiter's failure mode would answer until it is open)
        connector.sync().ping();
        RateLimiter limiter =
            RateLimiters.redis(
                connector,
                "bench",
                RateLimiterConfig.builder()
                    .limit(HUGE, Duration.ofSeconds(1))
                    .keySpace(KeySpace.of("headroom-bench"))
                    .build());
        for (int i = 0; i < 1000; i++) {
          if (limiter.tryAcquire(keys[0]).source() == DecisionSource.LIMITER) {
            break;
          }
        }
        headroom = limiter;
      }
      case "raw" -> {
        rawSha = connector.sync().scriptLoad("return redis.call('INCR', KEYS[1])");
        String[][] raw = new String[KEYS][];
        for (int i = 0; i < KEYS; i++) {
          raw[i] = new String[] {"headroom-bench-raw:" + i};
        }
        rawKeys = raw;
      }
      case "script" -> {
        RedisScript script =
            RedisScript.fromClasspath(
                RateLimiter.class,
                "/dev/headroom/ratelimit/redis/prelude.lua",
                "/dev/headroom/ratelimit/redis/sliding_counter.lua");
        scriptSha = connector.sync().scriptLoad(script.body());
      }
      case "bucket4j" -> {
        RedisClient client = RedisClient.create(url);
        bucket4jClient = client;
        StatefulRedisConnection<byte[], byte[]> connection =
            client.connect(ByteArrayCodec.INSTANCE);
        bucket4jConnection = connection;
        LettuceBasedProxyManager<byte[]> manager =
            Bucket4jLettuce.casBasedBuilder(connection)
                .expirationAfterWrite(
                    ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(
                        Duration.ofSeconds(10)))
                .build();
        BucketConfiguration config =
            BucketConfiguration.builder()
                .addLimit(l -> l.capacity(HUGE).refillGreedy(HUGE, Duration.ofSeconds(1)))
                .build();
        BucketProxy[] buckets = new BucketProxy[KEYS];
        bucket4j = buckets;
        for (int i = 0; i < KEYS; i++) {
          buckets[i] =
              manager
                  .builder()
                  .build(
                      ("headroom-bench-bucket4j:" + i).getBytes(StandardCharsets.UTF_8),
                      () -> config);
        }
      }
      case "redisson" -> {
        Config config = new Config();
        config.useSingleServer().setAddress(url);
        RedissonClient client = Redisson.create(config);
        redissonClient = client;
        RRateLimiter[] limiters = new RRateLimiter[KEYS];
        redisson = limiters;
        for (int i = 0; i < KEYS; i++) {
          limiters[i] = client.getRateLimiter("headroom-bench-redisson:" + i);
          limiters[i].trySetRate(RateType.OVERALL, HUGE, Duration.ofSeconds(1));
        }
      }
      default -> throw new IllegalStateException(impl);
    }
  }

  /** Removes the keys that do not expire by themselves and closes the clients. */
  @TearDown
  public void tearDown() {
    if (rawKeys != null) {
      for (String[] k : rawKeys) {
        connector.sync().del(k);
      }
    }
    if (redisson != null) {
      for (RRateLimiter r : redisson) {
        r.delete();
      }
    }
    if (redissonClient != null) {
      redissonClient.shutdown();
    }
    if (bucket4jConnection != null) {
      bucket4jConnection.close();
    }
    if (bucket4jClient != null) {
      bucket4jClient.shutdown();
    }
    connector.close();
  }

  /** Each thread draws its own keys. */
  @State(Scope.Thread)
  public static class Cursor {
    final Random random = new Random();
  }

  /** One decision for a random key. */
  @Benchmark
  public Object decide(Cursor cursor) throws InterruptedException, ExecutionException {
    int k = cursor.random.nextInt(KEYS);
    return switch (impl) {
      case "headroom" -> Objects.requireNonNull(headroom, SET_UP).tryAcquire(keys[k]).allowed();
      case "raw" ->
          connector
              .async()
              .<Long>evalsha(
                  Objects.requireNonNull(rawSha, SET_UP),
                  ScriptOutputType.INTEGER,
                  Objects.requireNonNull(rawKeys, SET_UP)[k])
              .get();
      case "script" -> script(keys[k]).allowed();
      case "bucket4j" -> Objects.requireNonNull(bucket4j, SET_UP)[k].tryConsume(1);
      case "redisson" -> Objects.requireNonNull(redisson, SET_UP)[k].tryAcquire();
      default -> throw new IllegalStateException(impl);
    };
  }

  /**
   * The {@code script} peer: one decision on the sliding-counter script, as a user would write it.
   */
  private Decision script(String key) throws InterruptedException, ExecutionException {
    String[] redisKey = {"headroom-bench-script:{bench:" + key + "}:sc"};
    List<Object> reply =
        connector
            .async()
            .<List<Object>>evalsha(
                Objects.requireNonNull(scriptSha, SET_UP),
                ScriptOutputType.MULTI,
                redisKey,
                scriptArgs)
            .get();
    boolean allowed = (Long) reply.get(0) == 1L;
    return Decision.of(
        allowed,
        "bench",
        scriptLimit,
        Math.max(0, (Long) reply.get(2)),
        Math.max(0, (Long) reply.get(3)) * 1000,
        allowed ? 0 : Math.max(0, (Long) reply.get(4)) * 1000,
        System.currentTimeMillis(),
        DecisionSource.LIMITER);
  }
}
