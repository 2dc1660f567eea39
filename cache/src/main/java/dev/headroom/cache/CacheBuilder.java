package dev.headroom.cache;

import com.github.benmanes.caffeine.cache.Weigher;
import dev.headroom.core.backoff.Backoff;
import dev.headroom.core.backoff.Jitter;
import dev.headroom.core.codec.Codec;
import dev.headroom.core.key.InvalidKeyException;
import dev.headroom.core.key.KeySpace;
import dev.headroom.core.redis.RedisConnector;
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
 * Builds a {@link Cache}. Each setter checks its value at once and fails with
 * {@link IllegalArgumentException} naming the setting, the value and the rule; {@link #build()}
 * checks the combination. Without {@link #redis(RedisConnector)} the cache is L1 only.
 *
 * <pre>{@code
 * Cache<User> users = Cache.builder("users", User.class)
 *     .redis(connector)                 // optional: L2 and cross-process invalidation
 *     .maximumSize(50_000)
 *     .ttl(TtlTier.LONG)
 *     .staleWhileRevalidate(Duration.ofMinutes(1))
 *     .meterRegistry(registry)
 *     .build();
 * }</pre>
 *
 * Not thread-safe; a builder may build several caches (each gets the builder's values at that moment).
 *
 * @param <V> the value type
 */
public final class CacheBuilder<V> {

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

  final String name;
  final Codec<V> codec;
  KeySpace keySpace = KeySpace.of("headroom", "cache");
  long maximumSize = DEFAULT_MAXIMUM_SIZE;
  long maximumWeight = -1;
  @Nullable Weigher<String, ? super V> weigher;
  final EnumMap<TtlTier, Duration> tiers = new EnumMap<>(TtlTier.class);
  @Nullable TtlTier defaultTier = TtlTier.MEDIUM;
  @Nullable Duration defaultTtl;
  Duration maxTtl = DEFAULT_MAX_TTL;
  double jitter = DEFAULT_JITTER;
  Duration negativeTtl = DEFAULT_NEGATIVE_TTL;
  Duration staleWhileRevalidate = Duration.ZERO;
  Duration staleIfError = Duration.ZERO;
  @Nullable Duration l1Ttl;
  @Nullable RedisConnector connector;
  Duration l2Timeout = DEFAULT_L2_TIMEOUT;
  int maxL2ValueBytes = DEFAULT_MAX_L2_VALUE_BYTES;
  int breakerFailures = DEFAULT_BREAKER_FAILURES;
  Duration breakerOpen = DEFAULT_BREAKER_OPEN;
  @Nullable Duration leaseTime;
  @Nullable Duration leaseWait;
  int patternDepth = DEFAULT_PATTERN_DEPTH;
  boolean singleSlot;
  WriteStrategy writeStrategy = WriteStrategy.CACHE_ASIDE;
  @Nullable CacheWriter<V> writer;
  int writeBehindBatch = DEFAULT_WRITE_BEHIND_BATCH;
  Duration writeBehindInterval = DEFAULT_WRITE_BEHIND_INTERVAL;
  int writeBehindMaxPending = DEFAULT_WRITE_BEHIND_MAX_PENDING;
  Backoff writeBehindBackoff = Backoff.exponential(Duration.ofMillis(100), Duration.ofSeconds(5))
      .jitter(Jitter.EQUAL).maxAttempts(5).build();
  @Nullable WriteFailureListener<V> writeFailureListener;
  @Nullable MeterRegistry meterRegistry;
  TimeSource timeSource = TimeSource.system();
  Executor executor = ForkJoinPool.commonPool();

  CacheBuilder(String name, Codec<V> codec) {
    Objects.requireNonNull(name, "name");
    this.codec = Objects.requireNonNull(codec, "codec");
    try {
      KeySpace.of(name);
    } catch (InvalidKeyException e) {
      throw new IllegalArgumentException("cache name '" + name + "' is invalid: " + e.getMessage(), e);
    }
    this.name = name;
    for (TtlTier t : TtlTier.values()) {
      tiers.put(t, t.defaultTtl());
    }
  }

  /** The key space of the Redis keys (default {@code headroom:cache:}); the cache's keys go under {@code <prefix><name>:}. */
  public CacheBuilder<V> keySpace(KeySpace keySpace) {
    this.keySpace = Objects.requireNonNull(keySpace, "keySpace");
    return this;
  }

  /**
   * Bounds L1 to {@code maximumSize} entries (default {@value #DEFAULT_MAXIMUM_SIZE}), evicting by
   * Caffeine's W-TinyLFU. 0 disables L1: every read goes to L2 (a two-level cache only).
   */
  public CacheBuilder<V> maximumSize(long maximumSize) {
    if (maximumSize < 0) {
      throw new IllegalArgumentException("maximumSize must be >= 0, was " + maximumSize);
    }
    this.maximumSize = maximumSize;
    this.maximumWeight = -1;
    this.weigher = null;
    return this;
  }

  /** Bounds L1 by the total weight of its entries, as {@code weigher} weighs them, instead of by count. */
  public CacheBuilder<V> maximumWeight(long maximumWeight, Weigher<String, ? super V> weigher) {
    if (maximumWeight < 1) {
      throw new IllegalArgumentException("maximumWeight must be >= 1, was " + maximumWeight);
    }
    this.weigher = Objects.requireNonNull(weigher, "weigher");
    this.maximumWeight = maximumWeight;
    return this;
  }

  /** The default TTL: that of a tier (default {@link TtlTier#MEDIUM}). */
  public CacheBuilder<V> ttl(TtlTier tier) {
    this.defaultTier = Objects.requireNonNull(tier, "tier");
    this.defaultTtl = null;
    return this;
  }

  /** The default TTL: a duration, positive. */
  public CacheBuilder<V> ttl(Duration ttl) {
    this.defaultTtl = positive("ttl", ttl);
    this.defaultTier = null;
    return this;
  }

  /** Changes the TTL of a tier for this cache. */
  public CacheBuilder<V> tier(TtlTier tier, Duration ttl) {
    Objects.requireNonNull(tier, "tier");
    tiers.put(tier, positive("tier " + tier, ttl));
    return this;
  }

  /** The longest TTL any entry may have (default 7 days); it also bounds how long invalidation markers live in Redis. */
  public CacheBuilder<V> maxTtl(Duration maxTtl) {
    this.maxTtl = positive("maxTtl", maxTtl);
    return this;
  }

  /**
   * Spreads each TTL uniformly within {@code ±fraction} (default 0.10), so entries written
   * together do not expire together; 0 disables it. At most 0.5.
   */
  public CacheBuilder<V> jitter(double fraction) {
    if (!(fraction >= 0 && fraction <= 0.5)) {
      throw new IllegalArgumentException("jitter must be between 0 and 0.5, was " + fraction);
    }
    this.jitter = fraction;
    return this;
  }

  /** How long a loader's "absent" is remembered (default 30 s); {@link Duration#ZERO} disables negative caching. */
  public CacheBuilder<V> negativeTtl(Duration ttl) {
    this.negativeTtl = notNegative("negativeTtl", ttl);
    return this;
  }

  /**
   * For how long after its TTL an entry may still be served by {@code get(key, loader)} while one
   * background reload runs (default 0: off). A plain {@code get(key)} never serves it.
   */
  public CacheBuilder<V> staleWhileRevalidate(Duration window) {
    this.staleWhileRevalidate = notNegative("staleWhileRevalidate", window);
    return this;
  }

  /** For how long after its TTL an entry may be served when the loader fails (default 0: off). */
  public CacheBuilder<V> staleIfError(Duration window) {
    this.staleIfError = notNegative("staleIfError", window);
    return this;
  }

  /** Caps how long an entry stays in L1 (it never outlives L2 anyway); by default L1 keeps it as long as L2. */
  public CacheBuilder<V> l1Ttl(Duration ttl) {
    this.l1Ttl = positive("l1Ttl", ttl);
    return this;
  }

  /** Adds the Redis L2 on this connector (shared, not owned: the cache does not close it). */
  public CacheBuilder<V> redis(RedisConnector connector) {
    this.connector = Objects.requireNonNull(connector, "connector");
    return this;
  }

  /** Whether a connector was set. */
  public boolean hasRedis() {
    return connector != null;
  }

  /** How long a read waits for L2 before it counts as a miss (default 50 ms). */
  public CacheBuilder<V> l2Timeout(Duration timeout) {
    this.l2Timeout = positive("l2Timeout", timeout);
    return this;
  }

  /** Encoded values larger than this stay in L1 only (default 512 KiB), counted as {@code l2TooLarge}. */
  public CacheBuilder<V> maxL2ValueBytes(int bytes) {
    if (bytes < 1) {
      throw new IllegalArgumentException("maxL2ValueBytes must be >= 1, was " + bytes);
    }
    this.maxL2ValueBytes = bytes;
    return this;
  }

  /**
   * The circuit breaker: after {@code failures} consecutive L2 failures (timeouts and lost
   * connections; error replies do not count) it stops sending commands for {@code open}, then lets
   * one probe through (defaults 5 and 1 s).
   */
  public CacheBuilder<V> circuitBreaker(int failures, Duration open) {
    if (failures < 1) {
      throw new IllegalArgumentException("circuitBreaker failures must be >= 1, was " + failures);
    }
    this.breakerOpen = positive("circuitBreaker open", open);
    this.breakerFailures = failures;
    return this;
  }

  /**
   * Enables the cross-process stampede lease: on a miss one process takes a Redis lease of
   * {@code leaseTime} for the key and loads; the others poll L2 for at most {@code maxWait}, then
   * load themselves. Without a connector (L1 only, one process) it has nothing to coordinate and is
   * ignored, so one configuration serves the embedded default and Redis alike.
   */
  public CacheBuilder<V> stampedeLease(Duration leaseTime, Duration maxWait) {
    this.leaseTime = positive("stampedeLease leaseTime", leaseTime);
    this.leaseWait = positive("stampedeLease maxWait", maxWait);
    return this;
  }

  /** How many leading key segments a pattern may name (default 2, from 1 to 4); each costs a generation lookup per L2 key. */
  public CacheBuilder<V> patternDepth(int depth) {
    if (depth < 1 || depth > 4) {
      throw new IllegalArgumentException("patternDepth must be between 1 and 4, was " + depth);
    }
    this.patternDepth = depth;
    return this;
  }

  /**
   * On Redis Cluster, puts every key of this cache in one hash slot, so {@code getAll} is a single
   * {@code MGET} on one node; by default keys spread over the cluster and a multi-key read is split
   * per slot (sent concurrently; about 7× slower for 100 keys on a 3-master cluster, see the
   * README). Use it for small caches read mostly in bulk: the whole cache then lives on one node.
   */
  public CacheBuilder<V> singleSlot(boolean singleSlot) {
    this.singleSlot = singleSlot;
    return this;
  }

  /** Write-through: {@code put} writes with {@code writer} first (see {@link WriteStrategy#WRITE_THROUGH}). */
  public CacheBuilder<V> writeThrough(CacheWriter<V> writer) {
    this.writer = Objects.requireNonNull(writer, "writer");
    this.writeStrategy = WriteStrategy.WRITE_THROUGH;
    return this;
  }

  /** Write-behind with {@code writer} (see {@link WriteStrategy#WRITE_BEHIND}). */
  public CacheBuilder<V> writeBehind(CacheWriter<V> writer) {
    this.writer = Objects.requireNonNull(writer, "writer");
    this.writeStrategy = WriteStrategy.WRITE_BEHIND;
    return this;
  }

  /** Write-behind flushes when {@code batchSize} keys are queued or {@code interval} has passed (defaults 100 and 1 s). */
  public CacheBuilder<V> writeBehindBatching(int batchSize, Duration interval) {
    if (batchSize < 1) {
      throw new IllegalArgumentException("writeBehind batchSize must be >= 1, was " + batchSize);
    }
    this.writeBehindInterval = positive("writeBehind interval", interval);
    this.writeBehindBatch = batchSize;
    return this;
  }

  /** The most distinct keys queued for write-behind (default 10,000); a put beyond it is refused. */
  public CacheBuilder<V> writeBehindMaxPending(int maxPending) {
    if (maxPending < 1) {
      throw new IllegalArgumentException("writeBehind maxPending must be >= 1, was " + maxPending);
    }
    this.writeBehindMaxPending = maxPending;
    return this;
  }

  /** Retries of a failed write-behind batch (default 5 attempts, 100 ms to 5 s, equal jitter). */
  public CacheBuilder<V> writeBehindRetry(Backoff backoff) {
    this.writeBehindBackoff = Objects.requireNonNull(backoff, "backoff");
    return this;
  }

  /** Told about write-behind batches that failed every retry (by default they are logged as errors). */
  public CacheBuilder<V> writeFailureListener(WriteFailureListener<V> listener) {
    this.writeFailureListener = Objects.requireNonNull(listener, "listener");
    return this;
  }

  /** Publishes the cache's meters ({@code headroom.cache.*}, tag {@code cache=<name>}) to this registry. */
  public CacheBuilder<V> meterRegistry(MeterRegistry registry) {
    this.meterRegistry = Objects.requireNonNull(registry, "registry");
    return this;
  }

  /** Whether a meter registry was set. */
  public boolean hasMeterRegistry() {
    return meterRegistry != null;
  }

  /** Where TTLs read the time (default the system clocks); tests pass a {@code ManualTimeSource}. */
  public CacheBuilder<V> timeSource(TimeSource timeSource) {
    this.timeSource = Objects.requireNonNull(timeSource, "timeSource");
    return this;
  }

  /**
   * Runs background reloads, async loads, and the decoding of values read by {@code getAsync(key)}
   * (default the common fork-join pool).
   */
  public CacheBuilder<V> executor(Executor executor) {
    this.executor = Objects.requireNonNull(executor, "executor");
    return this;
  }

  /** The cache's name. */
  public String name() {
    return name;
  }

  /**
   * Builds the cache; with a connector it subscribes to invalidations (retrying in the background
   * while Redis is down: building never fails because of Redis).
   *
   * @throws IllegalArgumentException if the settings contradict each other, naming them
   */
  public Cache<V> build() {
    Duration ttl = defaultTtl != null ? defaultTtl : tiers.get(Objects.requireNonNull(defaultTier));
    for (Map.Entry<TtlTier, Duration> t : tiers.entrySet()) {
      if (t.getValue().compareTo(maxTtl) > 0) {
        throw new IllegalArgumentException("tier " + t.getKey() + " (" + t.getValue() + ") exceeds maxTtl (" + maxTtl + ")");
      }
    }
    if (ttl.compareTo(maxTtl) > 0) {
      throw new IllegalArgumentException("ttl (" + ttl + ") exceeds maxTtl (" + maxTtl + ")");
    }
    if (maximumSize == 0 && connector == null) {
      throw new IllegalArgumentException("maximumSize 0 disables L1, which leaves nothing without a Redis connector");
    }
    if (writeFailureListener != null && writeStrategy != WriteStrategy.WRITE_BEHIND) {
      throw new IllegalArgumentException("writeFailureListener is for write-behind; the strategy is " + writeStrategy);
    }
    return new TwoLevelCache<>(new Settings<>(this, ttl));
  }

  private static Duration positive(String field, Duration value) {
    Objects.requireNonNull(value, field);
    if (value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(field + " must be positive, was " + value);
    }
    return value;
  }

  private static Duration notNegative(String field, Duration value) {
    Objects.requireNonNull(value, field);
    if (value.isNegative()) {
      throw new IllegalArgumentException(field + " must not be negative, was " + value);
    }
    return value;
  }
}
