package dev.headroom.spring.boot;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/** Request metrics, the monitor and its Actuator endpoint. */
@ConfigurationProperties("headroom.monitoring")
public class HeadroomMonitoringProperties {

  /** Whether to create the request metrics, the monitor and the Actuator contributions. */
  private boolean enabled = true;

  /** Whether a servlet filter records every request under its route template. */
  private boolean requestMetrics = true;

  /** How often the monitor evaluates its alert rules. */
  private Duration evaluationInterval = Duration.ofSeconds(15);

  public boolean isEnabled() {
    return enabled;
  }

  public void setEnabled(boolean enabled) {
    this.enabled = enabled;
  }

  public boolean isRequestMetrics() {
    return requestMetrics;
  }

  public void setRequestMetrics(boolean requestMetrics) {
    this.requestMetrics = requestMetrics;
  }

  public Duration getEvaluationInterval() {
    return evaluationInterval;
  }

  public void setEvaluationInterval(Duration evaluationInterval) {
    this.evaluationInterval = evaluationInterval;
  }
}
