package dev.headroom.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.headroom.core.redis.RedisConnector;
import dev.headroom.monitoring.RequestMetrics;
import dev.headroom.monitoring.WindowStats;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import org.springframework.http.HttpHeaders;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The WebFlux variant of the filter test: a real embedded reactive server on a real Redis, the
 * rules applied by path pattern and method, keys from a trusted proxy's X-Forwarded-For and from a
 * header and from the principal, 429 with the headers and the problem body, request metrics by
 * route template.
 */
@SpringBootTest(
    classes = ReactiveTestApp.class,
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "spring.main.web-application-type=reactive",
      "headroom.ratelimit.trusted-proxies=127.0.0.1,::1",
      // the counts asserted are Redis's: a loaded machine must not turn a slow reply into a
      // local fallback decision
      "headroom.ratelimit.redis-timeout=10s",
      "headroom.ratelimit.policies.tight.permits=2",
      "headroom.ratelimit.policies.tight.window=10m",
      "headroom.ratelimit.rules[0].policy=tight",
      "headroom.ratelimit.rules[0].paths=/api/**",
      "headroom.ratelimit.rules[0].methods=GET",
      "headroom.ratelimit.rules[1].policy=tight",
      "headroom.ratelimit.rules[1].paths=/keyed/**",
      "headroom.ratelimit.rules[1].key=header",
      "headroom.ratelimit.rules[1].header=X-Api-Key",
      "headroom.ratelimit.rules[2].policy=tight",
      "headroom.ratelimit.rules[2].paths=/me/**",
      "headroom.ratelimit.rules[2].key=principal"
    })
class HeadroomReactiveWebTest {

