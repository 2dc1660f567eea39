package dev.headroom.cache;

import com.github.benmanes.caffeine.cache.Weigher;
import dev.headroom.core.backoff.Backoff;
import dev.headroom.core.backoff.Jitter;
import dev.headroom.core.codec.Codec;
import dev.headroom.core.codec.JsonCodec;
import dev.headroom.core.config.Require;
import dev.headroom.core.key.KeySpace;
import dev.headroom.core.time.TimeSource;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import org.jspecify.annotations.Nullable;

/**
 * The configuration of a {@link Cache}: how its values are encoded for Redis, how large L1 may
 * grow, TTLs, stale windows, the L2 timeout and circuit breaker, the stampede lease, the write
 * strategy, the meter registry and the time source. Immutable and thread-safe; made with {@link
 * #builder(Class)} or {@link #builder(Codec)}, copied with {@link #toBuilder()}, and checked when
 * built: a bad value fails there with an {@link IllegalArgumentException} naming the field, the
 * value and the rule.
 *
 * <pre>{@code
 * CacheConfig<User> config = CacheConfig.builder(User.class)
 *     .maximumSize(50_000)
 *     .ttl(TtlTier.LONG)
 *     .staleWhileRevalidate(Duration.ofMinutes(1))
 *     .meterRegistry(registry)
 *     .build();
 * }</pre>
 *
 * The same configuration serves an L1-only and a two-level cache: settings of L2 (timeout, breaker,
 * lease, pattern depth, single slot) are ignored without Redis.
 *
 * @param <V> the value type
 */
public final class CacheConfig<V> {

  /** Default L1 bound: 10,000 entries. */
  public static final long DEFAULT_MAXIMUM_SIZE = 10_000;

  /** Default TTL jitter: ±10 %. */
  public static final double DEFAULT_JITTER = 0.10;

  /** Default TTL of a cached "absent": 30 seconds. */
  public static final Duration DEFAULT_NEGATIVE_TTL = Duration.ofSeconds(30);

  /** Default longest TTL a put may ask for: 7 days. */
  public static final Duration DEFAULT_MAX_TTL = Duration.ofDays(7);

  /** Default deadline of an L2 read before it counts as a miss: 50 ms. */
  public static final Duration DEFAULT_L2_TIMEOUT = Duration.ofMillis(50);

  /** Default largest encoded value written to L2: 512 KiB. */
  public static final int DEFAULT_MAX_L2_VALUE_BYTES = 512 * 1024;

  /** Default consecutive L2 failures that open the circuit breaker. */
  public static final int DEFAULT_BREAKER_FAILURES = 5;

  /** Default time the breaker stays open before one probe. */
  public static final Duration DEFAULT_BREAKER_OPEN = Duration.ofSeconds(1);

  /** Default number of key segments a pattern may name ({@code user:42:*} has 2). */
  public static final int DEFAULT_PATTERN_DEPTH = 2;

  /** Default write-behind batch size. */
  public static final int DEFAULT_WRITE_BEHIND_BATCH = 100;

  /** Default write-behind flush interval. */
  public static final Duration DEFAULT_WRITE_BEHIND_INTERVAL = Duration.ofSeconds(1);

  /** Default limit of distinct keys queued for write-behind. */
  public static final int DEFAULT_WRITE_BEHIND_MAX_PENDING = 10_000;

  final Codec<V> codec;
  final KeySpace keySpace;
  final long maximumSize;
  final long maximumWeight;
  final @Nullable Weigher<String, ? super V> weigher;
  final Map<TtlTier, Duration> tiers;
  final @Nullable TtlTier defaultTier;
  final Duration defaultTtl;
  final Duration maxTtl;
  final double jitter;
  final Duration negativeTtl;
  final Duration staleWhileRevalidate;
  final Duration staleIfError;
  final @Nullable Duration l1Ttl;
  final Duration l2Timeout;
  final int maxL2ValueBytes;
  final int breakerFailures;
  final Duration breakerOpen;
  final @Nullable Duration leaseTime;
  final @Nullable Duration leaseWait;
  final int patternDepth;
  final boolean singleSlot;
  final WriteStrategy writeStrategy;
  final @Nullable CacheWriter<V> writer;
  final int writeBehindBatch;
  final Duration writeBehindInterval;
  final int writeBehindMaxPending;
  final Backoff writeBehindBackoff;
  final @Nullable WriteFailureListener<V> writeFailureListener;
  final @Nullable MeterRegistry meterRegistry;
  final TimeSource timeSource;
  final Executor executor;

