package dev.headroom.queue.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.headroom.core.codec.Codec;
import dev.headroom.core.health.HealthStatus;
import dev.headroom.core.redis.RedisConnector;
import dev.headroom.core.redis.RedisConnectorOptions;
import dev.headroom.queue.JobOptions;
import dev.headroom.queue.JobQueue;
import dev.headroom.queue.JobQueueConfig;
import dev.headroom.queue.JobQueues;
import dev.headroom.queue.JobType;
import dev.headroom.queue.QueueUnavailableException;
import dev.headroom.testkit.RedisServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A dedicated Redis (append-only file, fsync always, so a restart keeps what it acknowledged)
 * stopped and restarted under running workers: enqueue refuses while it is down, health is DOWN,
 * and the workers resume by themselves; no job acknowledged is lost.
 */
class RedisJobQueueOutageIT {

  private static final RedisConnectorOptions FAST =
      RedisConnectorOptions.builder()
          .commandTimeout(Duration.ofSeconds(1))
          .connectTimeout(Duration.ofMillis(500))
          .reconnectDelay(Duration.ofMillis(20), Duration.ofMillis(200))
          .build();
  private static final JobType<String> TEXT = JobType.of("text", Codec.utf8());

  private RedisServer server;
  private RedisConnector connector;

  @BeforeEach
  void start() {
    server =
        RedisServer.start(freePort(), List.of("--appendonly", "yes", "--appendfsync", "always"));
    connector = RedisConnector.create(server.uri(), FAST);
  }

  @AfterEach
  void stop() {
    connector.close();
    server.close();
  }

  private static int freePort() {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Test
  void enqueueRefusesWhileRedisIsDownAndWorkersResumeWithoutLosingJobs() {
    Map<String, AtomicInteger> runs = new ConcurrentHashMap<>();
    try (JobQueue q =
        JobQueues.redis(
            connector,
            "outage",
            JobQueueConfig.builder().pollInterval(Duration.ofMillis(200)).build())) {
      q.workers()
          .handle(
              TEXT,
              job ->
                  runs.computeIfAbsent(job.payload(), k -> new AtomicInteger()).incrementAndGet())
          .concurrency(4)
          .start();
      List<String> accepted = new ArrayList<>();
      for (int i = 0; i < 100; i++) {
        q.enqueue(TEXT, "before-" + i);
        accepted.add("before-" + i);
      }
      await().atMost(Duration.ofSeconds(10)).until(() -> runs.size() >= 50);
      server.stop();
      assertThatThrownBy(() -> q.enqueue(TEXT, "during"))
          .isInstanceOf(QueueUnavailableException.class)
          .hasMessageContaining("queue 'outage'");
      assertThatThrownBy(
              () -> q.enqueueAll(TEXT, List.of("during-1", "during-2"), JobOptions.ofDefaults()))
          .isInstanceOf(QueueUnavailableException.class);
      assertThat(q.health().status()).isEqualTo(HealthStatus.DOWN);
      server.restart();
      await()
          .atMost(Duration.ofSeconds(15))
          .ignoreExceptions()
          .until(
              () -> {
                q.enqueue(TEXT, "after-0");
                return true;
              });
      accepted.add("after-0");
      for (int i = 1; i < 100; i++) {
        q.enqueue(TEXT, "after-" + i);
        accepted.add("after-" + i);
      }
      await()
          .atMost(Duration.ofSeconds(20))
          .until(() -> runs.keySet().containsAll(accepted) && q.counts().unfinished() == 0);
      assertThat(runs).doesNotContainKeys("during", "during-1", "during-2");
      assertThat(q.health().status()).isEqualTo(HealthStatus.UP);
    }
  }

  @Test
  void idleWorkersBlockedOnRedisWakeUpAfterARestart() {
    Map<String, AtomicInteger> runs = new ConcurrentHashMap<>();
    try (JobQueue q = JobQueues.redis(connector, "idle-outage", JobQueueConfig.builder().build())) {
      q.workers()
          .handle(
              TEXT,
              job ->
                  runs.computeIfAbsent(job.payload(), k -> new AtomicInteger()).incrementAndGet())
          .concurrency(3)
          .start();
      q.enqueue(TEXT, "first");
      await().atMost(Duration.ofSeconds(10)).until(() -> runs.containsKey("first"));
      server.stop();
      await().atMost(Duration.ofSeconds(5)).until(() -> q.health().status() == HealthStatus.DOWN);
      server.restart();
      await()
          .atMost(Duration.ofSeconds(15))
          .ignoreExceptions()
          .until(
              () -> {
                q.enqueue(TEXT, "second");
                return true;
              });
      await().atMost(Duration.ofSeconds(15)).until(() -> runs.containsKey("second"));
      assertThat(runs.get("first").get()).isEqualTo(1);
    }
  }
}
