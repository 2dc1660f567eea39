package dev.headroom.monitoring;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Objects;

/**
 * A set of alert rules with distinct names, in order. Immutable.
 *
 * <p>{@link #defaults()} holds the rules our users' runbooks start from:
 *
 * <ul>
 *   <li>{@code p95-latency}: P95 above 500 ms for 1 min (resolves at or below 400 ms), WARNING;
 *   <li>{@code error-rate}: errors above 1 % of requests for 1 min, CRITICAL;
 *   <li>{@code db-pool-exhausted}: threads waiting for a connection (above 0) for 1 min, CRITICAL;
 *   <li>{@code cache-hit-rate}: hit rate below 70 % for 5 min (resolves at or above 75 %), WARNING;
 *   <li>{@code queue-depth}: more than 100 jobs waiting for 1 min, WARNING.
 * </ul>
 *
 * Each has a cooldown of 5 minutes. Start from them and replace or add with {@link #with}.
 */
public final class AlertRules {

  private static final Duration COOLDOWN = Duration.ofMinutes(5);
  private static final AlertRules DEFAULTS =
      of(
          AlertRule.builder("p95-latency")
              .metric(Metric.P95)
              .above(500)
              .resolveBelow(400)
              .forDuration(Duration.ofMinutes(1))
              .cooldown(COOLDOWN)
              .severity(Severity.WARNING)
              .build(),
          AlertRule.builder("error-rate")
              .metric(Metric.ERROR_RATE)
              .above(0.01)
              .forDuration(Duration.ofMinutes(1))
              .cooldown(COOLDOWN)
              .severity(Severity.CRITICAL)
              .build(),
          AlertRule.builder("db-pool-exhausted")
              .metric(Metric.POOL_PENDING)
              .above(0)
              .forDuration(Duration.ofMinutes(1))
              .cooldown(COOLDOWN)
              .severity(Severity.CRITICAL)
              .build(),
          AlertRule.builder("cache-hit-rate")
              .metric(Metric.CACHE_HIT_RATE)
              .below(0.70)
              .resolveAbove(0.75)
              .forDuration(Duration.ofMinutes(5))
              .cooldown(COOLDOWN)
              .severity(Severity.WARNING)
              .build(),
          AlertRule.builder("queue-depth")
              .metric(Metric.QUEUE_PENDING)
              .above(100)
              .forDuration(Duration.ofMinutes(1))
              .cooldown(COOLDOWN)
              .severity(Severity.WARNING)
              .build());
  private static final AlertRules NONE = new AlertRules(List.of());

  private final List<AlertRule> rules;

  private AlertRules(List<AlertRule> rules) {
    this.rules = rules;
  }

  /** The runbook defaults (see the class comment). */
  public static AlertRules defaults() {
    return DEFAULTS;
  }

  /** No rules. */
  public static AlertRules none() {
    return NONE;
  }

  /**
   * These rules, in order.
   *
   * @throws IllegalArgumentException if two rules share a name
   */
  public static AlertRules of(AlertRule... rules) {
    return of(Arrays.asList(Objects.requireNonNull(rules, "rules")));
  }

  /**
   * These rules, in order.
   *
   * @throws IllegalArgumentException if two rules share a name
   */
  public static AlertRules of(Collection<AlertRule> rules) {
    Objects.requireNonNull(rules, "rules");
    List<AlertRule> copy = List.copyOf(rules);
    Condition.requireUniqueNames("alert rule", copy.stream().map(AlertRule::name).toList());
    return new AlertRules(copy);
  }

  /** These rules with {@code rule} added, or replacing the rule of the same name in place. */
  public AlertRules with(AlertRule rule) {
    Objects.requireNonNull(rule, "rule");
    List<AlertRule> next = new ArrayList<>(rules);
    boolean replaced = false;
    for (int i = 0; i < next.size(); i++) {
      if (next.get(i).name().equals(rule.name())) {
        next.set(i, rule);
        replaced = true;
      }
    }
    if (!replaced) {
      next.add(rule);
    }
    return new AlertRules(List.copyOf(next));
  }

  /** These rules without the one named {@code name} (unchanged if there is none). */
  public AlertRules without(String name) {
    Objects.requireNonNull(name, "name");
    return new AlertRules(rules.stream().filter(r -> !r.name().equals(name)).toList());
  }

  /** The rules, in order. */
  public List<AlertRule> rules() {
    return rules;
  }

  @Override
  public String toString() {
    return "AlertRules" + rules.stream().map(AlertRule::name).toList();
  }
}
