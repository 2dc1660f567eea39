package dev.headroom.cache;

import static dev.headroom.core.metrics.HeadroomMeters.CACHE_EVICTIONS;
import static dev.headroom.core.metrics.HeadroomMeters.CACHE_GETS;
import static dev.headroom.core.metrics.HeadroomMeters.CACHE_HIT_RATE;
import static dev.headroom.core.metrics.HeadroomMeters.CACHE_INVALIDATIONS;
import static dev.headroom.core.metrics.HeadroomMeters.CACHE_INVALIDATION_GAPS;
import static dev.headroom.core.metrics.HeadroomMeters.CACHE_L2_AVAILABLE;
import static dev.headroom.core.metrics.HeadroomMeters.CACHE_L2_CORRUPT;
import static dev.headroom.core.metrics.HeadroomMeters.CACHE_L2_ERRORS;
import static dev.headroom.core.metrics.HeadroomMeters.CACHE_L2_SKIPPED;
import static dev.headroom.core.metrics.HeadroomMeters.CACHE_LOADS;
import static dev.headroom.core.metrics.HeadroomMeters.CACHE_LOAD_DURATION;
import static dev.headroom.core.metrics.HeadroomMeters.CACHE_SIZE;
import static dev.headroom.core.metrics.HeadroomMeters.CACHE_STALE_SERVED;
import static dev.headroom.core.metrics.HeadroomMeters.CACHE_WRITE_BEHIND_FAILURES;
import static dev.headroom.core.metrics.HeadroomMeters.CACHE_WRITE_BEHIND_QUEUE;
import static dev.headroom.core.metrics.HeadroomMeters.RESULT_HIT;
import static dev.headroom.core.metrics.HeadroomMeters.RESULT_MISS;
import static dev.headroom.core.metrics.HeadroomMeters.TAG_CACHE;
import static dev.headroom.core.metrics.HeadroomMeters.TAG_DIRECTION;
import static dev.headroom.core.metrics.HeadroomMeters.TAG_LEVEL;
import static dev.headroom.core.metrics.HeadroomMeters.TAG_REASON;
import static dev.headroom.core.metrics.HeadroomMeters.TAG_RESULT;

import dev.headroom.cache.redis.RedisTier;
import dev.headroom.core.metrics.InstanceMeters;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.ToDoubleFunction;
import org.jspecify.annotations.Nullable;

/**
 * The meters of one cache, named by core's {@code HeadroomMeters} and tagged {@code cache=<name>},
 * bound through {@link InstanceMeters} (which hold what they read strongly, so a garbage collection
 * never blanks or freezes them) and removed on close. Counters are function counters over the
 * cache's LongAdders, so a get costs no meter work; only load times use a Timer (loads are slow
 * anyway). {@code headroom.cache.gets} carries {@code result} = {@code hit}|{@code miss} and {@code
 * level} = {@code l1}|{@code l2} (a miss is tagged with the last level asked), each read counted
 * exactly once. Without a registry nothing is registered; a second open cache of the same name on
 * one registry is refused.
 */
final class CacheMeters implements AutoCloseable {

  private final InstanceMeters meters;
  private final @Nullable Timer loadTime;

