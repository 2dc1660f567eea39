package dev.headroom.core.health;

/**
 * A component that can report its health: each Headroom primitive implements this, and the
 * monitoring module aggregates the readings (the overall status is the worst one).
 *
 * <p>{@link #health()} must be thread-safe, cheap and bounded in time: it must not block longer
 * than the component's own configured timeouts and must report failures as {@link HealthStatus#DOWN}
 * rather than throw.
 */
public interface HealthIndicator {

  /** A stable name, unique within a service, such as {@code "redis"} or {@code "cache:users"}. */
  String name();

  /** A fresh reading. */
  Health health();
}