  private CacheConfig(Builder<V> b, Duration defaultTtl) {
    this.codec = b.codec;
    this.keySpace = b.keySpace;
    this.maximumSize = b.maximumSize;
    this.maximumWeight = b.maximumWeight;
    this.weigher = b.weigher;
    this.tiers = new EnumMap<>(b.tiers);
    this.defaultTier = b.defaultTier;
    this.defaultTtl = defaultTtl;
    this.maxTtl = b.maxTtl;
    this.jitter = b.jitter;
    this.negativeTtl = b.negativeTtl;
    this.staleWhileRevalidate = b.staleWhileRevalidate;
    this.staleIfError = b.staleIfError;
    this.l1Ttl = b.l1Ttl;
    this.l2Timeout = b.l2Timeout;
    this.maxL2ValueBytes = b.maxL2ValueBytes;
    this.breakerFailures = b.breakerFailures;
    this.breakerOpen = b.breakerOpen;
    this.leaseTime = b.leaseTime;
    this.leaseWait = b.leaseWait;
    this.patternDepth = b.patternDepth;
    this.singleSlot = b.singleSlot;
    this.writeStrategy = b.writeStrategy;
    this.writer = b.writer;
    this.writeBehindBatch = b.writeBehindBatch;
    this.writeBehindInterval = b.writeBehindInterval;
    this.writeBehindMaxPending = b.writeBehindMaxPending;
    this.writeBehindBackoff = b.writeBehindBackoff;
    this.writeFailureListener = b.writeFailureListener;
    this.meterRegistry = b.meterRegistry;
    this.timeSource = b.timeSource;
    this.executor = b.executor;
  }

  /** A builder for values stored in L2 as JSON ({@link JsonCodec}). */
  public static <V> Builder<V> builder(Class<V> type) {
    return new Builder<>(JsonCodec.of(Require.nonNull("type", type)));
  }

  /** A builder for values stored in L2 with {@code codec}. */
  public static <V> Builder<V> builder(Codec<V> codec) {
    return new Builder<>(Require.nonNull("codec", codec));
  }

  /** The defaults, for values stored in L2 as JSON. */
  public static <V> CacheConfig<V> ofDefaults(Class<V> type) {
    return builder(type).build();
  }

  /** The defaults, for values stored in L2 with {@code codec}. */
  public static <V> CacheConfig<V> ofDefaults(Codec<V> codec) {
    return builder(codec).build();
  }

  /** A builder that starts from this configuration. */
  public Builder<V> toBuilder() {
    return new Builder<>(this);
  }

  /** How values are encoded for L2. */
  public Codec<V> codec() {
    return codec;
  }

  /** The key space of the Redis keys. */
  public KeySpace keySpace() {
    return keySpace;
  }

  /** The L1 bound in entries (ignored when bounded by weight). */
  public long maximumSize() {
    return maximumSize;
  }

  /** The default TTL of an entry. */
  public Duration ttl() {
    return defaultTtl;
  }

  /** The TTL of a tier. */
  public Duration ttl(TtlTier tier) {
    return Objects.requireNonNull(tiers.get(Require.nonNull("tier", tier)));
  }

  /** The longest TTL an entry may have. */
  public Duration maxTtl() {
    return maxTtl;
  }

  /** The write strategy. */
  public WriteStrategy writeStrategy() {
    return writeStrategy;
  }

  /** Where meters go, or null for none. */
  public @Nullable MeterRegistry meterRegistry() {
    return meterRegistry;
  }

  /** The clock of every TTL and breaker decision. */
  public TimeSource timeSource() {
    return timeSource;
  }

  // ---- derived, in nanoseconds, for the cache

