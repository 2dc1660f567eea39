package dev.headroom.examples.reference;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/** The comparison configuration: no cache, no batching, no limits, jobs inline. */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "reference.seed-users=500",
      "reference.seed-tracks=2000",
      "reference.cache=false",
      "reference.batching=false",
      "reference.inline-jobs=true",
      "headroom.ratelimit.enabled=false"
    })
class PrimitivesOffTest {

  @LocalServerPort int port;
  @Autowired Database db;

  @Test
  void everyReadQueriesTheDatabaseAndTheDashboardQueriesOncePerProfileAndWallet() {
    Http http = new Http(port);
    double before = db.queryCount();
    http.get("/api/home?genre=pop");
    http.get("/api/home?genre=pop");
    assertThat(db.queryCount() - before).isEqualTo(2);

    before = db.queryCount();
    JsonNode creators = http.get("/api/dashboard?genre=pop").json();
    assertThat(db.queryCount() - before).isEqualTo(1 + 2.0 * creators.size());
  }

  @Test
  void noLimitsApplyAndJobsRunInTheRequest() {
    Http http = new Http(port);
    for (int i = 0; i < 7; i++) {
      assertThat(
              http.post(
                      "/api/auth/login",
                      "{\"email\":\"user5@example.com\",\"password\":\"password\"}")
                  .status())
          .isEqualTo(200);
    }
    Http.Answer ai = http.post("/api/ai/generate", "{\"prompt\":\"x\"}", "X-User-Id", "5");
    assertThat(ai.status()).isEqualTo(202);
    assertThat(ai.json().get("jobId").asText()).isEqualTo("inline");
  }
}
