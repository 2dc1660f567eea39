package dev.headroom.monitoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.File;
import java.net.MalformedURLException;
import java.net.URI;
import java.net.URL;
import java.net.URLClassLoader;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;

/**
 * micrometer-registry-prometheus is optional: everything but {@code prometheus(...)} works without
 * it.
 */
class OptionalPrometheusTest {

  @Test
  void worksWithoutThePrometheusRegistryOnTheClasspath() throws Exception {
    String classpath =
        System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    URL[] urls =
        Arrays.stream(classpath.split(File.pathSeparator))
            .filter(entry -> !entry.contains("prometheus"))
            .map(OptionalPrometheusTest::url)
            .toArray(URL[]::new);
    try (URLClassLoader loader = new URLClassLoader(urls, ClassLoader.getPlatformClassLoader())) {
      assertThatThrownBy(
              () -> loader.loadClass("io.micrometer.prometheusmetrics.PrometheusMeterRegistry"))
          .isInstanceOf(ClassNotFoundException.class);
      Class<?> probe = loader.loadClass(WithoutPrometheus.class.getName());
      assertThat(probe.getClassLoader()).isSameAs(loader);
      @SuppressWarnings("unchecked")
      Callable<Integer> run = (Callable<Integer>) probe.getConstructor().newInstance();
      assertThat(run.call()).isEqualTo(200);
    }
  }

  private static URL url(String entry) {
    try {
      return new File(entry).toURI().toURL();
    } catch (MalformedURLException e) {
      throw new IllegalArgumentException(entry, e);
    }
  }

  /**
   * Runs in a class loader without the Prometheus registry: records, snapshots and serves /health.
   */
  public static final class WithoutPrometheus implements Callable<Integer> {

    /** For reflection. */
    public WithoutPrometheus() {}

    @Override
    public Integer call() throws Exception {
      SimpleMeterRegistry registry = new SimpleMeterRegistry();
      RequestMetrics requests =
          RequestMetrics.create(RequestMetricsConfig.builder().meterRegistry(registry).build());
      requests.recordRequest("/a", "GET", 200, Duration.ofMillis(3));
      Monitor monitor = Monitor.builder().meterRegistry(registry).requests(requests).build();
      monitor.evaluate();
      try (MonitoringServer server = MonitoringServer.builder(monitor).start()) {
        HttpResponse<String> response =
            HttpClient.newHttpClient()
                .send(
                    HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + server.port() + "/health"))
                        .timeout(Duration.ofSeconds(10))
                        .build(),
                    HttpResponse.BodyHandlers.ofString());
        return response.body().contains("\"totalRequests\":1") ? response.statusCode() : -1;
      }
    }
  }
}
