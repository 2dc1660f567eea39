package dev.headroom.benchmarks;

import dev.headroom.core.key.KeySpace;
import dev.headroom.core.redis.RedisConnector;
import dev.headroom.ratelimit.Algorithm;
import dev.headroom.ratelimit.RateLimiter;
import dev.headroom.ratelimit.RateLimiterConfig;
import dev.headroom.ratelimit.RateLimiters;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;

/**
 * Measures what one rate-limited key costs: heap bytes per key of the in-memory backend (200 000
 * IPv4-address keys, each with one decision, measured as the heap growth after full GCs, key
 * strings included), and Redis bytes per key ({@code MEMORY USAGE}) after one decision and, for the
 * sliding log, after 100.
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar dev.headroom.benchmarks.RateLimitFootprint</pre>
 */
public final class RateLimitFootprint {

  private static final int KEYS = 200_000;

  private RateLimitFootprint() {}

  /** Prints one line per algorithm and backend. */
  public static void main(String[] args) {
    for (Algorithm algorithm : Algorithm.values()) {
      RateLimiterConfig config =
          RateLimiterConfig.builder()
              .algorithm(algorithm)
              .limit(100, Duration.ofMinutes(1))
              .maxKeys(2 * KEYS)
              .build();
      System.out.printf(
          Locale.ROOT, "memory %-16s %6.0f bytes/key%n", algorithm, heapPerKey(config));
    }
    String url = BenchRedis.url();
    try (RedisConnector connector = RedisConnector.create(url)) {
      KeySpace keySpace = KeySpace.of("headroom-footprint");
      for (Algorithm algorithm : Algorithm.values()) {
        RateLimiterConfig config =
            RateLimiterConfig.builder()
                .algorithm(algorithm)
                .limit(100, Duration.ofMinutes(1))
                .localDenyCache(false)
                .keySpace(keySpace)
                .build();
        RateLimiter limiter = RateLimiters.redis(connector, "footprint", config);
        // the documented key layout: <key space>{<limiter>:<key>}:<algorithm code>
        String key = keySpace.taggedKey("footprint:203.0.113.7", ":" + algorithm.code());
        limiter.tryAcquire("203.0.113.7");
        long one = connector.sync().memoryUsage(key);
        String more = "";
        if (algorithm == Algorithm.SLIDING_LOG) {
          for (int i = 0; i < 99; i++) {
            limiter.tryAcquire("203.0.113.7");
          }
          more =
              String.format(
                  Locale.ROOT, ", %d bytes with 100 entries", connector.sync().memoryUsage(key));
        }
        connector.sync().del(key);
        System.out.printf(
            Locale.ROOT, "redis  %-16s %6d bytes/key%s (key %s)%n", algorithm, one, more, key);
        limiter.close();
      }
    }
  }

  private static double heapPerKey(RateLimiterConfig config) {
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    RateLimiter limiter = RateLimiters.inMemory("footprint", config);
    limiter.tryAcquire("warm-up");
    long before = usedAfterGc(memory);
    for (int i = 0; i < KEYS; i++) {
      limiter.tryAcquire("203.0." + (i >> 8) + "." + (i & 255));
    }
    long after = usedAfterGc(memory);
    Number keyCount = (Number) limiter.health().details().get("keys");
    long tracked =
        Objects.requireNonNull(keyCount, "the in-memory limiter reports its keys").longValue();
    if (tracked < KEYS) {
      throw new IllegalStateException("keys were evicted: " + tracked);
    }
    limiter.close();
    // includes the key strings (an IPv4 address, about 56 bytes), which the map holds
    return (double) (after - before) / KEYS;
  }

  private static long usedAfterGc(MemoryMXBean memory) {
    for (int i = 0; i < 4; i++) {
      System.gc();
    }
    return memory.getHeapMemoryUsage().getUsed();
  }
}
