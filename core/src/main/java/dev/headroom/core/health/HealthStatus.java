package dev.headroom.core.health;

/** How well a component works, from best to worst. */
public enum HealthStatus {
  /** Working as configured. */
  UP,
  /**
   * Serving, but with reduced capability (for example a cache serving L1 only while Redis is down).
   */
  DEGRADED,
  /** Not serving. */
  DOWN;

  /** The worse of this status and {@code other}. */
  public HealthStatus worst(HealthStatus other) {
    return compareTo(other) >= 0 ? this : other;
  }
}
