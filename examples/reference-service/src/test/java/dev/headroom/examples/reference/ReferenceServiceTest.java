package dev.headroom.examples.reference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.headroom.queue.JobQueue;
import dev.headroom.queue.JobQueueRegistry;
import dev.headroom.queue.JobState;
import dev.headroom.queue.ScheduleInfo;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The main endpoints on the embedded default (H2 in memory, every primitive in process), with every
 * primitive on.
 */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {"reference.seed-users=500", "reference.seed-tracks=2000"})
class ReferenceServiceTest {

  @LocalServerPort int port;
  @Autowired Database db;
  @Autowired Catalog catalog;
  @Autowired Jobs jobs;
  @Autowired JobQueueRegistry queues;
  Http http;

  @BeforeEach
  void client() {
    http = new Http(port);
  }

  @Test
  void theHomeFeedListsAGenresMostPlayedTracksAndIsServedFromTheCacheTheSecondTime() {
    Http.Answer first = http.get("/api/home?genre=jazz", "X-Forwarded-For", "10.1.0.1");
    assertThat(first.status()).isEqualTo(200);
    JsonNode tracks = first.json().get("tracks");
    assertThat(tracks).hasSize(Catalog.FEED_SIZE);
    assertThat(tracks.get(0).get("plays").asLong())
        .isGreaterThanOrEqualTo(tracks.get(1).get("plays").asLong());
    assertThat(tracks.get(0).get("genre").asText()).isEqualTo("jazz");

    double before = db.queryCount();
    assertThat(http.get("/api/home?genre=jazz", "X-Forwarded-For", "10.1.0.1").json().get("tracks"))
        .isEqualTo(tracks);
    assertThat(db.queryCount()).isEqualTo(before);
    assertThat(http.get("/api/home?genre=nope", "X-Forwarded-For", "10.1.0.1").status())
        .isEqualTo(404);
  }

