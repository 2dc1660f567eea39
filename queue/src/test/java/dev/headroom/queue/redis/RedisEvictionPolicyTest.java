package dev.headroom.queue.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.headroom.core.health.Health;
import dev.headroom.core.health.HealthStatus;
import dev.headroom.core.redis.RedisConnector;
import dev.headroom.queue.JobQueue;
import dev.headroom.queue.JobQueueConfig;
import dev.headroom.queue.JobQueues;
import dev.headroom.testkit.RedisServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A queue on Redis needs {@code maxmemory-policy noeviction}: at start it reads the policy, and
 * while it is anything else it warns and reports DEGRADED (it does not refuse to start).
 */
class RedisEvictionPolicyTest {

  private static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Health healthOn(List<String> serverArgs, HealthStatus expected) {
    try (RedisServer server = RedisServer.start(freePort(), serverArgs);
        RedisConnector connector = RedisConnector.create(server.uri());
        JobQueue q = JobQueues.redis(connector, "policy", JobQueueConfig.ofDefaults())) {
      await()
          .atMost(Duration.ofSeconds(10))
          .until(
              () -> {
                Health h = q.health();
                return h.status() == expected && h.details().containsKey("maxmemoryPolicy");
              });
      return q.health();
    }
  }

  @Test
  void noevictionIsHealthy() {
    Health h = healthOn(List.of("--maxmemory-policy", "noeviction"), HealthStatus.UP);
    assertThat(h.details()).containsEntry("maxmemoryPolicy", "noeviction");
    assertThat(h.details()).doesNotContainKey("misconfiguration");
  }

  @Test
  void anEvictingPolicyIsReportedAsDegraded() {
    Health h =
        healthOn(
            List.of("--maxmemory", "64mb", "--maxmemory-policy", "allkeys-lru"),
            HealthStatus.DEGRADED);
    assertThat(h.details()).containsEntry("maxmemoryPolicy", "allkeys-lru");
    assertThat(h.details().get("misconfiguration").toString())
        .contains("allkeys-lru")
        .contains("noeviction");
  }

  @Test
  void aServerThatRefusesConfigIsNotHeldAgainstTheQueue() {
    Health h = healthOn(List.of("--rename-command", "CONFIG", ""), HealthStatus.UP);
    assertThat(h.details()).containsEntry("maxmemoryPolicy", "unknown");
  }
}
