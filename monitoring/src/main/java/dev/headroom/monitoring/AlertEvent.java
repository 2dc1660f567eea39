package dev.headroom.monitoring;

import java.time.Instant;
import java.util.Objects;

/**
 * An alert rule changed state: it fired, or it resolved.
 *
 * @param kind fired or resolved
 * @param rule the rule
 * @param value the metric's value that caused the change
 * @param at when the change happened (wall clock)
 * @param firingSince when the alert fired (equal to {@code at} for a {@link Kind#FIRED} event)
 */
public record AlertEvent(Kind kind, AlertRule rule, double value, Instant at, Instant firingSince) {

  /** What happened. */
  public enum Kind {
    /** The breach held for the rule's for-duration, outside its cooldown. */
    FIRED,
    /** The value went back past the resolve threshold. */
    RESOLVED
  }

  /** Checks that nothing is null. */
  public AlertEvent {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(rule, "rule");
    Objects.requireNonNull(at, "at");
    Objects.requireNonNull(firingSince, "firingSince");
  }
}
