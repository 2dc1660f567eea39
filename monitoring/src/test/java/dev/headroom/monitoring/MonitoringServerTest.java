package dev.headroom.monitoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.headroom.core.health.Health;
import dev.headroom.core.health.HealthCheck;
import dev.headroom.core.health.HealthStatus;
import dev.headroom.core.time.ManualTimeSource;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class MonitoringServerTest {

  private final ManualTimeSource time = ManualTimeSource.create();
  private final PrometheusMeterRegistry prometheus =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final RequestMetrics requests =
      RequestMetrics.create(
          RequestMetricsConfig.builder().timeSource(time).meterRegistry(prometheus).build());
  private final AtomicReference<Health> dbHealth = new AtomicReference<>(Health.up());
  private final Monitor monitor =
      Monitor.builder()
          .meterRegistry(prometheus)
          .requests(requests)
          .healthCheck(
              new HealthCheck() {
                @Override
                public String name() {
                  return "db";
                }

                @Override
                public Health health() {
                  return dbHealth.get();
                }
              })
          .build();
  private final HttpClient client =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private MonitoringServer server =
      MonitoringServer.builder(monitor).prometheus(prometheus).start();

  @AfterEach
  void stop() {
    server.close();
  }

  private HttpResponse<String> call(String method, String path)
      throws IOException, InterruptedException {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
            .timeout(Duration.ofSeconds(10))
            .method(method, HttpRequest.BodyPublishers.noBody())
            .build();
    return client.send(request, HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void servesTheHealthSnapshot() throws Exception {
    requests.recordRequest("/api/tracks/{id}", "GET", 200, Duration.ofMillis(40));
    assertThat(server.address().getAddress().isLoopbackAddress()).isTrue();

    HttpResponse<String> response = call("GET", "/health");
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type"))
        .hasValue("application/json; charset=utf-8");
    JsonNode root = new ObjectMapper().readTree(response.body());
    assertThat(root.get("status").asText()).isEqualTo("ok");
    assertThat(root.get("performance").get("totalRequests").asLong()).isEqualTo(1);
    assertThat(root.get("components").get(0).get("name").asText()).isEqualTo("db");

    dbHealth.set(Health.of(HealthStatus.DEGRADED, Map.of()));
    assertThat(call("GET", "/health").statusCode()).as("degraded still serves").isEqualTo(200);
    dbHealth.set(Health.down(new IllegalStateException("gone")));
    HttpResponse<String> down = call("GET", "/health");
    assertThat(down.statusCode()).isEqualTo(503);
    assertThat(new ObjectMapper().readTree(down.body()).get("status").asText()).isEqualTo("down");

    HttpResponse<String> head = call("HEAD", "/health");
    assertThat(head.statusCode()).isEqualTo(503);
    assertThat(head.body()).isEmpty();
  }

  @Test
  void servesPrometheusText() throws Exception {
    requests.recordRequest("/api/tracks/{id}", "GET", 200, Duration.ofMillis(40));
    requests.recordRequest("/api/tracks/{id}", "GET", 503, Duration.ofMillis(60));

    HttpResponse<String> response = call("GET", "/metrics");
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type"))
        .hasValueSatisfying(ct -> assertThat(ct).startsWith("text/plain"));
    assertThat(response.body())
        .contains(
            "headroom_http_requests_seconds_count{endpoint=\"/api/tracks/{id}\",method=\"GET\",status=\"2xx\"} 1")
        .contains(
            "headroom_http_requests_seconds_count{endpoint=\"/api/tracks/{id}\",method=\"GET\",status=\"5xx\"} 1")
        .contains(
            "headroom_http_requests_seconds_bucket{endpoint=\"/api/tracks/{id}\",method=\"GET\",status=\"5xx\",le=\"+Inf\"} 1")
        .contains(
            "headroom_http_errors_total{endpoint=\"/api/tracks/{id}\",method=\"GET\",status=\"5xx\"} 1")
        .contains(
            "headroom_http_latency_seconds{endpoint=\"/api/tracks/{id}\",method=\"GET\",statistic=\"max\",window=\"1m\"} 0.06")
        .doesNotContain("endpoint=\"*\"");
  }

  @Test
  void answersOtherPathsAndMethodsWithErrors() throws Exception {
    assertThat(call("GET", "/nope").statusCode()).isEqualTo(404);
    assertThat(call("GET", "/healthz").statusCode()).isEqualTo(404);
    HttpResponse<String> post = call("POST", "/health");
    assertThat(post.statusCode()).isEqualTo(405);
    assertThat(post.headers().firstValue("Allow")).hasValue("GET, HEAD");
  }

  @Test
  void withoutPrometheusMetricsIsNotServed() throws Exception {
    server.close();
    server = MonitoringServer.builder(monitor).healthPath("/api/health").start();
    assertThat(call("GET", "/metrics").statusCode()).isEqualTo(404);
    assertThat(call("GET", "/api/health").statusCode()).isEqualTo(200);
  }

  @Test
  void stopsServingWhenClosed() {
    server.close();
    assertThatThrownBy(() -> call("GET", "/health")).isInstanceOf(ConnectException.class);
  }

  @Test
  void rejectsBadConfiguration() {
    assertThatThrownBy(() -> MonitoringServer.builder(monitor).healthPath("health"))
        .hasMessage("healthPath must start with '/' and name something, was 'health'");
    assertThatThrownBy(() -> MonitoringServer.builder(monitor).metricsPath("/health").start())
        .hasMessageContaining("must differ");
    assertThatThrownBy(() -> MonitoringServer.builder(monitor).bind(server.address()).start())
        .isInstanceOf(UncheckedIOException.class)
        .hasMessageContaining("could not bind");
  }
}
