package dev.headroom.monitoring;

/** What a {@link ScalingRule} recommends. Acting on it is the caller's decision. */
public enum ScalingAction {
  /** Add capacity. */
  SCALE_UP,
  /** Remove capacity. */
  SCALE_DOWN,
  /** Tell a person; scaling will not help (or should not be automatic). */
  ALERT
}
