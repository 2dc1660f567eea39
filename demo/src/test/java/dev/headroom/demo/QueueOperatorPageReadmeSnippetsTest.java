package dev.headroom.demo;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.BasicAuthenticator;
import dev.headroom.monitoring.Monitor;
import dev.headroom.monitoring.MonitoringServer;
import dev.headroom.queue.JobQueueConfig;
import dev.headroom.queue.JobQueueRegistry;
import dev.headroom.queue.web.AccessCheck;
import dev.headroom.queue.web.OperatorPage;
import dev.headroom.queue.web.OperatorPageConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The queue README's snippet that mounts the operator page on monitoring's server (queue's own
 * ReadmeSnippetsTest cannot: the queue does not depend on monitoring). It runs here, over HTTP.
 */
class QueueOperatorPageReadmeSnippetsTest {

  interface Passwords {
    boolean check(String user, String password);
  }

  private final Passwords passwords = (user, password) -> user.equals("ada") && password.equals("s3cret");

  @Test
  void theOperatorPageOnTheMonitoringServer() throws Exception {
    Monitor monitor = Monitor.builder().build();
    try (JobQueueRegistry queues = JobQueueRegistry.create(Optional.empty(), JobQueueConfig.ofDefaults())) {
      queues.getOrCreate("emails");
      OperatorPage page = OperatorPage.of(queues, OperatorPageConfig.builder()
          .actionsEnabled(true).actAccess(AccessCheck.principalIn("ada")).build());

      MonitoringServer server = MonitoringServer.builder(monitor)
          .route("/queues", page)                                  // GET /queues/..., POST /queues/action
          .authenticator(new BasicAuthenticator("operators") {     // its user is the request's principal
            @Override public boolean checkCredentials(String user, String password) { return passwords.check(user, password); }
          })
          .start();

      try (server) {
        HttpClient client = HttpClient.newHttpClient();
        URI uri = URI.create("http://127.0.0.1:" + server.port() + "/queues/queue?name=emails");
        assertThat(client.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString()).statusCode())
            .isEqualTo(401);
        String basic = Base64.getEncoder().encodeToString("ada:s3cret".getBytes(StandardCharsets.UTF_8));
        HttpResponse<String> response = client.send(
            HttpRequest.newBuilder(uri).header("Authorization", "Basic " + basic).build(),
            HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("id=\"principal\">ada<").contains("value=\"pause\"");
        assertThat(response.headers().firstValue("Content-Security-Policy")).isPresent();
      }
    }
  }
}
