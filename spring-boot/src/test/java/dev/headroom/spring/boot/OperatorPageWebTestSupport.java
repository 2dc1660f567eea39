package dev.headroom.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.headroom.queue.JobQueueRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The operator page through a real embedded server, over real HTTP: the servlet and the reactive
 * test run these same steps. Queues in memory, no workers.
 */
abstract class OperatorPageWebTestSupport {

  private static final Pattern TOKEN = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"");

  @LocalServerPort int port;
  @Autowired JobQueueRegistry queues;

  private final HttpClient http = HttpClient.newHttpClient();

  String base() {
    return "http://localhost:" + port + "/headroom/queues";
  }

  HttpResponse<String> get(String path, String... headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base() + path)).GET();
    if (headers.length > 0) {
      b.headers(headers);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<String> post(String path, String form, String... headers) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(base() + path))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString(form));
    if (headers.length > 0) {
      b.headers(headers);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  String origin() {
    return "http://localhost:" + port;
  }

  @Test
  void theOverviewListsTheQueuesWithTheSecurityHeaders() throws Exception {
    HttpResponse<String> page = get("/");
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.headers().firstValue("Content-Type"))
        .hasValueSatisfying(t -> assertThat(t).startsWith("text/html"));
    assertThat(page.headers().firstValue("Content-Security-Policy"))
        .hasValueSatisfying(v -> assertThat(v).contains("default-src 'none'"));
    assertThat(page.headers().firstValue("X-Frame-Options")).hasValue("DENY");
    assertThat(page.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
    assertThat(page.headers().firstValue("Cache-Control")).hasValue("no-store");
    assertThat(page.headers().firstValue("Set-Cookie"))
        .hasValueSatisfying(c -> assertThat(c).contains("Path=/headroom/queues", "HttpOnly"));
    assertThat(page.body()).contains("mail", "reports", "/headroom/queues/queue?name=mail");

    assertThat(get("").statusCode()).isEqualTo(200);
    HttpResponse<String> json = get("/api/queues");
    assertThat(json.statusCode()).isEqualTo(200);
    assertThat(json.body()).contains("\"name\":\"mail\"", "\"name\":\"reports\"");
    assertThat(get("/nothing-here").statusCode()).isEqualTo(404);
  }

  @Test
  void anActionNeedsTheTokenTheOriginAndAPrincipal() throws Exception {
    String form = "queue=reports&action=pause&state=WAITING";
    assertThat(post("/action", form, "Origin", origin(), "X-Test-User", "ada").statusCode())
        .isEqualTo(403);

    HttpResponse<String> page = get("/queue?name=reports", "X-Test-User", "ada");
    assertThat(page.statusCode()).isEqualTo(200);
    String cookie = page.headers().firstValue("Set-Cookie").orElseThrow().split(";", 2)[0];
    Matcher token = TOKEN.matcher(page.body());
    assertThat(token.find()).as("a form with the token in %s", page.body()).isTrue();
    String signed = form + "&csrf=" + token.group(1);

    // anonymous: the default act check wants an authenticated principal
    assertThat(post("/action", signed, "Origin", origin(), "Cookie", cookie).statusCode())
        .isEqualTo(403);
    // another site
    assertThat(
            post(
                    "/action",
                    signed,
                    "Origin",
                    "https://evil.example",
                    "Cookie",
                    cookie,
                    "X-Test-User",
                    "ada")
                .statusCode())
        .isEqualTo(403);
    assertThat(queues.get("reports").isPaused()).isFalse();

    HttpResponse<String> done =
        post("/action", signed, "Origin", origin(), "Cookie", cookie, "X-Test-User", "ada");
    assertThat(done.statusCode()).isEqualTo(303);
    assertThat(done.headers().firstValue("Location"))
        .hasValueSatisfying(
            l ->
                assertThat(l).startsWith("/headroom/queues/queue?name=reports").contains("paused"));
    assertThat(queues.get("reports").isPaused()).isTrue();
    assertThat(get("/api/queues").body()).contains("\"name\":\"reports\",\"paused\":true");
  }

  @Test
  void aBodyOver64KibIsRefused() throws Exception {
    String big = "queue=mail&action=pause&pad=" + "x".repeat(70 * 1024);
    assertThat(post("/action", big, "Origin", origin()).statusCode()).isEqualTo(413);
    assertThat(queues.get("mail").isPaused()).isFalse();
  }
}
