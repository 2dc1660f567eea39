package dev.headroom.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import dev.headroom.core.time.ManualTimeSource;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RateLimitHeadersTest {

  @Test
  void aCompositeLimiterListsEveryPolicyAndReportsTheBindingOne() {
    ManualTimeSource time = ManualTimeSource.create();
    try (RateLimiter limiter =
        RateLimiters.inMemory(
            "api",
            RateLimiterConfig.builder()
                .limit(2, Duration.ofSeconds(1))
                .limit(1000, Duration.ofHours(1))
                .timeSource(time)
                .build())) {
      RateLimitHeaders headers = RateLimitHeaders.of(limiter);
      assertThat(headers.policyNames()).containsExactly("api-1s", "api-3600s");

      Decision ok = limiter.tryAcquire("k");
      long t = (ok.resetAfter().toNanos() + 999_999_999L) / 1_000_000_000L;
      assertThat(headers.render(ok))
          .containsExactly(
              entry("RateLimit-Policy", "\"api-1s\";q=2;w=1, \"api-3600s\";q=1000;w=3600"),
              entry("RateLimit", "\"api-1s\";r=1;t=" + t));

      limiter.tryAcquire("k");
      Decision denied = limiter.tryAcquire("k");
      assertThat(denied.allowed()).isFalse();
      Map<String, String> rendered = headers.render(denied);
      assertThat(rendered.get("RateLimit")).startsWith("\"api-1s\";r=0;t=");
      assertThat(rendered.get("RateLimit")).endsWith(";t=" + rendered.get("Retry-After"));
    }
  }

  @Test
  void ownPolicyNamesAndStyles() {
    Limit minute = Limit.perMinute(60);
    RateLimitHeaders headers =
        RateLimitHeaders.builder()
            .policy("per-minute", minute)
            .policy("daily", Limit.of(10_000, Duration.ofDays(1)))
            .styles(RateLimitHeaders.Style.DRAFT_06)
            .build();
    Decision d =
        Decision.allowed(
            "ignored",
            minute,
            59,
            Duration.ofSeconds(1),
            java.time.Instant.EPOCH.plusSeconds(100),
            DecisionSource.LIMITER);
    assertThat(headers.render(d))
        .containsExactly(
            entry("RateLimit-Limit", "60"),
            entry("RateLimit-Remaining", "59"),
            entry("RateLimit-Reset", "1"),
            entry("RateLimit-Policy", "60;w=60, 10000;w=86400"));
  }

  @Test
  void aScaledFallbackLimitIsReportedUnderItsWindowsPolicy() {
    RateLimitHeaders headers =
        RateLimitHeaders.of("api", List.of(Limit.perSecond(10), Limit.perHour(1000)));
    Decision fallback =
        Decision.allowed(
            "api",
            Limit.perHour(500),
            499,
            Duration.ofSeconds(7),
            java.time.Instant.EPOCH.plusSeconds(100),
            DecisionSource.FAIL_OPEN);
    assertThat(headers.render(fallback)).containsEntry("RateLimit", "\"api-3600s\";r=499;t=7");
  }

  @Test
  void rejectsWhatCannotBeRendered() {
    assertThatThrownBy(() -> RateLimitHeaders.builder().build())
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(
            () ->
                RateLimitHeaders.builder()
                    .policy("a", Limit.perSecond(1))
                    .policy("a", Limit.perMinute(1)))
        .hasMessageContaining("name='a'");
  }
}
