package dev.headroom.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.headroom.core.redis.RedisConnector;
import dev.headroom.monitoring.RequestMetrics;
import dev.headroom.monitoring.WindowStats;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.cache.CacheManager;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.Environment;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A real embedded server and a second application context on the same real Redis: caching,
 * cross-node eviction, a shared rate limit, 429 answers, Actuator.
 */
@SpringBootTest(
    classes = WebTestApp.class,
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HeadroomStarterWebTest {

  static final String NAMESPACE =
      "hrtest-" + ProcessHandle.current().pid() + "-" + System.nanoTime();

  static final String[] PROPERTIES = {
    "headroom.redis.namespace=" + NAMESPACE,
    "headroom.cache.caches.users.value-type=java.lang.String",
    "headroom.cache.caches.users.ttl=10m",
    // these tests show what two nodes see through Redis: a loaded machine must not turn a slow
    // reply into the documented degradation (load locally, decide locally)
    "headroom.cache.caches.users.l2-timeout=10s",
    "headroom.ratelimit.redis-timeout=10s",
    "headroom.ratelimit.policies.tight.permits=3",
    "headroom.ratelimit.policies.tight.window=10m",
    "headroom.ratelimit.rules[0].policy=tight",
    "headroom.ratelimit.rules[0].paths=/api/**",
    "headroom.ratelimit.rules[0].methods=GET",
    "management.endpoints.web.exposure.include=health,headroom,prometheus",
    "management.endpoint.health.show-details=always"
  };

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    registry.add("headroom.redis.url", HeadroomAutoConfigurationTest::redisUrl);
    for (String p : PROPERTIES) {
      int eq = p.indexOf('=');
      registry.add(p.substring(0, eq), () -> p.substring(eq + 1));
    }
  }

  private final HttpClient http = HttpClient.newHttpClient();

  @LocalServerPort int port;
  @Autowired WebTestApp.Users users;
  @Autowired CacheManager cacheManager;
  @Autowired RequestMetrics requestMetrics;
  @Autowired Environment environment;

  ConfigurableApplicationContext other;
  int otherPort;

  @BeforeAll
  void startASecondNode() {
    List<String> props = new ArrayList<>(List.of(PROPERTIES));
    props.add("headroom.redis.url=" + HeadroomAutoConfigurationTest.redisUrl());
    props.add("server.port=0");
    other =
        new SpringApplicationBuilder(WebTestApp.class)
            .properties(props.toArray(String[]::new))
            .run();
    otherPort = Integer.parseInt(other.getEnvironment().getProperty("local.server.port", "0"));
  }

  @AfterAll
  void stopTheSecondNodeAndDeleteKeys() {
    other.close();
    try (RedisConnector redis = RedisConnector.create(HeadroomAutoConfigurationTest.redisUrl())) {
      List<String> keys = redis.sync().keys(NAMESPACE + ":*");
      if (!keys.isEmpty()) {
        redis.sync().del(keys.toArray(String[]::new));
      }
    }
  }

  HttpResponse<String> send(int port, String method, String path) throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .method(method, HttpRequest.BodyPublishers.noBody())
            .build();
    return http.send(request, HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void cacheableHitsAndRequestsAreRecordedByRouteTemplate() throws Exception {
    int before = users.loads();
    assertThat(send(port, "GET", "/users/1").body()).isEqualTo("user-1");
    assertThat(send(port, "GET", "/users/1").body()).isEqualTo("user-1");
    assertThat(users.loads() - before).isEqualTo(1);

    List<String> endpoints =
        requestMetrics.endpoints(Duration.ofMinutes(1)).stream()
            .map(WindowStats::endpoint)
            .toList();
    assertThat(endpoints).contains("/users/{id}").doesNotContain("/users/1");
  }

  @Test
  void prometheusShowsTheRequestMetersByRouteTemplate() throws Exception {
    send(port, "GET", "/users/31");
    send(port, "GET", "/users/32");
    HttpResponse<String> scrape = send(port, "GET", "/actuator/prometheus");
    assertThat(scrape.statusCode()).isEqualTo(200);
    String usersSeries =
        scrape
            .body()
            .lines()
            .filter(l -> l.startsWith("headroom_http_requests_seconds_count{"))
            .filter(l -> l.contains("/users/"))
            .reduce("", (a, b) -> a + b + "\n");
    assertThat(usersSeries)
        .contains("endpoint=\"/users/{id}\"", "method=\"GET\"")
        .doesNotContain("/users/31", "/users/32");
  }

  @Test
  void anEvictionOnOneNodeIsSeenByTheOther() throws Exception {
    WebTestApp.Users otherUsers = other.getBean(WebTestApp.Users.class);
    assertThat(send(port, "GET", "/users/7").body()).isEqualTo("user-7");
    int otherLoads = otherUsers.loads();
    assertThat(send(otherPort, "GET", "/users/7").body()).isEqualTo("user-7");
    assertThat(otherUsers.loads()).as("served from Redis, not loaded").isEqualTo(otherLoads);

    assertThat(send(otherPort, "DELETE", "/users/7").statusCode()).isEqualTo(200);
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> cacheManager.getCache("users").get("7") == null);

    send(port, "GET", "/users/8");
    send(otherPort, "DELETE", "/users");
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> cacheManager.getCache("users").get("8") == null);
  }

  @Test
  void aSharedLimitAdmitsAtMostItsPermitsAcrossBothNodes() throws Exception {
    int ok = 0;
    HttpResponse<String> denied = null;
    for (int i = 0; i < 10; i++) {
      HttpResponse<String> r = send(i % 2 == 0 ? port : otherPort, "GET", "/api/ping");
      if (r.statusCode() == 200) {
        ok++;
        assertThat(r.headers().firstValue("RateLimit-Policy").orElseThrow())
            .startsWith("\"tight\";q=3;");
      } else {
        assertThat(r.statusCode()).isEqualTo(429);
        denied = r;
      }
    }
    assertThat(ok).isEqualTo(3);
    assertThat(denied).isNotNull();
    assertThat(denied.headers().firstValue("Retry-After")).isPresent();
    assertThat(denied.headers().firstValue("RateLimit").orElseThrow()).startsWith("\"tight\";r=0;");
    assertThat(denied.headers().firstValue("Content-Type").orElseThrow())
        .startsWith("application/problem+json");
    assertThat(denied.body())
        .contains("\"status\":429", "\"title\":\"Too Many Requests\"", "\"policy\":\"tight\"");
  }

  @Test
  void rateLimitedUsesThePresetByName() throws Exception {
    List<Integer> statuses = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      statuses.add(send(port, "POST", "/login").statusCode());
    }
    assertThat(statuses).containsExactly(200, 200, 200, 200, 200, 429);
  }

  @Test
  void actuatorAnswersHealthAndTheHeadroomSnapshot() throws Exception {
    HttpResponse<String> health = send(port, "GET", "/actuator/health");
    assertThat(health.statusCode()).isEqualTo(200);
    assertThat(health.body()).contains("\"headroom\"", "\"cache\"", "\"ratelimit\"", "\"redis\"");

    HttpResponse<String> headroom = send(port, "GET", "/actuator/headroom");
    assertThat(headroom.statusCode()).isEqualTo(200);
    assertThat(headroom.body()).contains("\"status\"", "\"components\"");
  }
}