  static final String NAMESPACE =
      "hrtest-reactive-" + ProcessHandle.current().pid() + "-" + System.nanoTime();

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    registry.add("headroom.redis.url", HeadroomAutoConfigurationTest::redisUrl);
    registry.add("headroom.redis.namespace", () -> NAMESPACE);
  }

  @LocalServerPort int port;
  @Autowired ApplicationContext context;
  @Autowired RequestMetrics requestMetrics;

  @AfterAll
  static void deleteKeys() {
    try (RedisConnector redis = RedisConnector.create(HeadroomAutoConfigurationTest.redisUrl())) {
      List<String> keys = redis.sync().keys(NAMESPACE + ":*");
      if (!keys.isEmpty()) {
        redis.sync().del(keys.toArray(String[]::new));
      }
    }
  }

  /** What the server answered. */
  record Response(int statusCode, HttpHeaders headers, String body) {
    Optional<String> header(String name) {
      return Optional.ofNullable(headers.getFirst(name));
    }
  }

  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  /**
   * Sends one request to the real server through the JDK's client (the servlet test's client too).
   * The reply may take longer than a few seconds when the first request of a cold JVM meets a
   * loaded machine, so the wait is 30 s; a request that never completes fails the test with every
   * thread's stack, so the report says what the request waited for.
   */
  Response send(String method, String path, String... headers) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(30))
            .method(method, HttpRequest.BodyPublishers.noBody());
    for (int i = 0; i + 1 < headers.length; i += 2) {
      request.header(headers[i], headers[i + 1]);
    }
    HttpResponse<String> response;
    try {
      response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (HttpTimeoutException e) {
      StringBuilder dump = new StringBuilder("no reply to " + method + " " + path + "; threads:\n");
      Thread.getAllStackTraces()
          .forEach(
              (t, stack) -> {
                dump.append('"')
                    .append(t.getName())
                    .append("\" ")
                    .append(t.getState())
                    .append('\n');
                for (StackTraceElement f : stack) {
                  dump.append("    at ").append(f).append('\n');
                }
              });
      throw new AssertionError(dump.toString(), e);
    }
    HttpHeaders received = new HttpHeaders();
    response.headers().map().forEach(received::addAll);
    return new Response(response.statusCode(), received, response.body());
  }

  @Test
  void theContextIsReactiveWithTheWebFiltersAndNoServletFilter() {
    assertThat(context.getBeansOfType(HeadroomRateLimitWebFilter.class)).hasSize(1);
    assertThat(context.getBeansOfType(ReactiveRequestMetricsFilter.class)).hasSize(1);
    assertThat(context.getBeanNamesForType(HeadroomRateLimitFilter.class)).isEmpty();
    assertThat(context.getBeanNamesForType(RequestMetricsFilter.class)).isEmpty();
  }

  @Test
  void aRuleCountsPerForwardedClientAndAnswers429WithHeadersAndProblem() throws Exception {
    String client = "X-Forwarded-For";
    List<Integer> a = new ArrayList<>();
    Response denied = null;
    for (int i = 0; i < 3; i++) {
      Response r = send("GET", "/api/ping", client, "203.0.113.10");
      a.add(r.statusCode());
      if (r.statusCode() == 200) {
        assertThat(r.header("RateLimit-Policy").orElseThrow()).startsWith("\"tight\";q=2;");
      } else {
        denied = r;
      }
    }
    assertThat(a).containsExactly(200, 200, 429);
    assertThat(denied).isNotNull();
    assertThat(denied.header("Retry-After")).isPresent();
    assertThat(denied.header("RateLimit").orElseThrow()).startsWith("\"tight\";r=0;");
    assertThat(denied.header("Content-Type").orElseThrow()).startsWith("application/problem+json");
    assertThat(denied.body())
        .contains(
            "\"status\":429",
            "\"title\":\"Too Many Requests\"",
            "\"policy\":\"tight\"",
            "\"instance\":\"/api/ping\"");

    assertThat(send("GET", "/api/ping", client, "203.0.113.11").statusCode())
        .as("another client behind the trusted proxy has its own count")
        .isEqualTo(200);
    assertThat(send("POST", "/api/ping", client, "203.0.113.10").statusCode())
        .as("the rule is for GET only")
        .isEqualTo(200);
    assertThat(send("GET", "/items/1", client, "203.0.113.10").statusCode())
        .as("no rule for this path")
        .isEqualTo(200);
  }

  @Test
  void aHeaderRuleCountsPerApiKey() throws Exception {
    List<Integer> k1 = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      k1.add(send("GET", "/keyed/" + i, "X-Api-Key", "reactive-k1").statusCode());
    }
    assertThat(k1).containsExactly(200, 200, 429);
    assertThat(send("GET", "/keyed/9", "X-Api-Key", "reactive-k2").statusCode()).isEqualTo(200);
  }

  @Test
  void aPrincipalRuleCountsPerUserAndFallsBackToTheClientAddress() throws Exception {
    List<Integer> alice = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      alice.add(send("GET", "/me/" + i, "X-Test-User", "alice").statusCode());
    }
    assertThat(alice).containsExactly(200, 200, 429);
    assertThat(send("GET", "/me/1", "X-Test-User", "bob").statusCode()).isEqualTo(200);

    List<Integer> anonymous = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      anonymous.add(send("GET", "/me/" + i, "X-Forwarded-For", "198.51.100.7").statusCode());
    }
    assertThat(anonymous)
        .as("no principal: counted by client address")
        .containsExactly(200, 200, 429);
  }

  @Test
  void requestsAreRecordedByRouteTemplateNeverByRawPath() throws Exception {
    assertThat(send("GET", "/items/41").body()).isEqualTo("item-41");
    assertThat(send("GET", "/items/42").body()).isEqualTo("item-42");
    assertThat(send("GET", "/nowhere/43").statusCode())
        .as("no handler: recorded under the resource handler's /**, not the path")
        .isEqualTo(404);

    List<WindowStats> stats = requestMetrics.endpoints(Duration.ofMinutes(1));
    List<String> endpoints = stats.stream().map(WindowStats::endpoint).toList();
    assertThat(endpoints)
        .contains("/items/{id}")
        .noneMatch(e -> e.contains("41") || e.contains("42") || e.contains("43"));
  }
}
