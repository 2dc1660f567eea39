package dev.headroom.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.headroom.queue.JobQueueRegistry;
import dev.headroom.testkit.RedisServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Liveness and readiness probes on a real server whose own Redis is stopped: liveness never depends
 * on Redis; readiness goes down only when a primitive cannot serve without it (a queue), not for a
 * cache serving from L1 or a limiter on its failure mode.
 */
class HeadroomProbesWebTest {

  private final HttpClient http = HttpClient.newHttpClient();

  private ConfigurableApplicationContext start(RedisServer redis, String... extra) {
    List<String> props =
        new java.util.ArrayList<>(
            List.of(
                "server.port=0",
                "headroom.redis.url=" + redis.uri(),
                "headroom.redis.namespace=probes",
                "headroom.cache.caches.users.value-type=java.lang.String",
                "management.endpoint.health.probes.enabled=true",
                "management.endpoint.health.show-details=always",
                "management.endpoints.web.exposure.include=health"));
    props.addAll(List.of(extra));
    return new SpringApplicationBuilder(WebTestApp.class)
        .properties(props.toArray(String[]::new))
        .run();
  }

  private HttpResponse<String> get(ConfigurableApplicationContext ctx, String path)
      throws Exception {
    String port = ctx.getEnvironment().getProperty("local.server.port");
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void redisDownLeavesBothProbesUpWhileEveryPrimitiveStillServes() throws Exception {
    try (RedisServer redis = RedisServer.start();
        ConfigurableApplicationContext ctx = start(redis, "headroom.queue.enabled=false")) {
      assertThat(get(ctx, "/actuator/health/readiness").statusCode()).isEqualTo(200);
      assertThat(get(ctx, "/actuator/health/liveness").statusCode()).isEqualTo(200);

      redis.stop();
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> get(ctx, "/actuator/health").statusCode() == 503);
      assertThat(get(ctx, "/actuator/health/headroom/redis").body()).contains("\"DOWN\"");
      assertThat(get(ctx, "/actuator/health/readiness").statusCode()).isEqualTo(200);
      assertThat(get(ctx, "/actuator/health/liveness").statusCode()).isEqualTo(200);
    }
  }

  @Test
  void aQueueThatCannotStoreJobsTakesReadinessDownButNeverLiveness() throws Exception {
    try (RedisServer redis = RedisServer.start();
        ConfigurableApplicationContext ctx = start(redis)) {
      ctx.getBean(JobQueueRegistry.class).getOrCreate("probe-jobs");
      assertThat(get(ctx, "/actuator/health/readiness").statusCode()).isEqualTo(200);

      redis.stop();
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> get(ctx, "/actuator/health/readiness").statusCode() == 503);
      assertThat(get(ctx, "/actuator/health/headroomReadiness").body())
          .as("the details name the primitive that cannot serve")
          .contains("\"DOWN\"", "\"queue\"");
      HttpResponse<String> liveness = get(ctx, "/actuator/health/liveness");
      assertThat(liveness.statusCode()).isEqualTo(200);
      assertThat(liveness.body()).contains("\"UP\"");
    }
  }
}
