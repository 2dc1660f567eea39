package dev.headroom.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.headroom.core.codec.Codec;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * The contract on the L1-only cache (the embedded default), plus L1 bounds, builder checks and
 * meters.
 */
class InMemoryCacheTest extends CacheContractTest {

  @Override
  protected <V> Cache<V> make(String name, CacheConfig<V> config) {
    return Caches.inMemory(name, config);
  }

  @Test
  void isL1Only() {
    assertThat(cache().isTwoLevel()).isFalse();
    assertThat(cache().health().details()).containsEntry("levels", "l1");
  }

  @Test
  void l1IsBoundedBySize() {
    Cache<String> cache = cache(b -> b.maximumSize(10));
    for (int i = 0; i < 200; i++) {
      cache.put("k" + i, "v");
    }
    Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () -> {
              cache.get("k0");
              return cache.l1Size() <= 10;
            });
    assertThat(cache.stats().evictions()).isGreaterThanOrEqualTo(190);
  }

  @Test
  void l1IsBoundedByWeight() {
    Cache<String> cache = cache(b -> b.maximumWeight(100, (k, v) -> v.length()));
    for (int i = 0; i < 50; i++) {
      cache.put("k" + i, "0123456789");
    }
    Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () -> {
              cache.get("k0");
              return cache.l1Size() <= 10;
            });
  }

  @Test
  void builderRejectsBadValuesNamingThem() {
    CacheConfig<String> ok = CacheConfig.ofDefaults(Codec.utf8());
    assertThatThrownBy(() -> Caches.inMemory("a:b", ok))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("name must be a valid key-space segment, was 'a:b'");
    assertThatThrownBy(() -> Caches.inMemory(null, ok))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("name must not be null");
    assertThatThrownBy(() -> CacheConfig.builder((Codec<String>) null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("codec must not be null");
    assertThatThrownBy(() -> CacheConfig.builder(Codec.utf8()).maximumSize(-1).build())
        .hasMessage("maximumSize must be at least 0, was -1");
    assertThatThrownBy(() -> CacheConfig.builder(Codec.utf8()).jitter(0.7).build())
        .hasMessage("jitter must be between 0.0 and 0.5, was 0.7");
    assertThatThrownBy(() -> CacheConfig.builder(Codec.utf8()).ttl(Duration.ZERO).build())
        .hasMessage("ttl must be positive, was PT0S");
    assertThatThrownBy(
            () -> CacheConfig.builder(Codec.utf8()).negativeTtl(Duration.ofSeconds(-1)).build())
        .hasMessage("negativeTtl must not be negative, was PT-1S");
    assertThatThrownBy(() -> CacheConfig.builder(Codec.utf8()).l2Timeout(null).build())
        .isInstanceOf(NullPointerException.class)
        .hasMessage("l2Timeout must not be null");
    assertThatThrownBy(() -> CacheConfig.builder(Codec.utf8()).patternDepth(5).build())
        .hasMessage("patternDepth must be between 1 and 4, was 5");
    assertThatThrownBy(
            () ->
                CacheConfig.builder(Codec.utf8()).circuitBreaker(0, Duration.ofSeconds(1)).build())
        .hasMessageContaining("circuitBreaker failures");
    assertThatThrownBy(() -> CacheConfig.builder(Codec.utf8()).ttl(Duration.ofDays(8)).build())
        .hasMessage("ttl must be at most maxTtl (PT168H), was PT192H");
    try (Cache<String> l1Only =
        Caches.inMemory(
            "x",
            CacheConfig.builder(Codec.utf8())
                .stampedeLease(Duration.ofSeconds(1), Duration.ofSeconds(1))
                .build())) {
      assertThat(l1Only.get("k", k -> "v"))
          .as("the lease has nothing to coordinate in one process")
          .isEqualTo("v");
    }
    assertThatThrownBy(
            () -> Caches.inMemory("x", CacheConfig.builder(Codec.utf8()).maximumSize(0).build()))
        .hasMessageContaining("0 disables L1");
  }

  @Test
  void publishesTheMetersMonitoringReads() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    Cache<String> cache = cache(b -> b.meterRegistry(registry));
    cache.put("a", "1");
    cache.get("a");
    cache.get("a");
    cache.get("b");
    cache.get("c", k -> "C");
    // What monitoring's MeterReader does: sum headroom.cache.gets by the result tag.
    double hits =
        registry.find("headroom.cache.gets").tag("result", "hit").meters().stream()
            .mapToDouble(m -> ((FunctionCounter) m).count())
            .sum();
    double misses =
        registry.find("headroom.cache.gets").tag("result", "miss").meters().stream()
            .mapToDouble(m -> ((FunctionCounter) m).count())
            .sum();
    assertThat(hits).isEqualTo(2);
    assertThat(misses).isEqualTo(2);
    assertThat(
            registry
                .find("headroom.cache.gets")
                .tags("cache", "contract", "level", "l1", "result", "hit")
                .functionCounter())
        .isNotNull();
    assertThat(
            registry
                .get("headroom.cache.hit.rate")
                .tags("cache", "contract", "level", "all")
                .gauge()
                .value())
        .isEqualTo(0.5);
    assertThat(
            registry
                .get("headroom.cache.loads")
                .tags("result", "success")
                .functionCounter()
                .count())
        .isEqualTo(1);
    assertThat(registry.get("headroom.cache.load.duration").timer().count()).isEqualTo(1);
    cache.close();
    assertThat(registry.getMeters())
        .extracting(Meter::getId)
        .noneMatch(id -> id.getName().startsWith("headroom.cache"));
  }

  @Test
  void aSecondOpenCacheOfOneNameOnOneMeterRegistryIsRefused() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    CacheConfig<String> config = CacheConfig.builder(Codec.utf8()).meterRegistry(registry).build();
    Cache<String> first = Caches.inMemory("users", config);
    assertThatThrownBy(() -> Caches.inMemory("users", config))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("was 'users'");
    first.close();
    Caches.inMemory("users", config).close();
  }
}
