package dev.headroom.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.headroom.core.codec.Codec;
import dev.headroom.core.key.KeySpace;
import dev.headroom.core.metrics.HeadroomMeters;
import dev.headroom.core.redis.RedisConnector;
import dev.headroom.testkit.RedisExtension;
import dev.headroom.testkit.TestRedis;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.ref.WeakReference;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Meters survive garbage collection: after a GC (proved by a collected canary) the function
 * counters and gauges still read the cache, even one that nothing but its meters holds.
 */
@ExtendWith(RedisExtension.class)
class CacheMetersGcTest {

  /** Builds a cache, uses it, and lets go of it (it stays open: its meters are published). */
  private static void useAndForget(MeterRegistry registry, RedisConnector connector, String space) {
    Cache<String> cache =
        Caches.redis(
            connector,
            "gc",
            CacheConfig.builder(Codec.utf8())
                .keySpace(KeySpace.of(space, "cache"))
                .meterRegistry(registry)
                .build());
    cache.put("k", "v");
    cache.get("k");
    cache.get("absent");
  }

  private static void collectGarbage() {
    WeakReference<Object> canary = new WeakReference<>(new Object());
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () -> {
              System.gc();
              return canary.get() == null;
            });
  }

  @Test
  void metersStillReadTheCacheAfterAGarbageCollection(TestRedis redis) {
    MeterRegistry registry = new SimpleMeterRegistry();
    try (RedisConnector connector = RedisConnector.create(redis.uri())) {
      useAndForget(registry, connector, redis.keyPrefix());
      collectGarbage();
      collectGarbage();
      assertThat(
              registry
                  .get(HeadroomMeters.CACHE_GETS)
                  .tag(HeadroomMeters.TAG_LEVEL, "l1")
                  .functionCounter()
                  .count())
          .isEqualTo(1.0);
      assertThat(
              registry
                  .get(HeadroomMeters.CACHE_INVALIDATIONS)
                  .tag(HeadroomMeters.TAG_DIRECTION, "sent")
                  .functionCounter()
                  .count())
          .isEqualTo(1.0);
      assertThat(registry.get(HeadroomMeters.CACHE_L2_AVAILABLE).gauge().value()).isEqualTo(1.0);
      assertThat(registry.get(HeadroomMeters.CACHE_SIZE).gauge().value()).isEqualTo(1.0);
      for (FunctionCounter c : registry.get(HeadroomMeters.CACHE_GETS).functionCounters()) {
        assertThat(c.count()).isNotNaN();
      }
    }
  }
}
