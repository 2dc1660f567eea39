package dev.headroom.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.headroom.core.health.Health;
import dev.headroom.core.health.HealthCheck;
import dev.headroom.core.http.Route;
import dev.headroom.core.http.RouteResponse;
import dev.headroom.core.metrics.HeadroomMeters;
import dev.headroom.testkit.ReadmeSnippets;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Every Java snippet of README.md stands in this file, and runs here. */
class ReadmeSnippetsTest {

  private static final Logger log = LoggerFactory.getLogger(ReadmeSnippetsTest.class);

  @Test
  void everyReadmeSnippetStandsInThisTest() {
    ReadmeSnippets.assertAllIn(Path.of("README.md"),
        Path.of("src/test/java/dev/headroom/monitoring/ReadmeSnippetsTest.java"));
  }

  @Test
  void theFourLines() {
    MeterRegistry meterRegistry = new SimpleMeterRegistry();

    RequestMetricsConfig config = RequestMetricsConfig.builder().meterRegistry(meterRegistry).build(); // 1 and 5 min windows
    RequestMetrics requests = RequestMetrics.create(config);                  // one per service (and registry)
    requests.recordRequest("/api/tracks/{id}", "GET", 200, Duration.ofMillis(42));
    String json = Monitor.builder().meterRegistry(meterRegistry).requests(requests).build().snapshot().toJson();

    assertThat(json).contains("\"totalRequests\":1");
    assertThat(meterRegistry.get(HeadroomMeters.HTTP_REQUESTS).timer().count()).isEqualTo(1);
    requests.close();
  }

  @Test
  void useIt() throws Exception {
    HealthCheck database = new HealthCheck() {
      @Override
      public String name() {
        return "db:main";
      }

      @Override
      public Health health() {
        return Health.up();
      }
    };
    long id = 42;
    int port = 0;

    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    RequestMetrics requests = RequestMetrics.create(RequestMetricsConfig.builder().meterRegistry(registry).build());
    requests.recordRequest("/api/tracks/{id}", "GET", 200, Duration.ofMillis(42));
    String track = requests.time("/api/tracks/{id}", "GET", () -> loadTrack(id)); // 200, or 500 if it throws

    Monitor monitor = Monitor.builder()
        .meterRegistry(registry)
        .requests(requests)
        .healthCheck(database)                        // any core HealthCheck
        .alertRules(AlertRules.defaults())            // the runbook rules below
        .scalingAdvisor(ScalingAdvisor.defaults())
        .build()
        .start(Duration.ofSeconds(15));               // evaluate rules on a daemon thread
    monitor.addAlertListener(e -> log.warn("{} {}", e.kind(), e.rule().name()));

    String json = monitor.snapshot().toJson();        // for any framework's /api/health
    MonitoringServer server = MonitoringServer.builder(monitor).prometheus(registry)
        .bind(new InetSocketAddress(port)).start();   // GET /health, GET /metrics

    try {
      assertThat(track).isEqualTo("track 42");
      assertThat(new ObjectMapper().readTree(json).get("components").get(0).get("name").asText()).isEqualTo("db:main");
      assertThat(server.port()).isPositive();
      assertThat(registry.scrape()).contains("headroom_http_requests_seconds_bucket{");
    } finally {
      server.close();
      monitor.close();
      requests.close();
    }
  }

  @Test
  void alertRules() {
    AlertRule p95 = AlertRule.builder("p95-latency").metric(Metric.P95).above(500).resolveBelow(400)
        .forDuration(Duration.ofMinutes(1)).cooldown(Duration.ofMinutes(5)).severity(Severity.WARNING).build();
    AlertRule threads = AlertRule.builder("threads").metric(Metric.meter("jvm.threads.live")).above(500).build();
    AlertRules rules = AlertRules.of(p95, threads);

    assertThat(rules.rules()).containsExactly(p95, threads);
  }

  private static String loadTrack(long id) {
    return "track " + id;
  }

  // ---- README: Routes ----

  @Test
  void routes() throws Exception {
    Monitor monitor = Monitor.builder().build();

    Route hello = request -> RouteResponse.text(200, "hello " + request.principal().orElse("anonymous"));
    MonitoringServer withRoutes = MonitoringServer.builder(monitor)
        .route("/hello", hello)                       // /hello and every path below it, any method
        .start();

    try (withRoutes) {
      HttpResponse<String> response = HttpClient.newHttpClient().send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + withRoutes.port() + "/hello/there")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(response.body()).isEqualTo("hello anonymous");
    }
  }
}
