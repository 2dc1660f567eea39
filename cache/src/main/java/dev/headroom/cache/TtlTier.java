package dev.headroom.cache;

import java.time.Duration;

/**
 * Named TTLs, so a service says how long a kind of value may live rather than repeating numbers.
 * The durations are defaults; a cache may change them with {@link CacheConfig.Builder#tier(TtlTier,
 * Duration)}.
 */
public enum TtlTier {
  /** 60 seconds: volatile values (stock levels, presence). */
  SHORT(Duration.ofSeconds(60)),
  /** 5 minutes: the default TTL of a cache. */
  MEDIUM(Duration.ofMinutes(5)),
  /** 1 hour: values that change rarely (profiles, settings). */
  LONG(Duration.ofHours(1)),
  /** 24 hours: reference data. */
  VERY_LONG(Duration.ofHours(24));

  private final Duration defaultTtl;

  TtlTier(Duration defaultTtl) {
    this.defaultTtl = defaultTtl;
  }

  /** The TTL of this tier unless a cache configures another. */
  public Duration defaultTtl() {
    return defaultTtl;
  }
}
