package dev.headroom.monitoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.BasicAuthenticator;
import dev.headroom.core.http.Route;
import dev.headroom.core.http.RouteRequest;
import dev.headroom.core.http.RouteResponse;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Routes mounted on the monitoring server see what the request carried, and answer as given. */
class MonitoringServerRouteTest {

  private final Monitor monitor = Monitor.builder().build();
  private final HttpClient client =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final AtomicReference<RouteRequest> seen = new AtomicReference<>();
  private final Route echo =
      request -> {
        seen.set(request);
        return RouteResponse.text(
                201,
                request.method()
                    + " "
                    + request.contextPath()
                    + " ["
                    + request.path()
                    + "] q="
                    + request.queryParam("q").orElse("-")
                    + " f="
                    + request.formParam("f").orElse("-")
                    + " p="
                    + request.principal().orElse("-"))
            .withHeader("Set-Cookie", "a=1")
            .withHeader("Set-Cookie", "b=2");
      };
  private MonitoringServer server;

  MonitoringServerRouteTest() {
    server =
        MonitoringServer.builder(monitor)
            .route("/queues", echo)
            .route(
                "/boom",
                request -> {
                  throw new IllegalStateException("broken");
                })
            .start();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void aRouteAnswersItsPathAndEveryPathBelowIt() throws Exception {
    HttpResponse<String> root = get("/queues");
    assertThat(root.statusCode()).isEqualTo(201);
    assertThat(root.body()).isEqualTo("GET /queues [] q=- f=- p=-");
    assertThat(root.headers().allValues("Set-Cookie")).containsExactly("a=1", "b=2");

    assertThat(get("/queues/queue?q=a%20b%26c").body())
        .isEqualTo("GET /queues [/queue] q=a b&c f=- p=-");
    assertThat(seen.get().header("user-agent")).isPresent();
    assertThat(get("/queuesX").statusCode()).isEqualTo(404);
    assertThat(get("/health").statusCode()).isEqualTo(200);
  }

  @Test
  void aFormPostReachesTheRoute() throws Exception {
    HttpResponse<String> response =
        client.send(
            HttpRequest.newBuilder(uri("/queues/action"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("f=%3Cx%3E&g=2"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(response.body()).isEqualTo("POST /queues [/action] q=- f=<x> p=-");
  }

  @Test
  void aBodyOverTheLimitIsRefusedBeforeTheRoute() throws Exception {
    HttpResponse<String> response =
        client.send(
            HttpRequest.newBuilder(uri("/queues/action"))
                .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[64 * 1024 + 1]))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(413);
    assertThat(seen.get()).isNull();
  }

  @Test
  void aRouteThatThrowsIsAnswered500() throws Exception {
    assertThat(get("/boom").statusCode()).isEqualTo(500);
  }

  @Test
  void theAuthenticatorsUserIsThePrincipal() throws Exception {
    server.close();
    server =
        MonitoringServer.builder(monitor)
            .route("/queues", echo)
            .authenticator(
                new BasicAuthenticator("ops") {
                  @Override
                  public boolean checkCredentials(String user, String password) {
                    return user.equals("ada") && password.equals("secret");
                  }
                })
            .start();
    assertThat(get("/queues").statusCode()).isEqualTo(401);
    String basic =
        Base64.getEncoder().encodeToString("ada:secret".getBytes(StandardCharsets.UTF_8));
    HttpResponse<String> response =
        client.send(
            HttpRequest.newBuilder(uri("/queues"))
                .header("Authorization", "Basic " + basic)
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(response.body()).endsWith("p=ada");
  }

  @Test
  void routePathsAreChecked() {
    assertThatThrownBy(() -> MonitoringServer.builder(monitor).route("queues", echo))
        .hasMessageContaining("route path");
    assertThatThrownBy(() -> MonitoringServer.builder(monitor).route("/queues/", echo))
        .hasMessageContaining("must not end with '/'");
    assertThatThrownBy(() -> MonitoringServer.builder(monitor).route("/q", echo).route("/q", echo))
        .hasMessageContaining("mounted already");
    assertThatThrownBy(() -> MonitoringServer.builder(monitor).route("/health", echo).start())
        .hasMessageContaining("health or metrics path");
  }

  private HttpResponse<String> get(String path) throws Exception {
    return client.send(
        HttpRequest.newBuilder(uri(path)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private URI uri(String path) {
    return URI.create("http://127.0.0.1:" + server.port() + path);
  }
}
