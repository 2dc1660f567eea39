package dev.headroom.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.headroom.core.codec.Codec;
import dev.headroom.core.health.HealthStatus;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

class CacheRegistryTest {

  @Test
  void createsNamedCachesWithTheRegistryDefaults() {
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    try (CacheRegistry registry = CacheRegistry.create(null, meters)) {
      Cache<String> users = registry.create(Cache.builder("users", Codec.utf8()));
      Cache<Integer> counts = registry.create(Cache.builder("counts", Integer.class));
      users.put("a", "1");
      counts.put("a", 1);
      assertThat(registry.names()).containsExactly("users", "counts");
      assertThat(registry.get("users")).isSameAs(users);
      assertThat(registry.find("nope")).isEmpty();
      assertThat(meters.find("headroom.cache.gets").tag("cache", "counts").meters()).isNotEmpty();
      assertThat(registry.health().status()).isEqualTo(HealthStatus.UP);
      assertThat(registry.name()).isEqualTo("cache");
      assertThat(users.isTwoLevel()).isFalse();
    }
  }

  @Test
  void refusesDuplicatesAndUnknownNames() {
    try (CacheRegistry registry = CacheRegistry.inMemory()) {
      registry.create(Cache.builder("users", Codec.utf8()));
      assertThatThrownBy(() -> registry.create(Cache.builder("users", Codec.utf8())))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'users' is already registered");
      Cache<String> other = Cache.builder("users", Codec.utf8()).build();
      assertThatThrownBy(() -> registry.register(other)).hasMessageContaining("already registered");
      other.close();
      assertThatThrownBy(() -> registry.get("orders")).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("no cache named 'orders'").hasMessageContaining("[users]");
      registry.register(Cache.builder("orders", Codec.utf8()).build());
      assertThat(registry.names()).containsExactly("users", "orders");
    }
  }

  @Test
  void closingTheRegistryClosesItsCachesAndHealthShowsTheWorst() {
    CacheRegistry registry = CacheRegistry.inMemory();
    Cache<String> users = registry.create(Cache.builder("users", Codec.utf8()));
    registry.close();
    assertThat(users.health().status()).isEqualTo(HealthStatus.DOWN);
    assertThat(registry.health().status()).isEqualTo(HealthStatus.DOWN);
    assertThat(registry.health().details()).containsKey("users");
  }
}
