package dev.headroom.monitoring;

import java.time.Instant;
import java.util.Objects;

/**
 * A recommendation from a {@link ScalingAdvisor}.
 *
 * @param rule the rule that gave it
 * @param action what it recommends
 * @param value the metric's value when it was given
 * @param at when it was given (wall clock)
 */
public record ScalingAdvice(ScalingRule rule, ScalingAction action, double value, Instant at) {

  /** Checks that nothing is null. */
  public ScalingAdvice {
    Objects.requireNonNull(rule, "rule");
    Objects.requireNonNull(action, "action");
    Objects.requireNonNull(at, "at");
  }

  @Override
  public String toString() {
    return action
        + " ("
        + rule.name()
        + ": "
        + rule.metric()
        + " = "
        + value
        + ", threshold "
        + rule.threshold()
        + " for "
        + rule.duration()
        + ") at "
        + at;
  }
}
