package dev.headroom.monitoring;

/** Which side of its threshold a rule's metric must be on to count as a breach. */
public enum Comparison {
  /** Breached when the value is strictly above the threshold. */
  ABOVE,
  /** Breached when the value is strictly below the threshold. */
  BELOW;

  boolean breached(double value, double threshold) {
    return this == ABOVE ? value > threshold : value < threshold;
  }

  /** Whether {@code value} is back on the healthy side of the resolve threshold (inclusive). */
  boolean cleared(double value, double resolveThreshold) {
    return this == ABOVE ? value <= resolveThreshold : value >= resolveThreshold;
  }

  String symbol() {
    return this == ABOVE ? ">" : "<";
  }
}
