package dev.headroom.ratelimit;

import static dev.headroom.core.metrics.HeadroomMeters.OUTCOME_ALLOWED;
import static dev.headroom.core.metrics.HeadroomMeters.OUTCOME_DENIED;
import static dev.headroom.core.metrics.HeadroomMeters.OUTCOME_SHADOW_DENIED;
import static dev.headroom.core.metrics.HeadroomMeters.RATELIMIT_DECISIONS;
import static dev.headroom.core.metrics.HeadroomMeters.TAG_LIMITER;
import static dev.headroom.core.metrics.HeadroomMeters.TAG_RESULT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.headroom.core.health.HealthStatus;
import dev.headroom.core.registry.RegistryListener;
import dev.headroom.core.time.ManualTimeSource;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RateLimiterRegistryTest {

  private final RateLimiterConfig config =
      RateLimiterConfig.builder().timeSource(ManualTimeSource.create()).build();

  @Test
  void startsEmptyAndHoldsPresetsOnlyWhenAsked() {
    RateLimiterRegistry empty = RateLimiterRegistry.create(Optional.empty(), config);
    assertThat(empty.names()).isEmpty();

    RateLimiterRegistry registry = RateLimiterRegistry.inMemory(config);
    registry.getOrCreate("login", RateLimitPolicy.of(3, Duration.ofMinutes(1)));
    registry.withPolicies(RateLimitPolicy.presets());
    registry.getOrCreate("search", RateLimitPolicy.of(50, Duration.ofSeconds(1)));
    assertThat(registry.names())
        .containsExactly("login", "api", "strict", "ai", "payment", "search");
    assertThat(registry.get("login").config().limits())
        .as("a name already held keeps its limiter")
        .containsExactly(Limit.perMinute(3));
    assertThat(registry.get("payment").config().policy())
        .isEqualTo(RateLimitPolicy.presets().get("payment"));
    assertThat(registry.get("payment").config().timeSource()).isSameAs(config.timeSource());
    assertThat(registry.get("payment").name()).isEqualTo("payment");
    assertThat(registry.find("nope")).isEmpty();
    assertThatThrownBy(() -> registry.get("nope"))
        .isInstanceOf(NoSuchElementException.class)
        .hasMessageContaining("'nope'")
        .hasMessageContaining("search");
    assertThat(registry.health().status()).isEqualTo(HealthStatus.UP);
    assertThat(registry.getOrCreate("other").config()).isSameAs(config);
  }

  @Test
  void closingTheRegistryClosesItsLimitersAndRemovesTheirMeters() {
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    RateLimiterRegistry registry =
        RateLimiterRegistry.inMemory(config.toBuilder().meterRegistry(meters).build());
    List<String> events = new ArrayList<>();
    registry.addListener(
        new RegistryListener<>() {
          @Override
          public void added(String name, RateLimiter limiter) {
            events.add("+" + name);
          }

          @Override
          public void removed(String name, RateLimiter limiter) {
            events.add("-" + name);
          }
        });
    RateLimiter a = registry.getOrCreate("a");
    registry.getOrCreate("b").tryAcquire("k");
    assertThat(meters.find(RATELIMIT_DECISIONS).tag(TAG_LIMITER, "b").counters()).hasSize(3);
    registry.close();
    assertThat(events).containsExactly("+a", "+b", "-b", "-a");
    assertThat(meters.getMeters()).isEmpty();
    assertThatThrownBy(() -> a.tryAcquire("k")).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void twoLiveLimitersWithOneNameCannotShareAMeterRegistry() {
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    RateLimiterConfig metered = config.toBuilder().meterRegistry(meters).build();
    RateLimiter first = RateLimiters.inMemory("dup", metered);
    assertThatThrownBy(() -> RateLimiters.inMemory("dup", metered))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'dup'")
        .hasMessageContaining("unique");
    RateLimiters.inMemory("dup", config).close();
    first.close();
    RateLimiters.inMemory("dup", metered).tryAcquire("k");
    assertThat(
            meters
                .get(RATELIMIT_DECISIONS)
                .tag(TAG_LIMITER, "dup")
                .tag(TAG_RESULT, OUTCOME_ALLOWED)
                .counter()
                .count())
        .isEqualTo(1);
  }

  @Test
  void badNamesFailNamingTheRule() {
    assertThatThrownBy(() -> RateLimiters.inMemory("has space", config))
        .hasMessage(
            "name must be 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit,"
                + " was 'has space'");
    assertThatThrownBy(() -> RateLimiters.inMemory("{tag}", config))
        .hasMessageContaining("'{tag}'");
    assertThatThrownBy(() -> RateLimiters.inMemory(null, config))
        .isInstanceOf(NullPointerException.class);
  }

  @Test
  void decisionsAreCountedByOutcomeAndLimiter() {
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    RateLimiterConfig options =
        config.toBuilder().meterRegistry(meters).limit(1, Duration.ofMinutes(1)).build();
    RateLimiter strict = RateLimiters.inMemory("m", options);
    RateLimiter shadow = RateLimiters.inMemory("s", options.toBuilder().shadow(true).build());
    strict.tryAcquire("k");
    strict.tryAcquire("k");
    strict.tryAcquire("k");
    shadow.tryAcquire("k");
    shadow.tryAcquire("k");
    assertThat(count(meters, "m", OUTCOME_ALLOWED)).isEqualTo(1);
    assertThat(count(meters, "m", OUTCOME_DENIED)).isEqualTo(2);
    assertThat(count(meters, "s", OUTCOME_ALLOWED)).isEqualTo(1);
    assertThat(count(meters, "s", OUTCOME_SHADOW_DENIED)).isEqualTo(1);
    assertThat(count(meters, "s", OUTCOME_DENIED)).isZero();
    strict.close();
    assertThat(meters.find(RATELIMIT_DECISIONS).tag(TAG_LIMITER, "m").counters()).isEmpty();
    assertThat(meters.find(RATELIMIT_DECISIONS).tag(TAG_LIMITER, "s").counters()).hasSize(3);
  }

  private static double count(SimpleMeterRegistry meters, String limiter, String outcome) {
    return meters
        .get(RATELIMIT_DECISIONS)
        .tag(TAG_LIMITER, limiter)
        .tag(TAG_RESULT, outcome)
        .counter()
        .count();
  }
}
