package dev.headroom.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.headroom.core.codec.Codec;
import dev.headroom.core.key.KeySpace;
import dev.headroom.core.redis.RedisConnector;
import dev.headroom.testkit.RedisServer;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A dedicated Redis that refuses writes ({@code maxmemory 1}, {@code noeviction}): an invalidation
 * it refuses reaches the caller as {@link CacheInvalidationException}, never silently.
 */
class CacheInvalidationRefusedIT {

  private RedisServer server;
  private RedisConnector connector;
  private Cache<String> cache;

  @BeforeEach
  void start() {
    server = RedisServer.start();
    connector = RedisConnector.create(server.uri());
    cache =
        Caches.redis(
            connector,
            "refused",
            CacheConfig.builder(Codec.utf8())
                .keySpace(KeySpace.of("refused"))
                .l2Timeout(Duration.ofSeconds(1))
                .build());
  }

  @AfterEach
  void stop() {
    cache.close();
    connector.close();
    server.close();
  }

  @Test
  void anInvalidationRedisRefusesWithOomThrowsNamingTheCacheAndPattern() {
    cache.put("user:1:name", "old");
    connector.sync().configSet("maxmemory-policy", "noeviction");
    connector.sync().configSet("maxmemory", "1");
    assertThatThrownBy(() -> cache.invalidatePattern("user:1:*"))
        .isInstanceOf(CacheInvalidationException.class)
        .hasMessageContaining("cache 'refused'")
        .hasMessageContaining("invalidatePattern(\"user:1:*\")")
        .hasMessageContaining("OOM")
        .satisfies(
            e -> assertThat(((CacheInvalidationException) e).pattern()).isEqualTo("user:1:*"));
    assertThatThrownBy(() -> cache.clear())
        .isInstanceOf(CacheInvalidationException.class)
        .hasMessageContaining("clear()");
    connector.sync().configSet("maxmemory", "0");
    cache.invalidatePattern("user:1:*");
    cache.clear();
  }
}