  long negativeTtlNanos() {
    return negativeTtl.toNanos();
  }

  long swrNanos() {
    return staleWhileRevalidate.toNanos();
  }

  long sieNanos() {
    return staleIfError.toNanos();
  }

  long l1TtlNanos() {
    return l1Ttl == null ? Long.MAX_VALUE : l1Ttl.toNanos();
  }

  /** The longest an entry may live in L2: the maximum TTL with jitter, plus the stale windows. */
  Duration longestLife() {
    long ttl = maxTtl.toNanos();
    long jittered = ttl + (long) (ttl * jitter) + 1;
    return Duration.ofNanos(saturatedAdd(jittered, Math.max(swrNanos(), sieNanos())));
  }

  static long saturatedAdd(long a, long b) {
    long r = a + b;
    return ((a ^ r) & (b ^ r)) < 0 ? Long.MAX_VALUE : r;
  }

  @Override
  public String toString() {
    return "CacheConfig[ttl="
        + defaultTtl
        + ", maximumSize="
        + maximumSize
        + ", writeStrategy="
        + writeStrategy
        + "]";
  }

  /**
   * Builds a {@link CacheConfig}. Setters take any value; {@link #build()} checks them all. Not
   * thread-safe; one builder may build several configurations.
   *
   * @param <V> the value type
   */
  public static final class Builder<V> {

    private final Codec<V> codec;
    private KeySpace keySpace = KeySpace.of("headroom", "cache");
    private long maximumSize = DEFAULT_MAXIMUM_SIZE;
    private long maximumWeight = -1;
    private @Nullable Weigher<String, ? super V> weigher;
    private final EnumMap<TtlTier, Duration> tiers = new EnumMap<>(TtlTier.class);
    private @Nullable TtlTier defaultTier = TtlTier.MEDIUM;
    private @Nullable Duration defaultTtl;
    private Duration maxTtl = DEFAULT_MAX_TTL;
    private double jitter = DEFAULT_JITTER;
    private Duration negativeTtl = DEFAULT_NEGATIVE_TTL;
    private Duration staleWhileRevalidate = Duration.ZERO;
    private Duration staleIfError = Duration.ZERO;
    private @Nullable Duration l1Ttl;
    private Duration l2Timeout = DEFAULT_L2_TIMEOUT;
    private int maxL2ValueBytes = DEFAULT_MAX_L2_VALUE_BYTES;
    private int breakerFailures = DEFAULT_BREAKER_FAILURES;
    private Duration breakerOpen = DEFAULT_BREAKER_OPEN;
    private @Nullable Duration leaseTime;
    private @Nullable Duration leaseWait;
    private int patternDepth = DEFAULT_PATTERN_DEPTH;
    private boolean singleSlot;
    private WriteStrategy writeStrategy = WriteStrategy.CACHE_ASIDE;
    private @Nullable CacheWriter<V> writer;
    private int writeBehindBatch = DEFAULT_WRITE_BEHIND_BATCH;
    private Duration writeBehindInterval = DEFAULT_WRITE_BEHIND_INTERVAL;
    private int writeBehindMaxPending = DEFAULT_WRITE_BEHIND_MAX_PENDING;
    private Backoff writeBehindBackoff =
        Backoff.exponential(Duration.ofMillis(100), Duration.ofSeconds(5))
            .jitter(Jitter.EQUAL)
            .maxAttempts(5)
            .build();
    private @Nullable WriteFailureListener<V> writeFailureListener;
    private @Nullable MeterRegistry meterRegistry;
    private TimeSource timeSource = TimeSource.system();
    private Executor executor = ForkJoinPool.commonPool();

    private Builder(Codec<V> codec) {
      this.codec = codec;
      for (TtlTier t : TtlTier.values()) {
        tiers.put(t, t.defaultTtl());
      }
    }

