package dev.headroom.core.redis;

import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens a Cluster connection's connection to every master before the first command needs it.
 *
 * <p>Lettuce opens the connection to a Cluster node lazily, when the first command is routed to one
 * of the node's slots. Since 7.7 a command that finds that connection still opening is rejected at
 * once under {@code DisconnectedBehavior.REJECT_COMMANDS} (lettuce#3747), the fail-fast setting the
 * connector uses by default; Lettuce 6.x instead holds it until the connection is up, for as long
 * as the connect timeout. Either way the first commands to each master would fail or wait although
 * the Cluster is up. So each cluster connection the connector opens has its masters' connections
 * opened (and awaited) at once, and again, without waiting, for the masters a topology change
 * brings. What is left to reject is a real outage: a master whose connection is down.
 *
 * <p>A master that cannot be reached now is logged, not fatal: its slots fail fast until Lettuce
 * reaches it, while the other masters serve theirs.
 */
final class ClusterMasters {

  private static final Logger log = LoggerFactory.getLogger(ClusterMasters.class);

  private final String maskedUrl;
  private final Set<StatefulRedisClusterConnection<?, ?>> connections =
      ConcurrentHashMap.newKeySet();

  ClusterMasters(String maskedUrl) {
    this.maskedUrl = maskedUrl;
  }

  /**
   * Opens {@code connection}'s connection to every master it knows, waits for them at most {@code
   * deadline}, and keeps {@code connection} to open new masters' connections on {@link
   * #topologyChanged()}.
   */
  void open(StatefulRedisClusterConnection<?, ?> connection, Duration deadline) {
    connections.add(connection);
    CompletableFuture<?>[] opening = openAll(connection).toArray(CompletableFuture<?>[]::new);
    if (onNettyThread()) {
      // Waiting here would hold the very event loop some of these connections need: never block it.
      log.debug(
          "Redis Cluster {}: connection opened on an I/O thread, masters not awaited", maskedUrl);
      return;
    }
    try {
      CompletableFuture.allOf(opening).get(deadline.toNanos(), TimeUnit.NANOSECONDS);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      log.warn(
          "Redis Cluster {}: a master is not reachable yet, its slots fail fast until it is: {}",
          maskedUrl,
          cause.getMessage());
    } catch (TimeoutException e) {
      log.warn(
          "Redis Cluster {}: not every master connected within {}, their slots fail fast until they do",
          maskedUrl,
          deadline);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Whether the current thread is one of Netty's (Lettuce's event loops and its computation
   * threads).
   */
  static boolean onNettyThread() {
    for (Class<?> c = Thread.currentThread().getClass(); c != null; c = c.getSuperclass()) {
      if (c.getName().equals("io.netty.util.concurrent.FastThreadLocalThread")) {
        return true;
      }
    }
    return false;
  }

  /** Opens, without waiting, the connections to masters that the open cluster connections lack. */
  void topologyChanged() {
    connections.removeIf(c -> !c.isOpen());
    for (StatefulRedisClusterConnection<?, ?> c : connections) {
      openAll(c);
    }
  }

  private List<CompletableFuture<?>> openAll(StatefulRedisClusterConnection<?, ?> connection) {
    List<CompletableFuture<?>> opening = new ArrayList<>();
    for (RedisClusterNode node : connection.getPartitions()) {
      // Slot routing keys its connections by host and port (not node id): open exactly those.
      if (node.is(RedisClusterNode.NodeFlag.UPSTREAM) && !node.hasNoSlots()) {
        try {
          opening.add(
              connection.getConnectionAsync(node.getUri().getHost(), node.getUri().getPort()));
        } catch (RuntimeException e) {
          // the node left the topology in the meantime
          log.debug(
              "Redis Cluster {}: not opening a connection to {}", maskedUrl, node.getUri(), e);
        }
      }
    }
    return opening;
  }
}
