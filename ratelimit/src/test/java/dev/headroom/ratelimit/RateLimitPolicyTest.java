package dev.headroom.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RateLimitPolicyTest {

  @Test
  void badValuesFailAtBuildTimeNamingFieldValueAndRule() {
    assertThatThrownBy(() -> RateLimitPolicy.builder().limit(0, Duration.ofMinutes(1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("limits[0].permits must be between 1 and 1099511627776, was 0");
    assertThatThrownBy(() -> RateLimitPolicy.builder().limit(5, Duration.ZERO))
        .hasMessage("limits[0].window must be at least PT0.001S, was PT0S");
    assertThatThrownBy(() -> RateLimitPolicy.builder().limit(5, Duration.ofNanos(10)))
        .hasMessageContaining("window must be at least");
    assertThatThrownBy(() -> RateLimitPolicy.builder().limit(5, Duration.ofSeconds(-1)))
        .hasMessageContaining("was PT-1S");
    assertThatThrownBy(() -> RateLimitPolicy.builder().build())
        .hasMessage("limits must hold at least one limit, was []");
    assertThatThrownBy(
            () ->
                RateLimitPolicy.builder()
                    .limit(5, Duration.ofMinutes(1))
                    .limit(6, Duration.ofMinutes(1))
                    .build())
        .hasMessage(
            "limits[1].window must differ from the window of limits[0] (5/PT1M) by at least a"
                + " microsecond; keep the stricter limit, was PT1M");
    // Redis keys a limit's state by its window in whole microseconds: these two would share one
    assertThatThrownBy(
            () ->
                RateLimitPolicy.builder()
                    .algorithm(Algorithm.TOKEN_BUCKET)
                    .limit(5, Duration.ofSeconds(1))
                    .limit(10, Duration.ofSeconds(1).plusNanos(999))
                    .build())
        .hasMessageContaining("limits[1].window must differ from the window of limits[0]")
        .hasMessageContaining("by at least a microsecond");
    assertThat(
            RateLimitPolicy.builder()
                .limit(5, Duration.ofSeconds(1))
                .limit(10, Duration.ofSeconds(1).plusNanos(1000))
                .build()
                .limits())
        .hasSize(2);
    assertThatThrownBy(
            () ->
                RateLimitPolicy.builder()
                    .algorithm(Algorithm.TOKEN_BUCKET)
                    .limit(2_000_000, Duration.ofMillis(1))
                    .build())
        .hasMessage(
            "limits[0] must refill at most one permit per nanosecond, the token bucket's resolution; use a"
                + " longer window, was 2000000/PT0.001S");
    assertThatThrownBy(() -> RateLimitPolicy.builder().algorithm(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("algorithm must not be null");
  }

  @Test
  void presetsAreTheDocumentedOnesInOrder() {
    assertThat(RateLimitPolicy.presets())
        .containsOnlyKeys("api", "strict", "login", "ai", "payment");
    assertThat(RateLimitPolicy.presets().keySet())
        .containsExactly("api", "strict", "login", "ai", "payment");
    assertThat(RateLimitPolicy.presets().values())
        .extracting(p -> p.limits().get(0))
        .containsExactly(
            Limit.perMinute(100),
            Limit.perMinute(20),
            Limit.of(5, Duration.ofMinutes(15)),
            Limit.perMinute(30),
            Limit.perMinute(10));
    assertThat(RateLimitPolicy.presets().values())
        .extracting(RateLimitPolicy::algorithm)
        .containsExactly(
            Algorithm.SLIDING_COUNTER,
            Algorithm.SLIDING_LOG,
            Algorithm.SLIDING_LOG,
            Algorithm.SLIDING_COUNTER,
            Algorithm.SLIDING_LOG);
    assertThatThrownBy(() -> RateLimitPolicy.presets().clear())
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void toBuilderCopiesAndScaledRoundsDownToAtLeastOne() {
    RateLimitPolicy p =
        RateLimitPolicy.builder()
            .algorithm(Algorithm.TOKEN_BUCKET)
            .limit(10, Duration.ofSeconds(1))
            .limit(3, Duration.ofMinutes(1))
            .build();
    assertThat(p.toBuilder().build()).isEqualTo(p);
    assertThat(p.scaled(0.25).limits())
        .containsExactly(Limit.of(2, Duration.ofSeconds(1)), Limit.of(1, Duration.ofMinutes(1)));
    assertThat(p.scaled(0.25).algorithm()).isEqualTo(Algorithm.TOKEN_BUCKET);
    assertThat(p.longestWindow()).isEqualTo(Duration.ofMinutes(1));
    assertThat(p.smallestPermits()).isEqualTo(3);
  }
}
