package dev.headroom.monitoring;

import java.time.Duration;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * An alert rule: fires when a {@link Metric} stays on the wrong side of a threshold for a
 * for-duration, resolves when it comes back past the resolve threshold (hysteresis), and does not
 * fire again within its cooldown after firing. Immutable; validated when built.
 *
 * <pre>{@code
 * AlertRule rule = AlertRule.builder("p95-latency")
 *     .metric(Metric.P95).above(500).resolveBelow(400)
 *     .forDuration(Duration.ofMinutes(1)).cooldown(Duration.ofMinutes(5))
 *     .severity(Severity.WARNING).build();
 * }</pre>
 */
public final class AlertRule {

  private final String name;
  private final Condition condition;
  private final Severity severity;

  private AlertRule(String name, Condition condition, Severity severity) {
    this.name = name;
    this.condition = condition;
    this.severity = severity;
  }

  /** A builder for a rule with this name (unique within its {@link AlertRules}). */
  public static Builder builder(String name) {
    return new Builder(name);
  }

  /** A builder starting from {@code prototype}'s values, name included. */
  public static Builder from(AlertRule prototype) {
    Objects.requireNonNull(prototype, "prototype");
    Builder b = new Builder(prototype.name);
    Condition c = prototype.condition;
    b.metric = c.metric();
    b.comparison = c.comparison();
    b.threshold = c.threshold();
    b.resolveThreshold = c.resolveThreshold();
    b.forDuration = c.forDuration();
    b.cooldown = c.cooldown();
    b.severity = prototype.severity;
    return b;
  }

  /** The rule's name. */
  public String name() {
    return name;
  }

  /** What the rule watches. */
  public Metric metric() {
    return condition.metric();
  }

  /** Which side of the threshold is a breach. */
  public Comparison comparison() {
    return condition.comparison();
  }

  /** The threshold. */
  public double threshold() {
    return condition.threshold();
  }

  /** Where a firing alert resolves: equal to the threshold unless hysteresis was set. */
  public double resolveThreshold() {
    return condition.resolveThreshold();
  }

  /** How long a breach must hold before the alert fires. */
  public Duration forDuration() {
    return condition.forDuration();
  }

  /** The least time between two firings of this rule. */
  public Duration cooldown() {
    return condition.cooldown();
  }

  /** How urgent the alert is. */
  public Severity severity() {
    return severity;
  }

  Condition condition() {
    return condition;
  }

  @Override
  public String toString() {
    return "AlertRule["
        + name
        + ": "
        + condition.describe()
        + ", resolve at "
        + condition.resolveThreshold()
        + ", cooldown "
        + condition.cooldown()
        + ", "
        + severity
        + "]";
  }

  /**
   * Builds an {@link AlertRule}; not thread-safe. Defaults: no for-duration, no cooldown, WARNING.
   */
  public static final class Builder {

    private final String name;
    private @Nullable Metric metric;
    private @Nullable Comparison comparison;
    private double threshold = Double.NaN;
    private @Nullable Double resolveThreshold;
    private Duration forDuration = Duration.ZERO;
    private Duration cooldown = Duration.ZERO;
    private Severity severity = Severity.WARNING;

    private Builder(String name) {
      this.name = Objects.requireNonNull(name, "name");
    }

    /** What to watch. */
    public Builder metric(Metric metric) {
      this.metric = Objects.requireNonNull(metric, "metric");
      return this;
    }

    /**
     * What to watch, by snapshot field name (see {@link Metric#knownNames()}).
     *
     * @throws IllegalArgumentException naming this rule if the name is unknown
     */
    public Builder metric(String name) {
      this.metric = Condition.metricNamed("alert rule", this.name, name);
      return this;
    }

    /** Breach when the value is above {@code threshold}. */
    public Builder above(double threshold) {
      this.comparison = Comparison.ABOVE;
      this.threshold = threshold;
      return this;
    }

    /** Breach when the value is below {@code threshold}. */
    public Builder below(double threshold) {
      this.comparison = Comparison.BELOW;
      this.threshold = threshold;
      return this;
    }

    /** Hysteresis for a rule set with {@link #above}: resolve only at or below this value. */
    public Builder resolveBelow(double resolveThreshold) {
      this.resolveThreshold = resolveThreshold;
      return this;
    }

    /** Hysteresis for a rule set with {@link #below}: resolve only at or above this value. */
    public Builder resolveAbove(double resolveThreshold) {
      this.resolveThreshold = resolveThreshold;
      return this;
    }

    /**
     * How long the breach must hold before firing (zero fires at the first breached evaluation).
     */
    public Builder forDuration(Duration forDuration) {
      this.forDuration = Objects.requireNonNull(forDuration, "forDuration");
      return this;
    }

    /** The least time between two firings. */
    public Builder cooldown(Duration cooldown) {
      this.cooldown = Objects.requireNonNull(cooldown, "cooldown");
      return this;
    }

    /** How urgent the alert is. */
    public Builder severity(Severity severity) {
      this.severity = Objects.requireNonNull(severity, "severity");
      return this;
    }

    /**
     * Validates and builds.
     *
     * @throws IllegalArgumentException naming the rule, the field, its value and the rule it breaks
     */
    public AlertRule build() {
      Condition c =
          Condition.validated(
              "alert rule",
              name,
              metric,
              comparison,
              threshold,
              resolveThreshold,
              forDuration,
              cooldown);
      return new AlertRule(name, c, severity);
    }
  }
}
