package dev.headroom.benchmarks;

import dev.headroom.ratelimit.Algorithm;
import dev.headroom.ratelimit.RateLimiter;
import dev.headroom.ratelimit.RateLimiters;
import io.github.bucket4j.Bucket;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import io.github.resilience4j.ratelimiter.RateLimiterRegistry;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;

/**
 * In-process rate-limit decisions, 2 threads, with a limit so large nothing is denied (the cost of
 * saying yes). {@code keys=hot}: every call on one key. {@code keys=zipf100k}: 100 000 keys drawn
 * from a Zipfian distribution (s = 0.99), so a few keys are hot and most are cold.
 *
 * <ul>
 *   <li>{@code headroom}: {@link RateLimiters#inMemory} with the sliding counter (the default);
 *   <li>{@code headroom-log}: the same with the exact sliding log;
 *   <li>{@code bucket4j}: Bucket4j local lock-free buckets ({@code tryConsume(1)}), one per key in
 *       a {@link ConcurrentHashMap} for the many-keys case;
 *   <li>{@code resilience4j}: Resilience4j {@code RateLimiter.acquirePermission()} with no wait,
 *       one per key from its registry for the many-keys case;
 *   <li>{@code guava}: Guava {@code RateLimiter.tryAcquire()} (a smooth token bucket behind one
 *       lock per limiter) at the same rate, one per key in a {@link ConcurrentHashMap} for the
 *       many-keys case.
 * </ul>
 *
 * <pre>java -jar benchmarks/target/benchmarks.jar quick RateLimitLocalBenchmark</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Threads(2)
public class RateLimitLocalBenchmark {

  /**
   * 10^8 per 100 ms: one per nanosecond, Bucket4j's highest refill rate, and far above any
   * throughput here.
   */
  private static final long HUGE = 100_000_000;

  private static final Duration WINDOW = Duration.ofMillis(100);
  private static final int KEYS = 100_000;
  private static final int SAMPLE = 1 << 20;

  /** Which implementation runs. */
  @Param({"headroom", "headroom-log", "bucket4j", "resilience4j", "guava"})
  public String impl;

  /** One hot key, or 100 000 keys with Zipfian popularity. */
  @Param({"hot", "zipf100k"})
  public String keys;

  private RateLimiter headroom;
  private Bucket bucket;
  private ConcurrentHashMap<String, Bucket> buckets;
  private io.github.resilience4j.ratelimiter.RateLimiter r4j;
  private RateLimiterRegistry r4jRegistry;
  private com.google.common.util.concurrent.RateLimiter guava;
  private ConcurrentHashMap<String, com.google.common.util.concurrent.RateLimiter> guavas;
  private String[] sample;

  /** Builds the implementation and the key sample. */
  @Setup
  public void setUp() {
    Algorithm algorithm =
        impl.equals("headroom-log") ? Algorithm.SLIDING_LOG : Algorithm.SLIDING_COUNTER;
    headroom =
        RateLimiters.inMemory(
            "bench",
            dev.headroom.ratelimit.RateLimiterConfig.builder()
                .algorithm(algorithm)
                .limit(HUGE, WINDOW)
                .build());
    bucket = newBucket();
    buckets = new ConcurrentHashMap<>();
    RateLimiterConfig config =
        RateLimiterConfig.custom()
            .limitForPeriod(Integer.MAX_VALUE)
            .limitRefreshPeriod(WINDOW)
            .timeoutDuration(Duration.ZERO)
            .build();
    r4j = io.github.resilience4j.ratelimiter.RateLimiter.of("bench", config);
    r4jRegistry = RateLimiterRegistry.of(config);
    guava = newGuava();
    guavas = new ConcurrentHashMap<>();
    sample =
        keys.equals("hot") ? new String[] {"hot"} : zipfian(KEYS, 0.99, SAMPLE, new Random(42));
  }

  private static Bucket newBucket() {
    return Bucket.builder().addLimit(l -> l.capacity(HUGE).refillGreedy(HUGE, WINDOW)).build();
  }

  /** The same rate as the others: {@code HUGE} permits per {@code WINDOW}. */
  private static com.google.common.util.concurrent.RateLimiter newGuava() {
    return com.google.common.util.concurrent.RateLimiter.create(
        HUGE * (double) TimeUnit.SECONDS.toNanos(1) / WINDOW.toNanos());
  }

  /** Each thread walks the key sample from its own offset. */
  @State(Scope.Thread)
  public static class Cursor {
    int next = new Random().nextInt(SAMPLE);
  }

  /** One decision for the next key. */
  @Benchmark
  public boolean tryAcquire(Cursor cursor) {
    String key = sample.length == 1 ? sample[0] : sample[cursor.next++ & (SAMPLE - 1)];
    return switch (impl) {
      case "headroom", "headroom-log" -> headroom.tryAcquire(key).allowed();
      case "bucket4j" ->
          (sample.length == 1 ? bucket : buckets.computeIfAbsent(key, k -> newBucket()))
              .tryConsume(1);
      case "resilience4j" ->
          (sample.length == 1 ? r4j : r4jRegistry.rateLimiter(key)).acquirePermission();
      case "guava" ->
          (sample.length == 1 ? guava : guavas.computeIfAbsent(key, k -> newGuava())).tryAcquire();
      default -> throw new IllegalStateException(impl);
    };
  }

  /** {@code size} draws from keys {@code k0..k<n-1>} where key i has weight 1 / (i + 1)^s. */
  static String[] zipfian(int n, double s, int size, Random random) {
    double[] cdf = new double[n];
    double sum = 0;
    for (int i = 0; i < n; i++) {
      sum += 1 / Math.pow(i + 1, s);
      cdf[i] = sum;
    }
    String[] names = new String[n];
    for (int i = 0; i < n; i++) {
      names[i] = "user-" + i;
    }
    String[] out = new String[size];
    for (int j = 0; j < size; j++) {
      double u = random.nextDouble() * sum;
      int lo = 0;
      int hi = n - 1;
      while (lo < hi) {
        int mid = (lo + hi) >>> 1;
        if (cdf[mid] >= u) {
          hi = mid;
        } else {
          lo = mid + 1;
        }
      }
      out[j] = names[lo];
    }
    return out;
  }
}