    private Builder(CacheConfig<V> c) {
      this.codec = c.codec;
      this.keySpace = c.keySpace;
      this.maximumSize = c.maximumSize;
      this.maximumWeight = c.maximumWeight;
      this.weigher = c.weigher;
      this.tiers.putAll(c.tiers);
      this.defaultTier = c.defaultTier;
      this.defaultTtl = c.defaultTier == null ? c.defaultTtl : null;
      this.maxTtl = c.maxTtl;
      this.jitter = c.jitter;
      this.negativeTtl = c.negativeTtl;
      this.staleWhileRevalidate = c.staleWhileRevalidate;
      this.staleIfError = c.staleIfError;
      this.l1Ttl = c.l1Ttl;
      this.l2Timeout = c.l2Timeout;
      this.maxL2ValueBytes = c.maxL2ValueBytes;
      this.breakerFailures = c.breakerFailures;
      this.breakerOpen = c.breakerOpen;
      this.leaseTime = c.leaseTime;
      this.leaseWait = c.leaseWait;
      this.patternDepth = c.patternDepth;
      this.singleSlot = c.singleSlot;
      this.writeStrategy = c.writeStrategy;
      this.writer = c.writer;
      this.writeBehindBatch = c.writeBehindBatch;
      this.writeBehindInterval = c.writeBehindInterval;
      this.writeBehindMaxPending = c.writeBehindMaxPending;
      this.writeBehindBackoff = c.writeBehindBackoff;
      this.writeFailureListener = c.writeFailureListener;
      this.meterRegistry = c.meterRegistry;
      this.timeSource = c.timeSource;
      this.executor = c.executor;
    }

    /**
     * The key space of the Redis keys (default {@code headroom:cache:}); the cache's keys go under
     * {@code <prefix><name>:}.
     */
    public Builder<V> keySpace(KeySpace keySpace) {
      this.keySpace = keySpace;
      return this;
    }

    /**
     * Bounds L1 to {@code maximumSize} entries (default {@value #DEFAULT_MAXIMUM_SIZE}), evicting
     * by Caffeine's W-TinyLFU; at least 0. 0 disables L1: every read goes to L2 (a two-level cache
     * only).
     */
    public Builder<V> maximumSize(long maximumSize) {
      this.maximumSize = maximumSize;
      this.maximumWeight = -1;
      this.weigher = null;
      return this;
    }

    /**
     * Bounds L1 by the total weight of its entries (at least 1), as {@code weigher} weighs them,
     * instead of by count.
     */
    public Builder<V> maximumWeight(long maximumWeight, Weigher<String, ? super V> weigher) {
      this.weigher = Require.nonNull("weigher", weigher);
      this.maximumWeight = maximumWeight;
      return this;
    }

    /** The default TTL: that of a tier (default {@link TtlTier#MEDIUM}). */
    public Builder<V> ttl(TtlTier tier) {
      this.defaultTier = Require.nonNull("tier", tier);
      this.defaultTtl = null;
      return this;
    }

    /** The default TTL: a duration, positive, at most {@link #maxTtl}. */
    public Builder<V> ttl(Duration ttl) {
      this.defaultTtl = ttl;
      this.defaultTier = null;
      return this;
    }

    /** Changes the TTL of a tier for this cache (positive, at most {@link #maxTtl}). */
    public Builder<V> tier(TtlTier tier, Duration ttl) {
      tiers.put(Require.nonNull("tier", tier), ttl);
      return this;
    }

    /**
     * The longest TTL any entry may have (default 7 days); it also bounds how long invalidation
     * markers live in Redis.
     */
    public Builder<V> maxTtl(Duration maxTtl) {
      this.maxTtl = maxTtl;
      return this;
    }

    /**
     * Spreads each TTL uniformly within {@code ±fraction} (default 0.10), so entries written
     * together do not expire together; 0 disables it. At most 0.5.
     */
    public Builder<V> jitter(double fraction) {
      this.jitter = fraction;
      return this;
    }

    /**
     * How long a loader's "absent" is remembered (default 30 s); {@link Duration#ZERO} disables
     * negative caching.
     */
    public Builder<V> negativeTtl(Duration ttl) {
      this.negativeTtl = ttl;
      return this;
    }

