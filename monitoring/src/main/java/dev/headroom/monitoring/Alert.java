package dev.headroom.monitoring;

import java.time.Instant;
import java.util.Objects;

/**
 * An alert that is firing: which rule, how bad, since when, and the last value seen.
 *
 * @param name the rule's name
 * @param severity the rule's severity
 * @param metric what the rule watches
 * @param threshold the rule's threshold
 * @param value the metric's value at the last evaluation
 * @param since when the alert fired (wall clock)
 */
public record Alert(
    String name, Severity severity, Metric metric, double threshold, double value, Instant since) {

  /** Checks that nothing is null. */
  public Alert {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(severity, "severity");
    Objects.requireNonNull(metric, "metric");
    Objects.requireNonNull(since, "since");
  }
}
