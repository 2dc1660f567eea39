package dev.headroom.core.backoff;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

class BackoffTest {

  private static Backoff backoff(Jitter jitter, int attempts) {
    return Backoff.exponential(Duration.ofMillis(100), Duration.ofSeconds(10))
        .jitter(jitter)
        .maxAttempts(attempts)
        .build();
  }

  @Test
  void withoutJitterDelaysDoubleUpToTheCap() {
    Backoff.Schedule s = backoff(Jitter.NONE, 10).schedule();
    List<Long> delays = new ArrayList<>();
    for (OptionalLong d = s.nextDelayMillis(); d.isPresent(); d = s.nextDelayMillis()) {
      delays.add(d.getAsLong());
    }
    assertThat(delays).containsExactly(100L, 200L, 400L, 800L, 1600L, 3200L, 6400L, 10000L, 10000L);
    assertThat(s.attempts()).isEqualTo(10);
  }

  @Test
  void aSeededRandomMakesTheScheduleDeterministic() {
    for (Jitter j : Jitter.values()) {
      Backoff b = backoff(j, 8);
      assertThat(drain(b.schedule(new SplittableRandom(42))))
          .as(j.name())
          .isEqualTo(drain(b.schedule(new SplittableRandom(42))));
    }
  }

  @Test
  void oneAttemptMeansNoRetry() {
    assertThat(backoff(Jitter.FULL, 1).schedule().nextDelayMillis()).isEmpty();
    assertThat(backoff(Jitter.FULL, 3).canRetry(2)).isTrue();
    assertThat(backoff(Jitter.FULL, 3).canRetry(3)).isFalse();
  }

  @Test
  void hugeAttemptNumbersStayAtTheCap() {
    Backoff b =
        Backoff.exponential(Duration.ofMillis(1), Duration.ofMinutes(1))
            .unlimitedAttempts()
            .jitter(Jitter.NONE)
            .build();
    assertThat(b.exponentialMillis(5000)).isEqualTo(60_000L);
    assertThat(b.toString()).contains("maxAttempts=unlimited");
  }

  @Test
  void badValuesFailWithMessagesThatNameTheField() {
    assertThatThrownBy(() -> Backoff.exponential(Duration.ZERO, Duration.ofSeconds(1)))
        .hasMessageContaining("backoff base must be at least 1 ms, was PT0S");
    assertThatThrownBy(() -> Backoff.exponential(Duration.ofSeconds(2), Duration.ofSeconds(1)))
        .hasMessageContaining("cap (PT1S) must not be less than base (PT2S)");
    assertThatThrownBy(() -> backoff(Jitter.FULL, 1).toBuilder().maxAttempts(0))
        .hasMessageContaining("maxAttempts must be >= 1");
    assertThatThrownBy(() -> backoff(Jitter.FULL, 1).toBuilder().multiplier(0.5))
        .hasMessageContaining("multiplier must be a finite number >= 1.0, was 0.5");
    assertThatThrownBy(() -> backoff(Jitter.FULL, 1).exponentialMillis(0))
        .hasMessageContaining("retry must be >= 1");
  }

  @Property
  void everyJitterStaysWithinItsBounds(
      @ForAll @IntRange(min = 1, max = 80) int retry,
      @ForAll @LongRange(min = 0, max = 20_000) long previous,
      @ForAll long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    Backoff any = backoff(Jitter.NONE, 100);
    long exp = any.exponentialMillis(retry);
    assertThat(exp).isBetween(100L, 10_000L);
    assertThat(backoff(Jitter.FULL, 100).delayMillis(retry, previous, random)).isBetween(0L, exp);
    assertThat(backoff(Jitter.EQUAL, 100).delayMillis(retry, previous, random))
        .isBetween(exp / 2, exp);
    long decorrelated = backoff(Jitter.DECORRELATED, 100).delayMillis(retry, previous, random);
    assertThat(decorrelated)
        .isBetween(100L, Math.min(10_000L, Math.max(100L, Math.max(100L, previous) * 3)));
  }

  private static List<Long> drain(Backoff.Schedule s) {
    List<Long> out = new ArrayList<>();
    for (OptionalLong d = s.nextDelayMillis(); d.isPresent(); d = s.nextDelayMillis()) {
      out.add(d.getAsLong());
    }
    return out;
  }
}