    /**
     * For how long after its TTL an entry may still be served by {@code get(key, loader)} while one
     * background reload runs (default 0: off). A plain {@code get(key)} never serves it.
     */
    public Builder<V> staleWhileRevalidate(Duration window) {
      this.staleWhileRevalidate = window;
      return this;
    }

    /** For how long after its TTL an entry may be served when the loader fails (default 0: off). */
    public Builder<V> staleIfError(Duration window) {
      this.staleIfError = window;
      return this;
    }

    /**
     * Caps how long an entry stays in L1 (it never outlives L2 anyway); by default L1 keeps it as
     * long as L2.
     */
    public Builder<V> l1Ttl(Duration ttl) {
      this.l1Ttl = Require.nonNull("l1Ttl", ttl);
      return this;
    }

    /** How long a read waits for L2 before it counts as a miss (default 50 ms). */
    public Builder<V> l2Timeout(Duration timeout) {
      this.l2Timeout = timeout;
      return this;
    }

    /**
     * Encoded values larger than this stay in L1 only (default 512 KiB), counted as {@code
     * l2TooLarge}.
     */
    public Builder<V> maxL2ValueBytes(int bytes) {
      this.maxL2ValueBytes = bytes;
      return this;
    }

    /**
     * The circuit breaker: after {@code failures} consecutive L2 failures (timeouts and lost
     * connections; error replies do not count) it stops sending commands for {@code open}, then
     * lets one probe through (defaults 5 and 1 s).
     */
    public Builder<V> circuitBreaker(int failures, Duration open) {
      this.breakerFailures = failures;
      this.breakerOpen = open;
      return this;
    }

    /**
     * Enables the cross-process stampede lease: on a miss one process takes a Redis lease of {@code
     * leaseTime} for the key and loads; the others poll L2 for at most {@code maxWait}, then load
     * themselves. Without Redis (L1 only, one process) it has nothing to coordinate and is ignored,
     * so one configuration serves the embedded default and Redis alike.
     */
    public Builder<V> stampedeLease(Duration leaseTime, Duration maxWait) {
      this.leaseTime = Require.nonNull("stampedeLease leaseTime", leaseTime);
      this.leaseWait = Require.nonNull("stampedeLease maxWait", maxWait);
      return this;
    }

    /**
     * How many leading key segments a pattern may name (default 2, from 1 to 4); each costs a
     * generation lookup per L2 key.
     */
    public Builder<V> patternDepth(int depth) {
      this.patternDepth = depth;
      return this;
    }

    /**
     * On Redis Cluster, puts every key of this cache in one hash slot, so {@code getAll} is a
     * single {@code MGET} on one node; by default keys spread over the cluster and a multi-key read
     * is split per slot (sent concurrently; about 7× slower for 100 keys on a 3-master cluster, see
     * the README). Use it for small caches read mostly in bulk: the whole cache then lives on one
     * node.
     */
    public Builder<V> singleSlot(boolean singleSlot) {
      this.singleSlot = singleSlot;
      return this;
    }

    /**
     * Write-through: {@code put} writes with {@code writer} first (see {@link
     * WriteStrategy#WRITE_THROUGH}).
     */
    public Builder<V> writeThrough(CacheWriter<V> writer) {
      this.writer = Require.nonNull("writer", writer);
      this.writeStrategy = WriteStrategy.WRITE_THROUGH;
      return this;
    }

    /** Write-behind with {@code writer} (see {@link WriteStrategy#WRITE_BEHIND}). */
    public Builder<V> writeBehind(CacheWriter<V> writer) {
      this.writer = Require.nonNull("writer", writer);
      this.writeStrategy = WriteStrategy.WRITE_BEHIND;
      return this;
    }

    /**
     * Write-behind flushes when {@code batchSize} keys are queued or {@code interval} has passed
     * (defaults 100 and 1 s).
     */
    public Builder<V> writeBehindBatching(int batchSize, Duration interval) {
      this.writeBehindBatch = batchSize;
      this.writeBehindInterval = interval;
      return this;
    }

    /**
     * The most distinct keys queued for write-behind (default 10,000); a put beyond it is refused.
     */
    public Builder<V> writeBehindMaxPending(int maxPending) {
      this.writeBehindMaxPending = maxPending;
      return this;
    }

