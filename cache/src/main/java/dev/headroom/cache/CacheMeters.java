package dev.headroom.cache;

import dev.headroom.cache.redis.RedisTier;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.ToDoubleFunction;

/**
 * The meters of one cache, all tagged {@code cache=<name>}. Counters are function counters over
 * the cache's LongAdders, so a get costs no meter work; only load times use a Timer (loads are
 * slow anyway). Names and tags are the contract monitoring reads: {@code headroom.cache.gets} with
 * {@code result} = {@code hit}|{@code miss} and {@code level} = {@code l1}|{@code l2} (a miss is
 * tagged with the last level asked), each read counted exactly once.
 */
final class CacheMeters implements AutoCloseable {

  static final String GETS = "headroom.cache.gets";

  private final MeterRegistry registry;
  private final List<Meter> meters = new ArrayList<>();
  final Timer loadTime;

  CacheMeters(MeterRegistry registry, TwoLevelCache<?> cache) {
    this.registry = registry;
    String name = cache.cacheName();
    RedisTier tier = cache.tier();
    String lastLevel = tier == null ? "l1" : "l2";
    counter(GETS, cache.l1Hits, name, "level", "l1", "result", "hit");
    counter(GETS, cache.l2Hits, name, "level", "l2", "result", "hit");
    counter(GETS, cache.misses, name, "level", lastLevel, "result", "miss");
    counter("headroom.cache.loads", cache.loads, name, "result", "success");
    counter("headroom.cache.loads", cache.loadFailures, name, "result", "failure");
    counter("headroom.cache.stale.served", cache.staleServed, name);
    counter("headroom.cache.evictions", cache.evictions, name);
    counter("headroom.cache.l2.skipped", cache.tooLarge, name, "reason", "too_large");
    gauge("headroom.cache.size", cache, c -> c.l1Size(), name, "level", "l1");
    gauge("headroom.cache.hit.rate", cache, c -> ratio(c.l1Hits.sum(), c.l1Hits.sum() + c.l2Hits.sum() + c.misses.sum()),
        name, "level", "l1");
    gauge("headroom.cache.hit.rate", cache, c -> ratio(c.l1Hits.sum() + c.l2Hits.sum(),
        c.l1Hits.sum() + c.l2Hits.sum() + c.misses.sum()), name, "level", "all");
    if (tier != null) {
      gauge("headroom.cache.hit.rate", cache, c -> ratio(c.l2Hits.sum(), c.l2Hits.sum() + c.misses.sum()),
          name, "level", "l2");
      fn("headroom.cache.l2.errors", tier, RedisTier::errors, name);
      fn("headroom.cache.l2.skipped", tier, RedisTier::skipped, name, "reason", "breaker_open");
      fn("headroom.cache.l2.corrupt", tier, RedisTier::corrupt, name);
      fn("headroom.cache.invalidations", tier, RedisTier::sent, name, "direction", "sent");
      fn("headroom.cache.invalidations", tier, RedisTier::received, name, "direction", "received");
      fn("headroom.cache.invalidation.gaps", tier, RedisTier::gaps, name);
      gauge("headroom.cache.l2.available", tier, t -> t.breakerState() == dev.headroom.cache.redis.CircuitBreaker.State.CLOSED ? 1 : 0, name);
    }
    WriteBehind<?> wb = cache.writeBehind();
    if (wb != null) {
      gauge("headroom.cache.writebehind.queue", wb, WriteBehind::pending, name);
      fn("headroom.cache.writebehind.failures", wb, WriteBehind::failures, name);
    }
    this.loadTime = Timer.builder("headroom.cache.load.duration").tag("cache", name)
        .description("Time spent in loaders").register(registry);
    meters.add(loadTime);
  }

  private static double ratio(long part, long whole) {
    return whole == 0 ? Double.NaN : (double) part / whole;
  }

  private void counter(String meter, LongAdder adder, String cache, String... tags) {
    fn(meter, adder, LongAdder::sum, cache, tags);
  }

  private <T> void fn(String meter, T obj, ToDoubleFunction<T> f, String cache, String... tags) {
    meters.add(FunctionCounter.builder(meter, obj, f).tag("cache", cache).tags(tags).register(registry));
  }

  private <T> void gauge(String meter, T obj, ToDoubleFunction<T> f, String cache, String... tags) {
    meters.add(Gauge.builder(meter, obj, f).tag("cache", cache).tags(tags).register(registry));
  }

  @Override
  public void close() {
    meters.forEach(registry::remove);
  }
}
