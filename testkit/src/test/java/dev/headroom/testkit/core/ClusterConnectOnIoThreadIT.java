package dev.headroom.testkit.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.headroom.core.redis.RedisConnector;
import dev.headroom.testkit.RedisCluster;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * A connection first needed from a stage that runs on one of Lettuce's I/O threads must not be
 * opened there: a connect on that thread waits for its own event loop and never ends, and a wait
 * for the cluster's masters would hold every reply on the thread until its deadline. The connector
 * answers such a caller at once (as for a connection not yet up) and opens it from another thread.
 */
class ClusterConnectOnIoThreadIT {

  @Test
  void openingABinaryConnectionFromAnIoThreadDoesNotWaitForTheMasters() throws Exception {
    try (RedisCluster cluster = RedisCluster.start();
        RedisConnector connector = RedisConnector.create(cluster.uri())) {
      connector.sync().set("io-thread-key", "v");
      AtomicReference<String> stageThread = new AtomicReference<>();
      CompletableFuture<byte[]> read =
          connector
              .async()
              // answered after 1 s, so the stage below runs on the I/O thread that reads the reply
              .blpop(1, "io-thread-empty-list")
              .toCompletableFuture()
              .thenCompose(
                  v -> {
                    stageThread.set(Thread.currentThread().getName());
                    return connector.binaryAsync().get("io-thread-key").toCompletableFuture();
                  });
      // The 1 s BLPOP plus well under the 4 s a wait for the masters would hold that thread: the
      // read answers or fails fast (a master connection may still be opening), it never waits
      // there.
      await().atMost(Duration.ofSeconds(3)).until(read::isDone);
      assertThat(stageThread.get()).startsWith("lettuce-");
      // The connections opened without waiting serve as soon as they are up.
      await()
          .atMost(Duration.ofSeconds(5))
          .ignoreExceptions()
          .until(
              () ->
                  "v"
                      .equals(
                          new String(
                              connector.binarySync().get("io-thread-key"),
                              StandardCharsets.UTF_8)));
    }
  }
}
