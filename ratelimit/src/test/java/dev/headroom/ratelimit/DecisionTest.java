package dev.headroom.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class DecisionTest {

  private static final Instant AT = Instant.parse("2026-11-21T10:00:00.250Z");

  @Test
  void theCurrentDraftsFieldsCarryThePolicyName() {
    Decision d =
        Decision.allowed(
            "api", Limit.perMinute(100), 42, Duration.ofMillis(30_500), AT, DecisionSource.LIMITER);
    assertThat(d.headers())
        .containsExactly(
            org.assertj.core.api.Assertions.entry("RateLimit-Policy", "\"api\";q=100;w=60"),
            org.assertj.core.api.Assertions.entry("RateLimit", "\"api\";r=42;t=31"));
  }

  @Test
  void legacyStylesAgreeWithRetryAfterOnADenial() {
    // resetAfter (the whole limit back) is 30.5 s, but the request can be retried after 1.2 s:
    // every reset value says 2 s, as Retry-After does (draft-06 section 3.3, -11 section 6).
    Decision d =
        Decision.denied(
            "api",
            Limit.perMinute(100),
            0,
            Duration.ofMillis(30_500),
            Duration.ofMillis(1_200),
            AT,
            DecisionSource.LIMITER);
    assertThat(d.headers(RateLimitHeaders.Style.DRAFT_06, RateLimitHeaders.Style.X_RATELIMIT))
        .containsExactly(
            org.assertj.core.api.Assertions.entry("RateLimit-Limit", "100"),
            org.assertj.core.api.Assertions.entry("RateLimit-Remaining", "0"),
            org.assertj.core.api.Assertions.entry("RateLimit-Reset", "2"),
            org.assertj.core.api.Assertions.entry("RateLimit-Policy", "100;w=60"),
            org.assertj.core.api.Assertions.entry("X-RateLimit-Limit", "100"),
            org.assertj.core.api.Assertions.entry("X-RateLimit-Remaining", "0"),
            org.assertj.core.api.Assertions.entry(
                "X-RateLimit-Reset", String.valueOf(AT.getEpochSecond() + 2)),
            org.assertj.core.api.Assertions.entry("Retry-After", "2"));
    assertThat(d.headers())
        .containsEntry("RateLimit", "\"api\";r=0;t=2")
        .containsEntry("Retry-After", "2");
    assertThat(d.resetAt()).isEqualTo(AT.plusMillis(30_500));
  }

  @Test
  void anAllowedDecisionsEpochResetIsRoundedUp() {
    Decision d =
        Decision.allowed(
            "api", Limit.perMinute(100), 5, Duration.ofMillis(30_500), AT, DecisionSource.LIMITER);
    assertThat(d.headers(RateLimitHeaders.Style.X_RATELIMIT))
        .containsExactly(
            org.assertj.core.api.Assertions.entry("X-RateLimit-Limit", "100"),
            org.assertj.core.api.Assertions.entry("X-RateLimit-Remaining", "5"),
            org.assertj.core.api.Assertions.entry(
                "X-RateLimit-Reset", String.valueOf(AT.getEpochSecond() + 31)));
  }

  @Test
  void theTwoRateLimitPolicySyntaxesCannotBeMixed() {
    Decision d =
        Decision.allowed("api", Limit.perMinute(1), 0, Duration.ZERO, AT, DecisionSource.LIMITER);
    assertThatThrownBy(
            () -> d.headers(RateLimitHeaders.Style.RATELIMIT, RateLimitHeaders.Style.DRAFT_06))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("RATELIMIT and DRAFT_06");
  }

  @Test
  void policyNamesAreStructuredFieldStrings() {
    Decision d =
        Decision.allowed(
            "a\"b\\c\u00e9", Limit.perSecond(1), 1, Duration.ZERO, AT, DecisionSource.LIMITER);
    assertThat(d.headers().get("RateLimit")).isEqualTo("\"a\\\"b\\\\c?\";r=1;t=0");
  }

  @Test
  void aSubMillisecondWindowStillRendersAtLeastOneSecond() {
    Decision d =
        Decision.denied(
            "tiny",
            Limit.of(1, Duration.ofMillis(5)),
            0,
            Duration.ofMillis(3),
            Duration.ofMillis(3),
            AT,
            DecisionSource.LIMITER);
    assertThat(d.headers())
        .containsEntry("RateLimit-Policy", "\"tiny\";q=1;w=1")
        .containsEntry("RateLimit", "\"tiny\";r=0;t=1")
        .containsEntry("Retry-After", "1");
  }

  @Test
  void shadowAndSourceCopiesKeepEverythingElse() {
    Decision denied =
        Decision.denied(
            "s",
            Limit.perSecond(2),
            1,
            Duration.ofSeconds(1),
            Duration.ofMillis(400),
            AT,
            DecisionSource.LIMITER);
    Decision shadow = denied.asShadow();
    assertThat(shadow.allowed()).isTrue();
    assertThat(shadow.shadowDenied()).isTrue();
    assertThat(shadow.retryAfter()).isZero();
    assertThat(shadow.remaining()).isEqualTo(1);
    assertThat(shadow.asShadow()).isSameAs(shadow);
    assertThat(denied.withSource(DecisionSource.DENY_CACHE).source())
        .isEqualTo(DecisionSource.DENY_CACHE);
    assertThat(denied.withSource(DecisionSource.DENY_CACHE).retryAfter())
        .isEqualTo(Duration.ofMillis(400));
    assertThat(
            Decision.of(
                false,
                "s",
                Limit.perSecond(2),
                1,
                1_000_000_000L,
                400_000_000L,
                AT.toEpochMilli(),
                DecisionSource.LIMITER))
        .isEqualTo(denied);
  }

  @Test
  void impossibleValuesAreRejected() {
    assertThatThrownBy(
            () ->
                Decision.allowed(
                    "p", Limit.perSecond(1), -1, Duration.ZERO, AT, DecisionSource.LIMITER))
        .hasMessageContaining("remaining must not be negative, was -1");
    assertThatThrownBy(
            () ->
                Decision.denied(
                    "p",
                    Limit.perSecond(1),
                    0,
                    Duration.ZERO,
                    Duration.ofSeconds(-1),
                    AT,
                    DecisionSource.LIMITER))
        .hasMessageContaining("retryAfter must not be negative");
    assertThatThrownBy(
            () -> Decision.of(true, "p", Limit.perSecond(1), 0, 0, 5, 0, DecisionSource.LIMITER))
        .hasMessageContaining("retryAfterNanos must be 0 when allowed");
  }
}
