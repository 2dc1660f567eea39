package dev.headroom.spring.boot;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.headroom.core.health.HealthCheck;
import dev.headroom.core.health.HealthStatus;
import dev.headroom.monitoring.Monitor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Actuator: a health contributor {@code headroom} with one child per Headroom primitive ({@code
 * /actuator/health/headroom/cache}), and the endpoint {@code headroom} serving the monitor's
 * snapshot (health, performance, alerts). {@link HeadroomReadiness} joins the {@code readiness}
 * group (never {@code liveness}).
 */
@AutoConfiguration(
    after = HeadroomMonitoringAutoConfiguration.class,
    beforeName =
        "org.springframework.boot.health.autoconfigure.contributor.HealthContributorAutoConfiguration",
    afterName =
        "org.springframework.boot.health.autoconfigure.actuate.endpoint.AvailabilityProbesAutoConfiguration")
@ConditionalOnBooleanProperty(name = "headroom.actuator.enabled", matchIfMissing = true)
public class HeadroomActuatorAutoConfiguration {

  /** One health indicator per Headroom {@link HealthCheck} bean. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = "org.springframework.boot.health.contributor.HealthIndicator")
  static class HealthContributors {

    /** The composite: DEGRADED reads UP (the primitive still serves), with the reason. */
    @Bean
    @ConditionalOnMissingBean(name = "headroomHealthContributor")
    @ConditionalOnBean(HealthCheck.class)
    public CompositeHealthContributor headroomHealthContributor(
        ObjectProvider<HealthCheck> checks) {
      Map<String, HealthIndicator> indicators = new LinkedHashMap<>();
      List<HealthCheck> all = checks.orderedStream().toList();
      for (HealthCheck check : all) {
        indicators.put(check.name(), () -> toSpring(check));
      }
      return CompositeHealthContributor.fromMap(indicators);
    }

    /** Readiness: DOWN while a primitive cannot serve; added to the {@code readiness} group. */
    @Bean(HeadroomReadiness.CONTRIBUTOR)
    @ConditionalOnMissingBean(name = HeadroomReadiness.CONTRIBUTOR)
    @ConditionalOnBean(HealthCheck.class)
    @ConditionalOnBooleanProperty(name = "headroom.actuator.readiness", matchIfMissing = true)
    public HeadroomReadiness headroomReadiness(ObjectProvider<HealthCheck> checks) {
      return new HeadroomReadiness(() -> checks.orderedStream().toList());
    }

    static Health toSpring(HealthCheck check) {
      dev.headroom.core.health.Health h;
      try {
        h = check.health();
      } catch (RuntimeException e) {
        return Health.down(e).build();
      }
      Health.Builder b =
          switch (h.status()) {
            case UP -> Health.up();
            case DEGRADED -> Health.up().withDetail("degraded", true);
            case DOWN -> Health.down();
          };
      return b.withDetails(h.details()).build();
    }
  }

  /** Puts {@link HeadroomReadiness} into the {@code readiness} group, never into liveness. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(
      name = {
        "org.springframework.boot.health.actuate.endpoint.HealthEndpointGroupsPostProcessor",
        "org.springframework.boot.actuate.endpoint.web.AdditionalPathsMapper"
      })
  @ConditionalOnBooleanProperty(name = "headroom.actuator.readiness", matchIfMissing = true)
  static class ProbeGroups {

    /** The post-processor of the health groups. */
    @Bean
    static HeadroomHealthGroups headroomHealthGroups() {
      return new HeadroomHealthGroups();
    }
  }

  /** The {@code headroom} endpoint. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(
      name = {
        "org.springframework.boot.actuate.endpoint.annotation.Endpoint",
        "dev.headroom.monitoring.Monitor"
      })
  static class MonitorEndpoint {

    /** Serves {@code /actuator/headroom}. */
    @Bean
    @ConditionalOnBean(Monitor.class)
    @ConditionalOnMissingBean
    public HeadroomEndpoint headroomEndpoint(Monitor monitor) {
      return new HeadroomEndpoint(monitor);
    }
  }

  /** The monitor's health snapshot as the Actuator endpoint {@code headroom}. */
  @Endpoint(id = "headroom")
  public static final class HeadroomEndpoint {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final Monitor monitor;

    HeadroomEndpoint(Monitor monitor) {
      this.monitor = monitor;
    }

    /** The snapshot: status, performance, queue, cache, rate limits, components, alerts. */
    @ReadOperation
    public Map<String, Object> snapshot() throws java.io.IOException {
      return JSON.readValue(
          monitor.snapshot().toJson(), new TypeReference<Map<String, Object>>() {});
    }

    /** Whether the snapshot's status is down. */
    boolean down() {
      return monitor.snapshot().status() == HealthStatus.DOWN;
    }
  }
}
