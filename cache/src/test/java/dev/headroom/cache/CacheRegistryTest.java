package dev.headroom.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.headroom.core.codec.Codec;
import dev.headroom.core.health.HealthStatus;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.NoSuchElementException;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class CacheRegistryTest {

  @Test
  void createsNamedCachesOnceAndAnswersThemByName() {
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    try (CacheRegistry registry = CacheRegistry.create(Optional.empty())) {
      Cache<String> users =
          registry.getOrCreate(
              "users", CacheConfig.builder(Codec.utf8()).meterRegistry(meters).build());
      Cache<Integer> counts =
          registry.getOrCreate(
              "counts", CacheConfig.builder(Integer.class).meterRegistry(meters).build());
      users.put("a", "1");
      counts.put("a", 1);
      assertThat(registry.names()).containsExactly("users", "counts");
      assertThat(registry.get("users")).isSameAs(users);
      assertThat(registry.getOrCreate("users", CacheConfig.ofDefaults(Codec.utf8())))
          .isSameAs(users);
      assertThat(registry.find("nope")).isEmpty();
      assertThat(meters.find("headroom.cache.gets").tag("cache", "counts").meters()).isNotEmpty();
      assertThat(registry.health().status()).isEqualTo(HealthStatus.UP);
      assertThat(registry.name()).isEqualTo("cache");
      assertThat(users.isTwoLevel()).isFalse();
      assertThat(registry.isTwoLevel()).isFalse();
    }
  }

  @Test
  void refusesDuplicatesAndUnknownNames() {
    try (CacheRegistry registry = CacheRegistry.inMemory()) {
      registry.getOrCreate("users", CacheConfig.ofDefaults(Codec.utf8()));
      Cache<String> other = Caches.inMemory("users", CacheConfig.ofDefaults(Codec.utf8()));
      assertThatThrownBy(() -> registry.add("users", other))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("'users' (already taken)");
      other.close();
      Cache<String> orders = Caches.inMemory("orders", CacheConfig.ofDefaults(Codec.utf8()));
      assertThatThrownBy(() -> registry.add("sales", orders))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("name must be the cache's name 'orders', was sales");
      assertThatThrownBy(() -> registry.get("orders"))
          .isInstanceOf(NoSuchElementException.class)
          .hasMessageContaining("no cache named 'orders'")
          .hasMessageContaining("[users]");
      registry.add("orders", orders);
      assertThat(registry.names()).containsExactly("users", "orders");
    }
  }

  @Test
  void removingACacheClosesIt() {
    try (CacheRegistry registry = CacheRegistry.inMemory()) {
      Cache<String> users = registry.getOrCreate("users", CacheConfig.ofDefaults(Codec.utf8()));
      assertThat(registry.remove("users")).isTrue();
      assertThat(users.health().status()).isEqualTo(HealthStatus.DOWN);
      assertThat(registry.names()).isEmpty();
    }
  }

  @Test
  void closingTheRegistryClosesItsCachesAndHealthShowsTheWorst() {
    CacheRegistry registry = CacheRegistry.inMemory();
    Cache<String> users = registry.getOrCreate("users", CacheConfig.ofDefaults(Codec.utf8()));
    registry.close();
    assertThat(users.health().status()).isEqualTo(HealthStatus.DOWN);
    assertThat(registry.health().status()).isEqualTo(HealthStatus.DOWN);
    assertThat(registry.health().details()).containsKey("users");
    assertThatThrownBy(() -> registry.getOrCreate("more", CacheConfig.ofDefaults(Codec.utf8())))
        .isInstanceOf(IllegalStateException.class);
  }
}
