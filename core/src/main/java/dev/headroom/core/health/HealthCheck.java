package dev.headroom.core.health;

/**
 * A component that reports its health: every Headroom primitive implements this, and the monitoring
 * module (or a framework's health endpoint) aggregates the readings, the worst status winning.
 *
 * <p>{@link #health()} must be thread-safe, cheap and bounded in time: it must not block longer
 * than the component's own configured timeouts and must report failures as {@link
 * HealthStatus#DOWN} rather than throw.
 */
public interface HealthCheck {

  /** A stable name, unique within a service, such as {@code "redis"} or {@code "cache:users"}. */
  String name();

  /** A fresh reading. */
  Health health();
}
