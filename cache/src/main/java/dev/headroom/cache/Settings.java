package dev.headroom.cache;

import com.github.benmanes.caffeine.cache.Weigher;
import dev.headroom.core.backoff.Backoff;
import dev.headroom.core.codec.Codec;
import dev.headroom.core.key.KeySpace;
import dev.headroom.core.redis.RedisConnector;
import dev.headroom.core.time.TimeSource;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.Executor;
import org.jspecify.annotations.Nullable;

/** The immutable settings of one cache, copied from its builder, durations in nanoseconds. */
final class Settings<V> {

  final String name;
  final Codec<V> codec;
  final KeySpace keySpace;
  final long maximumSize;
  final long maximumWeight;
  final @Nullable Weigher<String, ? super V> weigher;
  final Map<TtlTier, Duration> tiers;
  final Duration defaultTtl;
  final Duration maxTtl;
  final double jitter;
  final long negativeTtlNanos;
  final long swrNanos;
  final long sieNanos;
  final long l1TtlNanos;
  final @Nullable RedisConnector connector;
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
  final TimeSource time;
  final Executor executor;

  Settings(CacheBuilder<V> b, Duration defaultTtl) {
    this.name = b.name;
    this.codec = b.codec;
    this.keySpace = b.keySpace;
    this.maximumSize = b.maximumSize;
    this.maximumWeight = b.maximumWeight;
    this.weigher = b.weigher;
    this.tiers = new EnumMap<>(b.tiers);
    this.defaultTtl = defaultTtl;
    this.maxTtl = b.maxTtl;
    this.jitter = b.jitter;
    this.negativeTtlNanos = b.negativeTtl.toNanos();
    this.swrNanos = b.staleWhileRevalidate.toNanos();
    this.sieNanos = b.staleIfError.toNanos();
    this.l1TtlNanos = b.l1Ttl == null ? Long.MAX_VALUE : b.l1Ttl.toNanos();
    this.connector = b.connector;
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
    this.time = b.timeSource;
    this.executor = b.executor;
  }

  /** The longest an entry may live in L2: the maximum TTL with jitter, plus the stale windows. */
  Duration longestLife() {
    long ttl = maxTtl.toNanos();
    long jittered = ttl + (long) (ttl * jitter) + 1;
    return Duration.ofNanos(saturatedAdd(jittered, Math.max(swrNanos, sieNanos)));
  }

  static long saturatedAdd(long a, long b) {
    long r = a + b;
    return ((a ^ r) & (b ^ r)) < 0 ? Long.MAX_VALUE : r;
  }
}