  @Test
  void theAnalyticsRollUpIsScheduledEveryFiveMinutesAndItsJobRunsOnTheQueue() {
    JobQueue queue = queues.getOrCreate("default");
    ScheduleInfo rollup = queue.schedules().get("analytics-rollup").orElseThrow();
    assertThat(rollup.timing()).contains("*/5 * * * *");
    assertThat(Duration.between(rollup.nextTick(), Instant.now()).abs())
        .isLessThanOrEqualTo(Duration.ofMinutes(5));

    // the job a tick enqueues runs on the starter's workers
    String id = queue.enqueue(Jobs.ROLLUP, new Jobs.Rollup("generations-by-status"));
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> queue.job(id).map(j -> j.state() == JobState.COMPLETED).orElse(false));
  }

  @Test
  void aTrackHasItsCoverOnTheCdnAndASignedAudioUrl() {
    JsonNode track = http.get("/api/tracks/42", "X-Forwarded-For", "10.1.0.2").json();
    assertThat(track.get("track").get("id").asLong()).isEqualTo(42);
    assertThat(track.get("coverUrl").asText()).isEqualTo("https://cdn.example.com/covers/42.jpg");
    assertThat(track.get("audioUrl").asText())
        .startsWith("https://cdn.example.com/audio/42.mp3?")
        .contains("exp=", "kid=k1", "sig=");
    assertThat(http.get("/api/tracks/999999", "X-Forwarded-For", "10.1.0.2").status())
        .isEqualTo(404);
  }

  @Test
  void renamingAUserDropsEveryCachedEntryOfThatUser() {
    assertThat(http.get("/api/users/7", "X-Forwarded-For", "10.1.0.3").json().get("name").asText())
        .isEqualTo("User 7");
    assertThat(http.get("/api/users/7/mixes", "X-Forwarded-For", "10.1.0.3").json().get("mixes"))
        .hasSize(2);
    Http.Answer renamed =
        http.put("/api/users/7", "{\"name\":\"Ada\"}", "X-Forwarded-For", "10.1.0.3");
    assertThat(renamed.status()).isEqualTo(200);
    assertThat(renamed.json().get("name").asText()).isEqualTo("Ada");
    assertThat(http.get("/api/users/7", "X-Forwarded-For", "10.1.0.3").json().get("name").asText())
        .isEqualTo("Ada");
  }

  @Test
  void loginAcceptsTheRightPasswordAndLimitsAnAddressToFiveAttemptsInFifteenMinutes() {
    String ip = "10.1.0.4";
    Http.Answer ok =
        http.post(
            "/api/auth/login",
            "{\"email\":\"user3@example.com\",\"password\":\"password\"}",
            "X-Forwarded-For",
            ip);
    assertThat(ok.status()).isEqualTo(200);
    assertThat(ok.json().get("userId").asLong()).isEqualTo(3);
    for (int i = 0; i < 4; i++) {
      assertThat(
              http.post(
                      "/api/auth/login",
                      "{\"email\":\"user3@example.com\",\"password\":\"wrong\"}",
                      "X-Forwarded-For",
                      ip)
                  .status())
          .isEqualTo(401);
    }
    Http.Answer limited =
        http.post(
            "/api/auth/login",
            "{\"email\":\"user3@example.com\",\"password\":\"password\"}",
            "X-Forwarded-For",
            ip);
    assertThat(limited.status()).isEqualTo(429);
    assertThat(limited.raw().headers().firstValue("Retry-After")).isPresent();
    assertThat(
            http.post(
                    "/api/auth/login",
                    "{\"email\":\"user3@example.com\",\"password\":\"password\"}",
                    "X-Forwarded-For",
                    "10.1.0.5")
                .status())
        .isEqualTo(200);
  }

  @Test
  void anAiGenerationIsAcceptedAndRunsOnTheQueueWhileAFailingOneEndsAsADeadLetter() {
    Http.Answer accepted =
        http.post(
            "/api/ai/generate",
            "{\"prompt\":\"a calm song\"}",
            "X-User-Id",
            "11",
            "X-Forwarded-For",
            "10.1.0.6");
    assertThat(accepted.status()).isEqualTo(202);
    String jobId = accepted.json().get("jobId").asText();
    Http.Answer failing =
        http.post(
            "/api/ai/generate",
            "{\"prompt\":\"a song that #fail\"}",
            "X-User-Id",
            "11",
            "X-Forwarded-For",
            "10.1.0.6");
    String failingId = failing.json().get("jobId").asText();
    JdbcTemplate jdbc = new JdbcTemplate(db.dataSource());
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () -> {
              assertThat(
                      jdbc.queryForList(
                          "SELECT status FROM generations WHERE job_id = ?", String.class, jobId))
                  .containsExactly("done");
              assertThat(
                      jdbc.queryForList(
                          "SELECT status FROM generations WHERE job_id = ?",
                          String.class,
                          failingId))
                  .containsExactly("dead");
            });
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(
                        http.get("/api/ai/jobs/" + failingId, "X-Forwarded-For", "10.1.0.6")
                            .json()
                            .get("state")
                            .asText())
                    .isEqualTo("DEAD"));
  }

  @Test
  void aUserMayStartThirtyGenerationsAMinute() {
    int accepted = 0;
    int limited = 0;
    for (int i = 0; i < 31; i++) {
      int status =
          http.post(
                  "/api/ai/generate",
                  "{\"prompt\":\"song " + i + "\"}",
                  "X-User-Id",
                  "12",
                  "X-Forwarded-For",
                  "10.2.0." + i)
              .status();
      if (status == 202) {
        accepted++;
      } else if (status == 429) {
        limited++;
      }
    }
    assertThat(accepted).isEqualTo(30);
    assertThat(limited).isEqualTo(1);
  }

  @Test
  void theDashboardLoadsEveryCreatorsProfileAndWalletInOneQueryEach() {
    http.get("/api/dashboard?genre=rock", "X-Forwarded-For", "10.1.0.7"); // the feed is cached now
    // jobs of other tests (AI results) also count statements: let them finish first
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> jobs.counts().values().stream().allMatch(c -> c.unfinished() == 0));
    double before = db.queryCount();
    JsonNode creators = http.get("/api/dashboard?genre=rock", "X-Forwarded-For", "10.1.0.7").json();
    assertThat(creators.size()).isGreaterThan(10);
    assertThat(creators.get(0).get("wallet").get("currency").asText()).isEqualTo("EUR");
    assertThat(creators.get(0).get("wallet").get("userId").asLong())
        .isEqualTo(creators.get(0).get("profile").get("id").asLong());
    assertThat(db.queryCount() - before).isEqualTo(2);
  }

  @Test
  void paymentsAreLimitedToTenAMinutePerUser() {
    long before = db.wallet(21).orElseThrow().balanceCents();
    int ok = 0;
    for (int i = 0; i < 11; i++) {
      if (http.post(
                  "/api/wallet/top-up",
                  "{\"cents\":100}",
                  "X-User-Id",
                  "21",
                  "X-Forwarded-For",
                  "10.3.0." + i)
              .status()
          == 200) {
        ok++;
      }
    }
    assertThat(ok).isEqualTo(10);
    assertThat(db.wallet(21).orElseThrow().balanceCents()).isEqualTo(before + 1000);
  }

  @Test
  void healthStatsAndPrometheusAnswer() {
    JsonNode health = http.get("/api/health").json();
    assertThat(health.get("status").asText()).isEqualTo("healthy");
    assertThat(health.get("checks").get("database").get("status").asText()).isEqualTo("up");
    assertThat(health.get("checks").get("redis").get("status").asText()).isEqualTo("disabled");
    JsonNode stats = http.get("/api/stats").json();
    assertThat(stats.get("features").get("cache").asBoolean()).isTrue();
    assertThat(stats.has("dbQueries")).isTrue();
    Http.Answer prometheus = http.get("/actuator/prometheus");
    assertThat(prometheus.status()).isEqualTo(200);
    assertThat(prometheus.body()).contains("reference_db_queries_total", "headroom_cache_gets");
  }
}
