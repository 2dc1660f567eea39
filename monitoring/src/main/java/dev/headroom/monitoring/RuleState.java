package dev.headroom.monitoring;

import java.time.Instant;
import java.util.OptionalDouble;
import org.jspecify.annotations.Nullable;

/*
 * The state machine behind one alert or scaling rule, advanced once per evaluation.
 *
 *   OK ──breach──▶ PENDING ──breach held for forDuration and cooldown over──▶ FIRING ──cleared──▶ OK
 *                    │ not breached, or no data                                 │
 *                    ▼                                                          └─ (repeating rules) still
 *                    OK                                                              breached and cooldown
 *                                                                                    over: fire again
 *
 * - Breach is "value strictly beyond the threshold"; cleared is "value at or back past the resolve
 *   threshold". With hysteresis the two differ, so a value hovering at the threshold cannot make
 *   an alert flap: between them a firing alert stays firing and an OK rule stays OK.
 * - For-duration counts from the first breached evaluation in an unbroken run of them; one
 *   evaluation that is not breached (or has no data) starts it over. So the breach is known to
 *   hold at every evaluation across the duration, at the resolution of the schedule.
 * - Cooldown counts from the last firing. A breach that outlasts its for-duration inside the
 *   cooldown stays PENDING and fires the moment the cooldown ends, if it still holds then.
 * - No data (a quiet window, a module not in use) is not evidence of anything: it resets PENDING
 *   but neither fires nor resolves a FIRING rule.
 * - Alerts fire once and stay firing until cleared. Scaling rules repeat: while the breach holds
 *   they advise again each time the cooldown ends (scale up, wait, still hot: scale up again).
 *
 * Times are monotonic nanos from the Monitor's TimeSource; wall-clock instants are only reported.
 * Not thread-safe: the Monitor evaluates under its own lock.
 */
final class RuleState {

  enum Phase {
    OK,
    PENDING,
    FIRING
  }

  /** What one evaluation did. */
  enum Transition {
    NONE,
    FIRED,
    RESOLVED
  }

  private final Condition condition;
  private final boolean repeating;
  private final long forNanos;
  private final long cooldownNanos;
  private Phase phase = Phase.OK;
  private long pendingSince;
  private boolean everFired;
  private long lastFiredNanos;
  private @Nullable Instant firingSince;
  private double lastValue = Double.NaN;

  RuleState(Condition condition, boolean repeating) {
    this.condition = condition;
    this.repeating = repeating;
    this.forNanos = condition.forDuration().toNanos();
    this.cooldownNanos = condition.cooldown().toNanos();
  }

  Transition evaluate(OptionalDouble reading, long nowNanos, Instant wallNow) {
    if (reading.isEmpty() || Double.isNaN(reading.getAsDouble())) {
      if (phase == Phase.PENDING) {
        phase = Phase.OK;
      }
      return Transition.NONE;
    }
    double value = reading.getAsDouble();
    lastValue = value;
    boolean breached = condition.comparison().breached(value, condition.threshold());
    switch (phase) {
      case OK -> {
        if (!breached) {
          return Transition.NONE;
        }
        phase = Phase.PENDING;
        pendingSince = nowNanos;
        return tryFire(nowNanos, wallNow);
      }
      case PENDING -> {
        if (!breached) {
          phase = Phase.OK;
          return Transition.NONE;
        }
        return tryFire(nowNanos, wallNow);
      }
      case FIRING -> {
        if (condition.comparison().cleared(value, condition.resolveThreshold())) {
          phase = Phase.OK;
          return Transition.RESOLVED;
        }
        if (repeating && breached && cooledDown(nowNanos)) {
          lastFiredNanos = nowNanos;
          return Transition.FIRED;
        }
        return Transition.NONE;
      }
      default -> throw new IllegalStateException("unknown phase " + phase);
    }
  }

  private Transition tryFire(long nowNanos, Instant wallNow) {
    if (nowNanos - pendingSince < forNanos || !cooledDown(nowNanos)) {
      return Transition.NONE;
    }
    phase = Phase.FIRING;
    everFired = true;
    lastFiredNanos = nowNanos;
    firingSince = wallNow;
    return Transition.FIRED;
  }

  private boolean cooledDown(long nowNanos) {
    return !everFired || nowNanos - lastFiredNanos >= cooldownNanos;
  }

  Phase phase() {
    return phase;
  }

  boolean firing() {
    return phase == Phase.FIRING;
  }

  /** When the current firing began; only meaningful while {@link #firing()}. */
  Instant firingSince() {
    Instant since = firingSince;
    if (since == null) {
      throw new IllegalStateException("never fired");
    }
    return since;
  }

  double lastValue() {
    return lastValue;
  }
}
