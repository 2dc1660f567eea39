package dev.headroom.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RateLimitPolicyTest {

  @Test
  void badValuesFailAtBuildTimeNamingPolicyFieldValueAndRule() {
    assertThatThrownBy(() -> RateLimitPolicy.builder("api").limit(0, Duration.ofMinutes(1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("policy 'api': limits[0].permits must be between 1 and 1099511627776, was 0");
    assertThatThrownBy(() -> RateLimitPolicy.builder("api").limit(5, Duration.ZERO))
        .hasMessage("policy 'api': limits[0].window must be at least PT0.001S, was PT0S");
    assertThatThrownBy(() -> RateLimitPolicy.builder("api").limit(5, Duration.ofNanos(10)))
        .hasMessageContaining("window must be at least");
    assertThatThrownBy(() -> RateLimitPolicy.builder("api").limit(5, Duration.ofSeconds(-1)))
        .hasMessageContaining("was PT-1S");
    assertThatThrownBy(() -> RateLimitPolicy.builder("api").build())
        .hasMessage("policy 'api': limits must not be empty; add at least one limit");
    assertThatThrownBy(() -> RateLimitPolicy.builder("api").limit(5, Duration.ofMinutes(1)).limit(6, Duration.ofMinutes(1)))
        .hasMessageContaining("two limits with the same window PT1M");
    assertThatThrownBy(() -> RateLimitPolicy.builder("api").fallbackShare(0)).hasMessage(
        "policy 'api': fallbackShare must be in (0, 1], was 0.0");
    assertThatThrownBy(() -> RateLimitPolicy.builder("api").redisTimeout(Duration.ZERO))
        .hasMessageContaining("redisTimeout must be positive");
    assertThatThrownBy(() -> RateLimitPolicy.builder("fast").algorithm(Algorithm.TOKEN_BUCKET)
        .limit(2_000_000, Duration.ofMillis(1)).build())
        .hasMessage("policy 'fast': limits[0] 2000000/PT0.001S refills faster than one permit per nanosecond,"
            + " the token bucket's resolution; use a longer window");
    assertThatThrownBy(() -> RateLimitPolicy.builder("has space")).hasMessageContaining("'has space'");
    assertThatThrownBy(() -> RateLimitPolicy.builder("{tag}")).hasMessageContaining("policy name");
    assertThatThrownBy(() -> RateLimitPolicy.builder(null)).isInstanceOf(NullPointerException.class);
  }

  @Test
  void defaultsAreTheDocumentedOnes() {
    assertThat(RateLimitPolicy.defaults()).extracting(RateLimitPolicy::name)
        .containsExactly("api", "strict", "login", "ai", "payment");
    assertThat(RateLimitPolicy.defaults()).extracting(p -> p.limits().get(0)).containsExactly(
        Limit.perMinute(100), Limit.perMinute(20), Limit.of(5, Duration.ofMinutes(15)), Limit.perMinute(30),
        Limit.perMinute(10));
  }

  @Test
  void fromCopiesEverySettingAndScaledRoundsDownToAtLeastOne() {
    RateLimitPolicy p = RateLimitPolicy.builder("p").algorithm(Algorithm.TOKEN_BUCKET).limit(10, Duration.ofSeconds(1))
        .limit(3, Duration.ofMinutes(1)).shadow(true).failureMode(FailureMode.FAIL_CLOSED).fallbackShare(0.5)
        .redisTimeout(Duration.ofMillis(40)).localDenyCache(false).build();
    assertThat(p.toBuilder().build()).isEqualTo(p);
    assertThat(RateLimitPolicy.from(p, "q").build().name()).isEqualTo("q");
    assertThat(p.scaled(0.25).limits()).containsExactly(Limit.of(2, Duration.ofSeconds(1)), Limit.of(1, Duration.ofMinutes(1)));
    assertThat(p.longestWindow()).isEqualTo(Duration.ofMinutes(1));
  }
}