    /** Retries of a failed write-behind batch (default 5 attempts, 100 ms to 5 s, equal jitter). */
    public Builder<V> writeBehindRetry(Backoff backoff) {
      this.writeBehindBackoff = Require.nonNull("writeBehindRetry", backoff);
      return this;
    }

    /**
     * Told about write-behind batches that failed every retry (by default they are logged as
     * errors).
     */
    public Builder<V> writeFailureListener(WriteFailureListener<V> listener) {
      this.writeFailureListener = Require.nonNull("writeFailureListener", listener);
      return this;
    }

    /**
     * Publishes the cache's meters ({@code headroom.cache.*}, tag {@code cache=<name>}) to this
     * registry (default none).
     */
    public Builder<V> meterRegistry(MeterRegistry registry) {
      this.meterRegistry = Require.nonNull("meterRegistry", registry);
      return this;
    }

    /**
     * Where TTLs and the breaker read the time (default {@link TimeSource#system()}); tests pass a
     * {@code ManualTimeSource}.
     */
    public Builder<V> timeSource(TimeSource timeSource) {
      this.timeSource = Require.nonNull("timeSource", timeSource);
      return this;
    }

    /**
     * Runs background reloads, async loads, and the decoding of values read by {@code
     * getAsync(key)} (default the common fork-join pool).
     */
    public Builder<V> executor(Executor executor) {
      this.executor = Require.nonNull("executor", executor);
      return this;
    }

    /**
     * The configuration.
     *
     * @throws IllegalArgumentException naming the field, its value and the rule it breaks
     * @throws NullPointerException naming a field that is missing
     */
    public CacheConfig<V> build() {
      Require.nonNull("keySpace", keySpace);
      if (weigher != null) {
        Require.positive("maximumWeight", maximumWeight);
      } else {
        Require.nonNegative("maximumSize", maximumSize);
      }
      Require.positive("maxTtl", maxTtl);
      for (Map.Entry<TtlTier, Duration> t : tiers.entrySet()) {
        String field = "tier " + t.getKey();
        Require.positive(field, t.getValue());
        Require.that(
            t.getValue().compareTo(maxTtl) <= 0,
            field,
            t.getValue(),
            "be at most maxTtl (" + maxTtl + ")");
      }
      Duration ttl =
          defaultTtl != null
              ? Require.positive("ttl", defaultTtl)
              : Objects.requireNonNull(
                  tiers.get(Objects.requireNonNull(defaultTier)), "every tier has a duration");
      Require.that(ttl.compareTo(maxTtl) <= 0, "ttl", ttl, "be at most maxTtl (" + maxTtl + ")");
      Require.inRange("jitter", jitter, 0, 0.5);
      Require.nonNegative("negativeTtl", negativeTtl);
      Require.nonNegative("staleWhileRevalidate", staleWhileRevalidate);
      Require.nonNegative("staleIfError", staleIfError);
      if (l1Ttl != null) {
        Require.positive("l1Ttl", l1Ttl);
      }
      Require.positive("l2Timeout", l2Timeout);
      Require.positive("maxL2ValueBytes", maxL2ValueBytes);
      Require.positive("circuitBreaker failures", breakerFailures);
      Require.positive("circuitBreaker open", breakerOpen);
      if (leaseTime != null) {
        Require.positive("stampedeLease leaseTime", leaseTime);
        Require.positive("stampedeLease maxWait", leaseWait);
      }
      Require.inRange("patternDepth", patternDepth, 1, 4);
      Require.positive("writeBehind batchSize", writeBehindBatch);
      Require.positive("writeBehind interval", writeBehindInterval);
      Require.positive("writeBehind maxPending", writeBehindMaxPending);
      Require.that(
          writeFailureListener == null || writeStrategy == WriteStrategy.WRITE_BEHIND,
          "writeFailureListener",
          writeFailureListener,
          "be set only with write-behind (the strategy is " + writeStrategy + ")");
      return new CacheConfig<>(this, ttl);
    }
  }
}
