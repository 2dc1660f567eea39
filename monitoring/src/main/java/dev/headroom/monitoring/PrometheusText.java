package dev.headroom.monitoring;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.function.Supplier;

/**
 * The only class that names the Prometheus registry, so that {@code micrometer-registry-prometheus}
 * (an optional dependency) is loaded only by services that call {@link
 * MonitoringServer.Builder#prometheus}.
 */
final class PrometheusText {

  /**
   * Prometheus text exposition format 0.0.4, as {@link PrometheusMeterRegistry#scrape()} writes it.
   */
  static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  private PrometheusText() {}

  static Supplier<String> of(PrometheusMeterRegistry registry) {
    return registry::scrape;
  }
}
