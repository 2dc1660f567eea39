package dev.headroom.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.headroom.core.key.KeySpace;
import dev.headroom.core.time.ManualTimeSource;
import dev.headroom.core.time.TimeSource;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class RateLimiterConfigTest {

  @Test
  void defaultsAreTheDocumentedOnes() {
    RateLimiterConfig d = RateLimiterConfig.ofDefaults();
    assertThat(d.limits()).containsExactly(Limit.perMinute(100));
    assertThat(d.algorithm()).isEqualTo(Algorithm.SLIDING_COUNTER);
    assertThat(d.shadow()).isFalse();
    assertThat(d.failureMode()).isEqualTo(FailureMode.LOCAL_FALLBACK);
    assertThat(d.fallbackShare()).isEqualTo(1.0);
    assertThat(d.redisTimeout()).isEqualTo(Duration.ofMillis(250));
    assertThat(d.localDenyCache()).isTrue();
    assertThat(d.keySpace().prefix()).isEqualTo("headroom:ratelimit:");
    assertThat(d.maxKeys()).as("sized for a service").isEqualTo(100_000);
    assertThat(d.serverTime()).isTrue();
    assertThat(d.meterRegistry()).isEmpty();
    assertThat(d.timeSource()).isSameAs(TimeSource.system());
    assertThat(RateLimiterConfig.builder().algorithm(Algorithm.SLIDING_LOG).build().limits())
        .as("the default limit keeps the chosen algorithm")
        .containsExactly(Limit.perMinute(100));
  }

  @Test
  void badValuesFailAtBuildTimeNamingFieldValueAndRule() {
    assertThatThrownBy(() -> RateLimiterConfig.builder().fallbackShare(0).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("fallbackShare must be in (0, 1], was 0.0");
    assertThatThrownBy(() -> RateLimiterConfig.builder().redisTimeout(Duration.ZERO).build())
        .hasMessage("redisTimeout must be positive, was PT0S");
    assertThatThrownBy(
            () -> RateLimiterConfig.builder().redisTimeout(Duration.ofMinutes(2)).build())
        .hasMessage("redisTimeout must be at most PT1M, was PT2M");
    assertThatThrownBy(() -> RateLimiterConfig.builder().maxKeys(0).build())
        .hasMessage("maxKeys must be at least 1, was 0");
    assertThatThrownBy(() -> RateLimiterConfig.builder().limit(0, Duration.ofMinutes(1)))
        .hasMessage("limits[0].permits must be between 1 and 1099511627776, was 0");
    assertThatThrownBy(() -> RateLimiterConfig.builder().timeSource(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("timeSource must not be null");
  }

  @Test
  void toBuilderCopiesEverySettingAndPolicyReplacesTheLimits() {
    ManualTimeSource time = ManualTimeSource.create();
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    RateLimiterConfig c =
        RateLimiterConfig.builder()
            .algorithm(Algorithm.TOKEN_BUCKET)
            .limit(10, Duration.ofSeconds(1))
            .limit(3, Duration.ofMinutes(1))
            .shadow(true)
            .failureMode(FailureMode.FAIL_CLOSED)
            .fallbackShare(0.5)
            .redisTimeout(Duration.ofMillis(40))
            .localDenyCache(false)
            .keySpace(KeySpace.of("x"))
            .maxKeys(7)
            .serverTime(false)
            .meterRegistry(meters)
            .timeSource(time)
            .build();
    assertThat(c.toBuilder().build()).isEqualTo(c);
    assertThat(c.toBuilder().build().toString()).isEqualTo(c.toString());
    RateLimiterConfig login = c.toBuilder().policy(RateLimitPolicy.presets().get("login")).build();
    assertThat(login.policy()).isEqualTo(RateLimitPolicy.presets().get("login"));
    assertThat(login.failureMode()).isEqualTo(FailureMode.FAIL_CLOSED);
    assertThat(login.timeSource()).isSameAs(time);
    assertThat(RateLimiterConfig.of(5, Duration.ofSeconds(1)).limits())
        .containsExactly(Limit.perSecond(5));
  }
}
