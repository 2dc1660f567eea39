package dev.headroom.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.headroom.core.health.HealthStatus;
import dev.headroom.core.time.ManualTimeSource;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class RateLimiterRegistryTest {

  @Test
  void startsWithTheDefaultsAndLetsUsersAddAndOverride() {
    RateLimiterRegistry registry = RateLimiterRegistry.builder(RateLimiters::inMemory)
        .policy(RateLimitPolicy.of("login", 3, Duration.ofMinutes(1)))
        .policy(RateLimitPolicy.of("search", 50, Duration.ofSeconds(1)))
        .build();
    assertThat(registry.names()).containsExactly("api", "strict", "login", "ai", "payment", "search");
    assertThat(registry.get("login").policy().limits()).containsExactly(Limit.perMinute(3));
    assertThat(registry.find("nope")).isEmpty();
    assertThatThrownBy(() -> registry.get("nope")).hasMessageContaining("'nope'").hasMessageContaining("search");
    assertThat(registry.health().status()).isEqualTo(HealthStatus.UP);
    assertThat(RateLimiterRegistry.inMemory().get("login").policy().limits())
        .containsExactly(Limit.of(5, Duration.ofMinutes(15)));
  }

  @Test
  void withoutDefaultsKeepsOnlyOwnPolicies() {
    RateLimiterRegistry registry = RateLimiterRegistry.builder(RateLimiters::inMemory)
        .policy(RateLimitPolicy.of("api", 7, Duration.ofSeconds(1)))
        .policy(RateLimitPolicy.of("x", 1, Duration.ofSeconds(1)))
        .withoutDefaults().build();
    assertThat(registry.names()).containsExactly("api", "x");
    assertThat(registry.policies()).extracting(p -> p.limits().get(0).permits()).containsExactly(7L, 1L);
  }

  @Test
  void decisionsAreCountedByOutcomeAndPolicy() {
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    RateLimiterOptions options = RateLimiterOptions.builder().meterRegistry(meters)
        .timeSource(ManualTimeSource.create()).build();
    RateLimiter strict = RateLimiters.inMemory(RateLimitPolicy.of("m", 1, Duration.ofMinutes(1)), options);
    RateLimiter shadow = RateLimiters.inMemory(RateLimitPolicy.builder("s").limit(1, Duration.ofMinutes(1)).shadow(true)
        .build(), options);
    strict.tryAcquire("k");
    strict.tryAcquire("k");
    strict.tryAcquire("k");
    shadow.tryAcquire("k");
    shadow.tryAcquire("k");
    assertThat(count(meters, "m", "allowed")).isEqualTo(1);
    assertThat(count(meters, "m", "denied")).isEqualTo(2);
    assertThat(count(meters, "s", "allowed")).isEqualTo(1);
    assertThat(count(meters, "s", "shadow_denied")).isEqualTo(1);
    assertThat(count(meters, "s", "denied")).isZero();
  }

  private static double count(SimpleMeterRegistry meters, String policy, String outcome) {
    return meters.get("headroom.ratelimit.decisions").tag("policy", policy).tag("outcome", outcome).counter().count();
  }
}
