package dev.headroom.monitoring;

import java.time.Duration;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A scaling rule: when a {@link Metric} stays beyond a threshold for a duration, recommend an
 * action; while it still holds, recommend it again each time the cooldown ends. Immutable;
 * validated when built.
 *
 * <pre>{@code
 * ScalingRule cpu = ScalingRule.builder("cpu-high").metric(Metric.CPU).above(0.80)
 *     .duration(Duration.ofMinutes(5)).action(ScalingAction.SCALE_UP).cooldown(Duration.ofMinutes(10)).build();
 * }</pre>
 */
public final class ScalingRule {

  private final String name;
  private final Condition condition;
  private final ScalingAction action;

  private ScalingRule(String name, Condition condition, ScalingAction action) {
    this.name = name;
    this.condition = condition;
    this.action = action;
  }

  /** A builder for a rule with this name (unique within its {@link ScalingAdvisor}). */
  public static Builder builder(String name) {
    return new Builder(name);
  }

  /** The rule's name. */
  public String name() {
    return name;
  }

  /** What the rule watches. */
  public Metric metric() {
    return condition.metric();
  }

  /** Which side of the threshold triggers the rule. */
  public Comparison comparison() {
    return condition.comparison();
  }

  /** The threshold. */
  public double threshold() {
    return condition.threshold();
  }

  /** How long the condition must hold before the rule recommends. */
  public Duration duration() {
    return condition.forDuration();
  }

  /** The least time between two recommendations of this rule. */
  public Duration cooldown() {
    return condition.cooldown();
  }

  /** What the rule recommends. */
  public ScalingAction action() {
    return action;
  }

  Condition condition() {
    return condition;
  }

  @Override
  public String toString() {
    return "ScalingRule["
        + name
        + ": "
        + condition.describe()
        + " -> "
        + action
        + ", cooldown "
        + condition.cooldown()
        + "]";
  }

  /** Builds a {@link ScalingRule}; not thread-safe. Defaults: no duration, no cooldown. */
  public static final class Builder {

    private final String name;
    private @Nullable Metric metric;
    private @Nullable Comparison comparison;
    private double threshold = Double.NaN;
    private Duration duration = Duration.ZERO;
    private Duration cooldown = Duration.ZERO;
    private @Nullable ScalingAction action;

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
      this.metric = Condition.metricNamed("scaling rule", this.name, name);
      return this;
    }

    /** Triggers when the value is above {@code threshold}. */
    public Builder above(double threshold) {
      this.comparison = Comparison.ABOVE;
      this.threshold = threshold;
      return this;
    }

    /** Triggers when the value is below {@code threshold}. */
    public Builder below(double threshold) {
      this.comparison = Comparison.BELOW;
      this.threshold = threshold;
      return this;
    }

    /** How long the condition must hold. */
    public Builder duration(Duration duration) {
      this.duration = Objects.requireNonNull(duration, "duration");
      return this;
    }

    /** What to recommend. */
    public Builder action(ScalingAction action) {
      this.action = Objects.requireNonNull(action, "action");
      return this;
    }

    /** The least time between two recommendations. */
    public Builder cooldown(Duration cooldown) {
      this.cooldown = Objects.requireNonNull(cooldown, "cooldown");
      return this;
    }

    /**
     * Validates and builds.
     *
     * @throws IllegalArgumentException naming the rule, the field, its value and the rule it breaks
     */
    public ScalingRule build() {
      Condition c =
          Condition.validated(
              "scaling rule", name, metric, comparison, threshold, null, duration, cooldown);
      if (action == null) {
        throw new IllegalArgumentException("scaling rule '" + name + "': action is required");
      }
      return new ScalingRule(name, c, action);
    }
  }
}
