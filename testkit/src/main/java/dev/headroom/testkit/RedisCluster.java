package dev.headroom.testkit;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A Redis Cluster of three masters (no replicas) on free loopback ports, each a {@link RedisServer}
 * with cluster mode on. Slots are split evenly, the nodes are introduced with {@code CLUSTER MEET},
 * and {@link #start()} returns once every node reports {@code cluster_state:ok}. Close it to kill
 * the nodes.
 */
public final class RedisCluster implements AutoCloseable {

  private static final int SLOTS = 16384;
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(30);

  private final List<RedisServer> nodes;

  private RedisCluster(List<RedisServer> nodes) {
    this.nodes = List.copyOf(nodes);
  }

  /** Starts a 3-master cluster and waits until it is ready. */
  public static RedisCluster start() {
    return start(3);
  }

  /** Starts a cluster of {@code masters} masters (at least 1). */
  public static RedisCluster start(int masters) {
    return start(masters, List.of());
  }

  /**
   * Starts a cluster of {@code masters} masters (at least 1), each node run with the extra {@code
   * redis-server} arguments, such as {@code List.of("--cluster-require-full-coverage", "no")} to
   * keep the other masters serving while one is stopped.
   */
  public static RedisCluster start(int masters, List<String> extraNodeArgs) {
    if (masters < 1) {
      throw new IllegalArgumentException("masters must be >= 1, was " + masters);
    }
    List<RedisServer> nodes = new ArrayList<>();
    try {
      for (int i = 0; i < masters; i++) {
        int port = Ports.freeWithClusterBus();
        List<String> args =
            new ArrayList<>(
                List.of(
                    "--cluster-enabled",
                    "yes",
                    "--cluster-config-file",
                    "nodes-" + port + ".conf",
                    "--cluster-node-timeout",
                    "5000"));
        args.addAll(extraNodeArgs);
        nodes.add(RedisServer.start(port, args));
      }
      RedisCluster cluster = new RedisCluster(nodes);
      cluster.assignSlotsAndMeet();
      cluster.awaitReady();
      return cluster;
    } catch (RuntimeException | IOException e) {
      nodes.forEach(RedisServer::close);
      if (e instanceof RuntimeException re) {
        throw re;
      }
      throw new RedisUnavailableForTestsException(
          "could not form a Redis Cluster: " + e.getMessage(), e);
    }
  }

  private void assignSlotsAndMeet() throws IOException {
    int per = SLOTS / nodes.size();
    for (int i = 0; i < nodes.size(); i++) {
      int from = i * per;
      int to = i == nodes.size() - 1 ? SLOTS - 1 : from + per - 1;
      List<String> cmd = new ArrayList<>(List.of("CLUSTER", "ADDSLOTS"));
      for (int s = from; s <= to; s++) {
        cmd.add(String.valueOf(s));
      }
      try (Resp r = node(i)) {
        r.call(cmd.toArray(String[]::new));
      }
    }
    try (Resp first = node(0)) {
      for (int i = 1; i < nodes.size(); i++) {
        first.call("CLUSTER", "MEET", "127.0.0.1", String.valueOf(nodes.get(i).port()));
      }
    }
  }

  private void awaitReady() throws IOException {
    long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
    for (int i = 0; i < nodes.size(); i++) {
      while (true) {
        String info;
        try (Resp r = node(i)) {
          info = String.valueOf(r.call("CLUSTER", "INFO"));
        }
        if (info.contains("cluster_state:ok")
            && info.contains("cluster_known_nodes:" + nodes.size())) {
          break;
        }
        if (System.nanoTime() > deadline) {
          throw new RedisUnavailableForTestsException(
              "Redis Cluster not ready within " + READY_TIMEOUT + ": " + info);
        }
        RedisServer.pause(50);
      }
    }
  }

  private Resp node(int i) throws IOException {
    return new Resp("127.0.0.1", nodes.get(i).port(), 5000);
  }

  /** The nodes, in slot order. */
  public List<RedisServer> nodes() {
    return nodes;
  }

  /**
   * {@code redis-cluster://127.0.0.1:p1,127.0.0.1:p2,…}, the form {@code RedisConnector} accepts.
   */
  public String uri() {
    return "redis-cluster://"
        + nodes.stream().map(n -> n.host() + ":" + n.port()).collect(Collectors.joining(","));
  }

  @Override
  public void close() {
    nodes.forEach(RedisServer::close);
  }

  @Override
  public String toString() {
    return "RedisCluster[" + uri() + "]";
  }
}
