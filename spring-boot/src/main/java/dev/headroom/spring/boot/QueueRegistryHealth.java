package dev.headroom.spring.boot;

import dev.headroom.core.health.Health;
import dev.headroom.core.health.HealthCheck;
import dev.headroom.core.health.HealthStatus;
import dev.headroom.queue.JobQueue;
import dev.headroom.queue.JobQueueRegistry;
import java.util.LinkedHashMap;
import java.util.Map;

/** The worst health of the queues of a registry, with each unhealthy queue's details. */
public final class QueueRegistryHealth implements HealthCheck {

  private final JobQueueRegistry registry;

  /** The health of {@code registry}'s queues. */
  public QueueRegistryHealth(JobQueueRegistry registry) {
    this.registry = registry;
  }

  @Override
  public String name() {
    return "queue";
  }

  @Override
  public Health health() {
    HealthStatus status = HealthStatus.UP;
    Map<String, Object> details = new LinkedHashMap<>();
    for (JobQueue q : registry.all()) {
      Health h = q.health();
      status = status.worst(h.status());
      if (h.status() != HealthStatus.UP) {
        details.put(q.name(), h.details());
      }
    }
    return Health.of(status, details);
  }
}
