package dev.headroom.spring.boot;

import dev.headroom.core.health.HealthCheck;
import dev.headroom.monitoring.Monitor;
import dev.headroom.monitoring.RequestMetrics;
import dev.headroom.monitoring.RequestMetricsConfig;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * {@link RequestMetrics} recorded per route template by a servlet or WebFlux filter, and a {@link
 * Monitor} over them, the context's meter registry and every Headroom {@link HealthCheck} bean.
 */
@AutoConfiguration(
    after = {
      HeadroomRedisAutoConfiguration.class,
      HeadroomCacheAutoConfiguration.class,
      HeadroomRateLimitAutoConfiguration.class,
      HeadroomQueueAutoConfiguration.class,
      HeadroomCdnAutoConfiguration.class
    },
    afterName = {
      "org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
      "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration"
    })
@ConditionalOnClass(Monitor.class)
@ConditionalOnBooleanProperty(name = "headroom.monitoring.enabled", matchIfMissing = true)
@EnableConfigurationProperties(HeadroomMonitoringProperties.class)
public class HeadroomMonitoringAutoConfiguration {

  /** Request metrics, their meters on the context's registry. */
  @Bean
  @ConditionalOnMissingBean
  public RequestMetrics headroomRequestMetrics(ObjectProvider<MeterRegistry> meters) {
    RequestMetricsConfig.Builder b = RequestMetricsConfig.builder();
    MeterRegistry registry = meters.getIfAvailable();
    if (registry != null) {
      b.meterRegistry(registry);
    }
    return RequestMetrics.create(b.build());
  }

  /** The monitor: health snapshot, alert rules; evaluated on its own schedule. */
  @Bean
  @ConditionalOnMissingBean
  public Monitor headroomMonitor(
      RequestMetrics requests,
      ObjectProvider<MeterRegistry> meters,
      ObjectProvider<HealthCheck> checks,
      HeadroomMonitoringProperties properties) {
    Monitor.Builder b = Monitor.builder().requests(requests);
    MeterRegistry registry = meters.getIfAvailable();
    if (registry != null) {
      b.meterRegistry(registry);
    }
    b.healthChecks(checks.orderedStream().toList());
    Monitor monitor = b.build();
    Props.apply(
        "headroom.monitoring.evaluation-interval",
        properties.getEvaluationInterval(),
        monitor::start);
    return monitor;
  }

  /** Records every servlet request under its route template. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
  @ConditionalOnClass(name = "jakarta.servlet.Filter")
  @ConditionalOnBooleanProperty(name = "headroom.monitoring.request-metrics", matchIfMissing = true)
  static class Servlet {

    /** The filter. */
    @Bean
    @ConditionalOnMissingBean
    public RequestMetricsFilter headroomRequestMetricsFilter(RequestMetrics metrics) {
      return new RequestMetricsFilter(metrics);
    }
  }

  /** Records every WebFlux exchange under its route template. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
  @ConditionalOnClass(name = "org.springframework.web.reactive.HandlerMapping")
  @ConditionalOnBooleanProperty(name = "headroom.monitoring.request-metrics", matchIfMissing = true)
  static class Reactive {

    /** The filter. */
    @Bean
    @ConditionalOnMissingBean
    public ReactiveRequestMetricsFilter headroomReactiveRequestMetricsFilter(
        RequestMetrics metrics) {
      return new ReactiveRequestMetricsFilter(metrics);
    }
  }
}
