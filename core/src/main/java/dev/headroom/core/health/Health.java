package dev.headroom.core.health;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One health reading: a status and details (values should be JSON-friendly: strings, numbers,
 * booleans, or maps and lists of them). Immutable.
 *
 * @param status the status
 * @param details details for people and dashboards, in insertion order; never null
 */
public record Health(HealthStatus status, Map<String, Object> details) {

  /** Creates a reading; {@code details} is copied. */
  public Health {
    Objects.requireNonNull(status, "status");
    details =
        Collections.unmodifiableMap(
            new LinkedHashMap<>(Objects.requireNonNull(details, "details")));
  }

  /** UP with no details. */
  public static Health up() {
    return new Health(HealthStatus.UP, Map.of());
  }

  /** A reading with the given status and details. */
  public static Health of(HealthStatus status, Map<String, Object> details) {
    return new Health(status, details);
  }

  /** DOWN with the failure's class and message as details. */
  public static Health down(Throwable cause) {
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("error", cause.getClass().getName());
    details.put("message", String.valueOf(cause.getMessage()));
    return new Health(HealthStatus.DOWN, details);
  }
}
