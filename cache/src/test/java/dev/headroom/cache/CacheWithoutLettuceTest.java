package dev.headroom.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.headroom.core.codec.Codec;
import dev.headroom.core.health.HealthStatus;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The in-memory cache runs with Lettuce, Netty and Reactor absent from the class path: the {@code
 * without-lettuce} surefire execution in this module's POM runs this class alone on such a class
 * path. If anything on the L1-only path loaded a Lettuce class, it would fail here with {@link
 * NoClassDefFoundError}.
 */
class CacheWithoutLettuceTest {

  @Test
  void theClassPathHasNoLettuceNettyOrReactor() {
    for (String name :
        List.of(
            "io.lettuce.core.RedisClient",
            "io.netty.channel.Channel",
            "reactor.core.publisher.Mono")) {
      assertThatThrownBy(() -> Class.forName(name))
          .as(name)
          .isInstanceOf(ClassNotFoundException.class);
    }
  }

  @Test
  void anInMemoryCacheWorksWithoutLettuce() {
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    CacheConfig<String> config = CacheConfig.builder(Codec.utf8()).meterRegistry(meters).build();
    try (Cache<String> users = Caches.inMemory("users", config);
        Cache<String> orders = Caches.create(Optional.empty(), "orders", config)) {
      users.put("user:1", "Ada");
      assertThat(users.get("user:1")).isEqualTo("Ada");
      assertThat(users.get("user:2", k -> "Grace")).isEqualTo("Grace");
      assertThat(users.getAll(List.of("user:1", "user:2")))
          .containsExactly(Map.entry("user:1", "Ada"), Map.entry("user:2", "Grace"));
      users.invalidatePattern("user:*");
      assertThat(users.get("user:1")).isNull();
      assertThat(orders.isTwoLevel()).isFalse();
      assertThat(orders.getAsync("o", k -> "1").join()).isEqualTo("1");
      assertThat(users.health().status()).isEqualTo(HealthStatus.UP);
      assertThat(meters.find("headroom.cache.gets").tag("cache", "users").meters()).isNotEmpty();
    }
  }

  @Test
  void aRegistryWithoutRedisWorksWithoutLettuce() {
    try (CacheRegistry registry = CacheRegistry.create(Optional.empty())) {
      Cache<Integer> counts = registry.getOrCreate("counts", CacheConfig.ofDefaults(Integer.class));
      counts.put("a", 1);
      assertThat(registry.get("counts").get("a")).isEqualTo(1);
      assertThat(registry.health().status()).isEqualTo(HealthStatus.UP);
    }
  }
}
