package dev.headroom.monitoring;

import java.time.Duration;
import java.util.Collection;
import java.util.HashSet;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The part alert rules and scaling rules share: metric, comparison, threshold, resolve threshold,
 * for-duration and cooldown, validated together so both kinds of rule fail the same way.
 */
record Condition(
    Metric metric,
    Comparison comparison,
    double threshold,
    double resolveThreshold,
    Duration forDuration,
    Duration cooldown) {

  static Condition validated(
      String kind,
      @Nullable String name,
      @Nullable Metric metric,
      @Nullable Comparison comparison,
      double threshold,
      @Nullable Double resolveThreshold,
      @Nullable Duration forDuration,
      @Nullable Duration cooldown) {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException(kind + " name must not be blank, was '" + name + "'");
    }
    String who = kind + " '" + name + "': ";
    if (metric == null) {
      throw new IllegalArgumentException(who + "metric is required");
    }
    if (comparison == null) {
      throw new IllegalArgumentException(
          who + "a threshold is required (above(...) or below(...))");
    }
    if (!Double.isFinite(threshold)) {
      throw new IllegalArgumentException(
          who + "threshold must be a finite number, was " + threshold);
    }
    double resolve = resolveThreshold == null ? threshold : resolveThreshold;
    if (!Double.isFinite(resolve)) {
      throw new IllegalArgumentException(
          who + "resolve threshold must be a finite number, was " + resolve);
    }
    if (comparison == Comparison.ABOVE && resolve > threshold) {
      throw new IllegalArgumentException(
          who
              + "resolve threshold must not be above the threshold "
              + threshold
              + " for a rule that fires above it, was "
              + resolve);
    }
    if (comparison == Comparison.BELOW && resolve < threshold) {
      throw new IllegalArgumentException(
          who
              + "resolve threshold must not be below the threshold "
              + threshold
              + " for a rule that fires below it, was "
              + resolve);
    }
    Objects.requireNonNull(forDuration, "forDuration");
    Objects.requireNonNull(cooldown, "cooldown");
    if (forDuration.isNegative()) {
      throw new IllegalArgumentException(
          who + "for-duration must not be negative, was " + forDuration);
    }
    if (cooldown.isNegative()) {
      throw new IllegalArgumentException(who + "cooldown must not be negative, was " + cooldown);
    }
    return new Condition(metric, comparison, threshold, resolve, forDuration, cooldown);
  }

  /** {@link Metric#of(String)}, with the rule named in the error. */
  static Metric metricNamed(String kind, String ruleName, String metricName) {
    Objects.requireNonNull(metricName, "metricName");
    try {
      return Metric.of(metricName);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(kind + " '" + ruleName + "': " + e.getMessage(), e);
    }
  }

  /** Checks that no two rules share a name. */
  static void requireUniqueNames(String kind, Collection<String> names) {
    Set<String> seen = new HashSet<>();
    for (String name : names) {
      if (!seen.add(name)) {
        throw new IllegalArgumentException(
            kind + " names must be unique, '" + name + "' appears twice");
      }
    }
  }

  /** For messages and logs: {@code p95 > 500.0 for PT1M}. */
  String describe() {
    return metric + " " + comparison.symbol() + " " + threshold + " for " + forDuration;
  }
}
