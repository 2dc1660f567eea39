package dev.headroom.spring.boot;

import dev.headroom.core.health.HealthCheck;
import dev.headroom.core.health.HealthStatus;
import dev.headroom.core.redis.RedisConnector;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * Whether every Headroom primitive can serve, as a member of the Actuator {@code readiness} group:
 * DOWN while one reports DOWN (a queue that cannot store jobs, a closed primitive), UP otherwise. A
 * primitive that still serves without Redis reports DEGRADED (a cache on L1 and its loader, a
 * limiter on its failure mode) and keeps the application ready; the Redis connector's own health is
 * left out, so Redis being down matters to readiness only through a primitive that cannot serve
 * without it. Never a member of {@code liveness}. Thread-safe.
 */
public final class HeadroomReadiness implements HealthIndicator {

  /** The health contributor's name, the member added to the {@code readiness} group. */
  public static final String CONTRIBUTOR = "headroomReadiness";

  private final Supplier<List<HealthCheck>> checks;

  HeadroomReadiness(Supplier<List<HealthCheck>> checks) {
    this.checks = checks;
  }

  @Override
  public Health health() {
    boolean down = false;
    Map<String, Object> details = new LinkedHashMap<>();
    for (HealthCheck check : checks.get()) {
      if (check instanceof RedisConnector) {
        continue;
      }
      dev.headroom.core.health.Health h;
      try {
        h = check.health();
      } catch (RuntimeException e) {
        h = dev.headroom.core.health.Health.down(e);
      }
      if (h.status() == HealthStatus.DOWN) {
        down = true;
        details.put(check.name(), h.details());
      }
    }
    return (down ? Health.down() : Health.up()).withDetails(details).build();
  }
}
