package dev.headroom.monitoring;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalDouble;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Recommends scaling from {@link ScalingRule}s: it watches, the caller acts. Give it to a {@link
 * Monitor} ({@link Monitor.Builder#scalingAdvisor}); each evaluation of the monitor evaluates its
 * rules, and listeners receive each new recommendation.
 *
 * <p>{@link #defaults()}: CPU above 80 % for 5 min, scale up, cooldown 10 min; P95 above 2 s for 3
 * min, scale up, cooldown 5 min; CPU below 20 % for 15 min, scale down, cooldown 15 min.
 *
 * <p>Thread-safe. An advisor serves one monitor.
 */
public final class ScalingAdvisor {

  private static final Logger log = LoggerFactory.getLogger(ScalingAdvisor.class);

  private final List<ScalingRule> rules;
  private final Map<ScalingRule, RuleState> states = new LinkedHashMap<>();
  private final Map<ScalingRule, ScalingAdvice> current = new LinkedHashMap<>();
  private final List<Consumer<ScalingAdvice>> listeners = new CopyOnWriteArrayList<>();
  private boolean attached;

  private ScalingAdvisor(List<ScalingRule> rules) {
    this.rules = rules;
    for (ScalingRule r : rules) {
      states.put(r, new RuleState(r.condition(), true));
    }
  }

  /**
   * An advisor with these rules.
   *
   * @throws IllegalArgumentException if two rules share a name
   */
  public static ScalingAdvisor of(ScalingRule... rules) {
    return of(Arrays.asList(Objects.requireNonNull(rules, "rules")));
  }

  /**
   * An advisor with these rules.
   *
   * @throws IllegalArgumentException if two rules share a name
   */
  public static ScalingAdvisor of(Collection<ScalingRule> rules) {
    Objects.requireNonNull(rules, "rules");
    List<ScalingRule> copy = List.copyOf(rules);
    Condition.requireUniqueNames("scaling rule", copy.stream().map(ScalingRule::name).toList());
    return new ScalingAdvisor(copy);
  }

  /** An advisor with the default rules (see the class comment). */
  public static ScalingAdvisor defaults() {
    return of(defaultRules());
  }

  /** The default rules, to extend or replace. */
  public static List<ScalingRule> defaultRules() {
    return List.of(
        ScalingRule.builder("cpu-high")
            .metric(Metric.CPU)
            .above(0.80)
            .duration(Duration.ofMinutes(5))
            .action(ScalingAction.SCALE_UP)
            .cooldown(Duration.ofMinutes(10))
            .build(),
        ScalingRule.builder("p95-high")
            .metric(Metric.P95)
            .above(2_000)
            .duration(Duration.ofMinutes(3))
            .action(ScalingAction.SCALE_UP)
            .cooldown(Duration.ofMinutes(5))
            .build(),
        ScalingRule.builder("cpu-low")
            .metric(Metric.CPU)
            .below(0.20)
            .duration(Duration.ofMinutes(15))
            .action(ScalingAction.SCALE_DOWN)
            .cooldown(Duration.ofMinutes(15))
            .build());
  }

  /** The rules, in order. */
  public List<ScalingRule> rules() {
    return rules;
  }

  /** Adds a listener for new recommendations; called on the evaluating thread, must not block. */
  public void addListener(Consumer<ScalingAdvice> listener) {
    listeners.add(Objects.requireNonNull(listener, "listener"));
  }

  /**
   * The latest recommendation of each rule whose condition still holds, in rule order: what the
   * advisor currently recommends.
   */
  public synchronized List<ScalingAdvice> recommendations() {
    return List.copyOf(current.values());
  }

  synchronized void attach() {
    if (attached) {
      throw new IllegalStateException("this scaling advisor already serves a monitor");
    }
    attached = true;
  }

  /** Evaluates every rule once; returns the new recommendations. */
  List<ScalingAdvice> evaluate(
      Function<Metric, OptionalDouble> values, long nowNanos, Instant wallNow) {
    List<ScalingAdvice> fresh = new ArrayList<>();
    synchronized (this) {
      for (ScalingRule rule : rules) {
        RuleState state = states.get(rule);
        RuleState.Transition t =
            Objects.requireNonNull(state).evaluate(values.apply(rule.metric()), nowNanos, wallNow);
        if (t == RuleState.Transition.FIRED) {
          ScalingAdvice advice = new ScalingAdvice(rule, rule.action(), state.lastValue(), wallNow);
          current.put(rule, advice);
          fresh.add(advice);
        } else if (!state.firing()) {
          current.remove(rule);
        }
      }
    }
    for (ScalingAdvice advice : fresh) {
      log.info("scaling advice: {}", advice);
      for (Consumer<ScalingAdvice> l : listeners) {
        try {
          l.accept(advice);
        } catch (RuntimeException e) {
          log.warn("scaling advice listener {} failed on {}", l, advice, e);
        }
      }
    }
    return fresh;
  }

  @Override
  public String toString() {
    return "ScalingAdvisor" + rules.stream().map(ScalingRule::name).toList();
  }
}
