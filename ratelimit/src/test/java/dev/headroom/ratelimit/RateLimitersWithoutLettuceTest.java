package dev.headroom.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.headroom.core.health.HealthStatus;
import dev.headroom.core.time.ManualTimeSource;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The in-memory limiter on a class path without Lettuce, Netty or Reactor: run by its own surefire
 * execution (see this module's pom.xml), which removes them from the test class path. A limiter or
 * registry that touched a Lettuce class on the way would fail here with {@link
 * NoClassDefFoundError}. The tag keeps it out of the default execution, whose class path has
 * Lettuce.
 */
@Tag("without-lettuce")
class RateLimitersWithoutLettuceTest {

  @Test
  void theClassPathHasNoRedisClient() {
    assertThatThrownBy(() -> Class.forName("io.lettuce.core.RedisClient"))
        .isInstanceOf(ClassNotFoundException.class);
    assertThatThrownBy(() -> Class.forName("io.netty.channel.Channel"))
        .isInstanceOf(ClassNotFoundException.class);
    assertThatThrownBy(() -> Class.forName("reactor.core.publisher.Mono"))
        .isInstanceOf(ClassNotFoundException.class);
  }

  @Test
  void inMemoryLimitersDecideWaitAndMeterWithoutLettuce() {
    ManualTimeSource time = ManualTimeSource.create();
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    RateLimiterConfig config =
        RateLimiterConfig.builder()
            .limit(2, Duration.ofSeconds(10))
            .timeSource(time)
            .meterRegistry(meters)
            .build();

    RateLimiter direct = RateLimiters.inMemory("direct", config);
    assertThat(direct.tryAcquire("k", 2).allowed()).isTrue();
    assertThat(direct.tryAcquire("k").allowed()).isFalse();
    CompletableFuture<Decision> waiting = direct.acquireAsync("k", 1, Duration.ofMinutes(1));
    time.advance(Duration.ofSeconds(20));
    assertThat(waiting.join().allowed()).isTrue();

    RateLimiter picked = RateLimiters.create(Optional.empty(), "picked", config);
    assertThat(picked.tryAcquire("k").allowed()).isTrue();
    assertThat(picked.health().status()).isEqualTo(HealthStatus.UP);
    assertThat(picked.health().details()).containsEntry("backend", "memory");

    try (RateLimiterRegistry registry =
        RateLimiterRegistry.create(Optional.empty(), config)
            .withPolicies(RateLimitPolicy.presets())) {
      assertThat(registry.get("login").tryAcquire("ip:203.0.113.7").remaining()).isEqualTo(4);
      assertThat(registry.health().status()).isEqualTo(HealthStatus.UP);
    }
    direct.close();
    picked.close();
    assertThat(meters.getMeters()).isEmpty();
  }
}
