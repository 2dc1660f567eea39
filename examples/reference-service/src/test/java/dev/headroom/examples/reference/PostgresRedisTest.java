package dev.headroom.examples.reference;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.headroom.testkit.RedisServer;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The service on a real PostgreSQL ({@code HEADROOM_PG_URL}, default 127.0.0.1:5432/test, in a
 * schema of its own) and a Redis of its own (testkit), as it runs with DB_URL and REDIS_URL.
 */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {"reference.seed-users=300", "reference.seed-tracks=1000"})
class PostgresRedisTest {

  static final String PG_URL =
      System.getenv().getOrDefault("HEADROOM_PG_URL", "jdbc:postgresql://127.0.0.1:5432/test");
  static final String PG_USER = System.getenv().getOrDefault("HEADROOM_PG_USER", "postgres");
  static final String SCHEMA =
      "refsvc_"
          + UUID.randomUUID().toString().replace("-", "").substring(0, 12).toLowerCase(Locale.ROOT);
  static RedisServer redis;

  @LocalServerPort int port;

  @DynamicPropertySource
  static void infrastructure(DynamicPropertyRegistry registry) throws SQLException {
    redis = RedisServer.start();
    sql("CREATE SCHEMA " + SCHEMA);
    registry.add(
        "spring.datasource.url",
        () -> PG_URL + (PG_URL.contains("?") ? "&" : "?") + "currentSchema=" + SCHEMA);
    registry.add("spring.datasource.username", () -> PG_USER);
    registry.add("headroom.redis.url", () -> redis.uri());
  }

  @AfterAll
  static void cleanUp() throws SQLException {
    sql("DROP SCHEMA IF EXISTS " + SCHEMA + " CASCADE");
    if (redis != null) {
      redis.close();
    }
  }

  private static void sql(String statement) throws SQLException {
    try (Connection c = DriverManager.getConnection(PG_URL, PG_USER, "");
        Statement s = c.createStatement()) {
      s.execute(statement);
    }
  }

  @Test
  void theJourneyRunsOnPostgresAndRedis() {
    Http http = new Http(port);
    JsonNode home = http.get("/api/home?genre=folk", "X-Forwarded-For", "10.9.0.1").json();
    assertThat(home.get("tracks")).hasSize(Catalog.FEED_SIZE);
    assertThat(
            http.post(
                    "/api/auth/login",
                    "{\"email\":\"user9@example.com\",\"password\":\"password\"}",
                    "X-Forwarded-For",
                    "10.9.0.1")
                .status())
        .isEqualTo(200);
    assertThat(http.get("/api/tracks/" + home.get("tracks").get(0).get("id").asLong()).status())
        .isEqualTo(200);
    assertThat(http.post("/api/ai/generate", "{\"prompt\":\"p\"}", "X-User-Id", "9").status())
        .isEqualTo(202);
    assertThat(http.get("/api/dashboard?genre=folk").json().size()).isGreaterThan(5);
    JsonNode health = http.get("/api/health").json();
    assertThat(health.get("status").asText()).isEqualTo("healthy");
    assertThat(health.get("checks").get("redis").get("status").asText()).isEqualTo("up");
    http.get("/api/home?genre=folk");
    JsonNode feeds = http.get("/api/stats").json().get("caches").get("feeds");
    assertThat(feeds.get("misses").asLong()).isEqualTo(2); // home:folk and dashboard:folk
    assertThat(feeds.get("l1Hits").asLong()).isEqualTo(1);
  }
}