  CacheMeters(@Nullable MeterRegistry registry, TwoLevelCache<?> cache) {
    this.meters = InstanceMeters.of(registry, TAG_CACHE, cache.name());
    if (registry == null) {
      this.loadTime = null;
      return;
    }
    RedisTier tier = cache.tier();
    String lastLevel = tier == null ? "l1" : "l2";
    counter(CACHE_GETS, cache.l1Hits, TAG_LEVEL, "l1", TAG_RESULT, RESULT_HIT);
    counter(CACHE_GETS, cache.l2Hits, TAG_LEVEL, "l2", TAG_RESULT, RESULT_HIT);
    counter(CACHE_GETS, cache.misses, TAG_LEVEL, lastLevel, TAG_RESULT, RESULT_MISS);
    counter(CACHE_LOADS, cache.loads, TAG_RESULT, "success");
    counter(CACHE_LOADS, cache.loadFailures, TAG_RESULT, "failure");
    counter(CACHE_STALE_SERVED, cache.staleServed);
    counter(CACHE_EVICTIONS, cache.evictions);
    counter(CACHE_L2_SKIPPED, cache.tooLarge, TAG_REASON, "too_large");
    gauge(CACHE_SIZE, cache, c -> c.l1Size(), TAG_LEVEL, "l1");
    gauge(
        CACHE_HIT_RATE,
        cache,
        c -> ratio(c.l1Hits.sum(), c.l1Hits.sum() + c.l2Hits.sum() + c.misses.sum()),
        TAG_LEVEL,
        "l1");
    gauge(
        CACHE_HIT_RATE,
        cache,
        c ->
            ratio(
                c.l1Hits.sum() + c.l2Hits.sum(), c.l1Hits.sum() + c.l2Hits.sum() + c.misses.sum()),
        TAG_LEVEL,
        "all");
    if (tier != null) {
      gauge(
          CACHE_HIT_RATE,
          cache,
          c -> ratio(c.l2Hits.sum(), c.l2Hits.sum() + c.misses.sum()),
          TAG_LEVEL,
          "l2");
      fn(CACHE_L2_ERRORS, tier, RedisTier::errors);
      fn(CACHE_L2_SKIPPED, tier, RedisTier::skipped, TAG_REASON, "breaker_open");
      fn(CACHE_L2_CORRUPT, tier, RedisTier::corrupt);
      fn(CACHE_INVALIDATIONS, tier, RedisTier::sent, TAG_DIRECTION, "sent");
      fn(CACHE_INVALIDATIONS, tier, RedisTier::received, TAG_DIRECTION, "received");
      fn(CACHE_INVALIDATION_GAPS, tier, RedisTier::gaps);
      gauge(CACHE_L2_AVAILABLE, tier, t -> t.available() ? 1 : 0);
    }
    WriteBehind<?> wb = cache.writeBehind();
    if (wb != null) {
      gauge(CACHE_WRITE_BEHIND_QUEUE, wb, WriteBehind::pending);
      fn(CACHE_WRITE_BEHIND_FAILURES, wb, WriteBehind::failures);
    }
    this.loadTime =
        meters.register(
            r ->
                Timer.builder(CACHE_LOAD_DURATION)
                    .tags(meters.tags())
                    .description("Time spent in loaders")
                    .register(r));
  }

  /**
   * Refuses a cache whose name an open cache already publishes meters under in {@code registry}:
   * Micrometer would hand it that cache's meters.
   *
   * @throws IllegalStateException naming the cache
   */
  static void refuseDuplicate(@Nullable MeterRegistry registry, String name) {
    if (registry != null && !registry.find(CACHE_GETS).tag(TAG_CACHE, name).meters().isEmpty()) {
      throw new IllegalStateException(
          "name must be unique among the open caches publishing to one meter registry,"
              + " was '"
              + name
              + "' (close the other cache first)");
    }
  }

  /** Records the time a loader took; nothing without a registry. */
  void recordLoad(long nanos) {
    Timer t = loadTime;
    if (t != null) {
      t.record(nanos, TimeUnit.NANOSECONDS);
    }
  }

  private static double ratio(long part, long whole) {
    return whole == 0 ? Double.NaN : (double) part / whole;
  }

  private void counter(String meter, LongAdder adder, String... tags) {
    fn(meter, adder, LongAdder::sum, tags);
  }

  // Both hold obj strongly until close (Micrometer alone would hold a function counter's weakly).
  private <T> void fn(String meter, T obj, ToDoubleFunction<T> f, String... tags) {
    meters.functionCounter(meter, obj, f, b -> b.tags(tags));
  }

  private <T> void gauge(String meter, T obj, ToDoubleFunction<T> f, String... tags) {
    meters.gauge(meter, obj, f, b -> b.tags(tags));
  }

  @Override
  public void close() {
    meters.close();
  }
}
