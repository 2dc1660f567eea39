package dev.headroom.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/** Invariants of the rule state machine for any sequence of readings. */
class RuleStatePropertiesTest {

  private static final double THRESHOLD = 100;
  private static final double RESOLVE = 80;

  record Reading(long atNanos, OptionalDouble value) {}

  @Property(tries = 300)
  void firesAndResolvesOnlyAsTheRuleSays(
      @ForAll @Size(min = 1, max = 200) List<@DoubleRange(min = 50, max = 150) Double> values,
      @ForAll @Size(min = 200, max = 200) List<@IntRange(min = 1, max = 90) Integer> stepsSeconds,
      @ForAll @IntRange(min = 0, max = 300) int forSeconds,
      @ForAll @IntRange(min = 0, max = 600) int cooldownSeconds,
      @ForAll @Size(min = 200, max = 200) List<@IntRange(min = 0, max = 9) Integer> gaps) {
    Condition condition =
        Condition.validated(
            "alert rule",
            "r",
            Metric.P95,
            Comparison.ABOVE,
            THRESHOLD,
            RESOLVE,
            Duration.ofSeconds(forSeconds),
            Duration.ofSeconds(cooldownSeconds));
    RuleState state = new RuleState(condition, false);
    long forNanos = Duration.ofSeconds(forSeconds).toNanos();
    long cooldownNanos = Duration.ofSeconds(cooldownSeconds).toNanos();

    List<Reading> readings = new ArrayList<>();
    long now = 0;
    long lastFired = Long.MIN_VALUE;
    boolean firing = false;
    for (int i = 0; i < values.size(); i++) {
      now += Duration.ofSeconds(stepsSeconds.get(i)).toNanos();
      // One reading in ten has no data.
      OptionalDouble value =
          gaps.get(i) == 0 ? OptionalDouble.empty() : OptionalDouble.of(values.get(i));
      readings.add(new Reading(now, value));
      RuleState.Transition t = state.evaluate(value, now, Instant.EPOCH.plusNanos(now));
      switch (t) {
        case FIRED -> {
          assertThat(firing).as("fires only from not firing").isFalse();
          assertThat(lastFired == Long.MIN_VALUE || now - lastFired >= cooldownNanos)
              .as("never fires again within the cooldown")
              .isTrue();
          assertThat(breachHeldSince(readings, now - forNanos))
              .as("the breach held for the for-duration")
              .isTrue();
          firing = true;
          lastFired = now;
        }
        case RESOLVED -> {
          assertThat(firing).as("resolves only a firing alert").isTrue();
          assertThat(value.getAsDouble())
              .as("resolves only at or below the resolve threshold")
              .isLessThanOrEqualTo(RESOLVE);
          firing = false;
        }
        case NONE -> {
          if (firing && value.isPresent()) {
            assertThat(value.getAsDouble())
                .as("a firing alert past its resolve threshold resolves")
                .isGreaterThan(RESOLVE);
          }
        }
      }
      assertThat(state.firing()).isEqualTo(firing);
    }
  }

  /**
   * Whether every reading from the start of the last unbroken run of breaches up to now is a
   * breach, and that run started at or before {@code from}.
   */
  private static boolean breachHeldSince(List<Reading> readings, long from) {
    long runStart = Long.MAX_VALUE;
    for (int i = readings.size() - 1; i >= 0; i--) {
      Reading r = readings.get(i);
      if (r.value().isEmpty() || r.value().getAsDouble() <= THRESHOLD) {
        break;
      }
      runStart = r.atNanos();
    }
    return runStart <= from;
  }
}
