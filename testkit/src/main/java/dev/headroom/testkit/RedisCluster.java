package dev.headroom.testkit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * A Redis Cluster on free loopback ports, each node a {@link RedisServer} with cluster mode on:
 * three masters by default, optionally with replicas for failover tests. Slots are split evenly
 * over the masters, every node is introduced with {@code CLUSTER MEET}, each replica is attached to
 * its master with {@code CLUSTER REPLICATE}, and {@link #start()} returns once every node reports
 * {@code cluster_state:ok} with every slot served and every replica is in sync. Close it to kill
 * the nodes.
 *
 * <pre>{@code
 * try (RedisCluster cluster = RedisCluster.start(3, 1)) {
 *   RedisServer master = cluster.masterFor("{user:1}");
 *   RedisServer promoted = cluster.failover(master); // CLUSTER FAILOVER on its replica
 *   RedisServer next = cluster.kill(promoted);       // crash: the cluster elects a replica
 * }
 * }</pre>
 *
 * <p>Nodes keep nothing on disk (no RDB, no AOF): a replica has exactly what the replication stream
 * brought it, as with a cache Redis run without persistence.
 */
public final class RedisCluster implements AutoCloseable {

  private static final int SLOTS = 16384;
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration FAILOVER_TIMEOUT = Duration.ofSeconds(30);

  private final List<RedisServer> nodes;
  private final int masters;

  private RedisCluster(List<RedisServer> nodes, int masters) {
    this.nodes = List.copyOf(nodes);
    this.masters = masters;
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
    return builder().masters(masters).nodeArgs(extraNodeArgs).start();
  }

  /**
   * Starts {@code masters} masters with {@code replicasPerMaster} replicas each, with the {@link
   * Builder#nodeTimeout default node timeout for replicated clusters}, and waits until every
   * replica is in sync.
   */
  public static RedisCluster start(int masters, int replicasPerMaster) {
    return builder().masters(masters).replicasPerMaster(replicasPerMaster).start();
  }

  /** A builder: 3 masters, no replicas, until told otherwise. */
  public static Builder builder() {
    return new Builder();
  }

  /** How to start a cluster. */
  public static final class Builder {
    private int masters = 3;
    private int replicasPerMaster;
    private @Nullable Duration nodeTimeout;
    private List<String> nodeArgs = List.of();

    private Builder() {}

    /** Number of masters (at least 1); 3 by default. */
    public Builder masters(int masters) {
      if (masters < 1) {
        throw new IllegalArgumentException("masters must be >= 1, was " + masters);
      }
      this.masters = masters;
      return this;
    }

    /** Replicas attached to each master (at least 0); none by default. */
    public Builder replicasPerMaster(int replicas) {
      if (replicas < 0) {
        throw new IllegalArgumentException("replicasPerMaster must be >= 0, was " + replicas);
      }
      this.replicasPerMaster = replicas;
      return this;
    }

    /**
     * {@code cluster-node-timeout}: how long a master may be unreachable before it is marked failed
     * and a replica takes over. 5 s without replicas; 2 s with replicas, so that an automatic
     * failover takes a few seconds and yet a busy test machine does not fail over by accident.
     */
    public Builder nodeTimeout(Duration timeout) {
      if (timeout.toMillis() < 100) {
        throw new IllegalArgumentException("nodeTimeout must be >= 100 ms, was " + timeout);
      }
      this.nodeTimeout = timeout;
      return this;
    }

    /** Extra {@code redis-server} arguments for every node. */
    public Builder nodeArgs(List<String> args) {
      this.nodeArgs = List.copyOf(args);
      return this;
    }

    /** Starts the nodes and waits until the cluster is ready and every replica in sync. */
    public RedisCluster start() {
      Duration timeout =
          nodeTimeout != null
              ? nodeTimeout
              : replicasPerMaster > 0 ? Duration.ofSeconds(2) : Duration.ofSeconds(5);
      int total = masters * (1 + replicasPerMaster);
      List<RedisServer> nodes = new ArrayList<>();
      try {
        for (int i = 0; i < total; i++) {
          int port = Ports.freeWithClusterBus();
          List<String> args =
              new ArrayList<>(
                  List.of(
                      "--cluster-enabled",
                      "yes",
                      "--cluster-config-file",
                      "nodes-" + port + ".conf",
                      "--cluster-node-timeout",
                      String.valueOf(timeout.toMillis())));
          if (replicasPerMaster > 0) {
            // a replica may be promoted however long it was cut off from its master
            args.addAll(List.of("--cluster-replica-validity-factor", "0"));
          }
          args.addAll(nodeArgs);
          nodes.add(RedisServer.start(port, args));
        }
        RedisCluster cluster = new RedisCluster(nodes, masters);
        cluster.assignSlotsAndMeet();
        cluster.awaitKnown();
        cluster.attachReplicas(replicasPerMaster);
        cluster.awaitReady();
        return cluster;
      } catch (RuntimeException e) {
        nodes.forEach(RedisServer::close);
        throw e;
      }
    }
  }

  private void assignSlotsAndMeet() {
    int per = SLOTS / masters;
    for (int i = 0; i < masters; i++) {
      int from = i * per;
      int to = i == masters - 1 ? SLOTS - 1 : from + per - 1;
      List<String> cmd = new ArrayList<>(List.of("CLUSTER", "ADDSLOTS"));
      for (int s = from; s <= to; s++) {
        cmd.add(String.valueOf(s));
      }
      Poll.call(nodes.get(i), cmd.toArray(String[]::new));
    }
    for (int i = 1; i < nodes.size(); i++) {
      Poll.call(nodes.get(0), "CLUSTER", "MEET", "127.0.0.1", String.valueOf(nodes.get(i).port()));
    }
  }

  private void awaitKnown() {
    for (RedisServer node : nodes) {
      Poll.until(
          READY_TIMEOUT,
          () -> "node " + node.port() + " to know every node: " + info(node),
          () -> info(node).contains("cluster_known_nodes:" + nodes.size()));
    }
  }

  /** Replica {@code r} of master {@code m} is node {@code masters + m * perMaster + r}. */
  private void attachReplicas(int perMaster) {
    for (int m = 0; m < masters; m++) {
      String masterId = id(nodes.get(m));
      for (int r = 0; r < perMaster; r++) {
        RedisServer replica = nodes.get(masters + m * perMaster + r);
        // CLUSTER REPLICATE is refused until the replica has learnt the master is a master
        Poll.until(
            READY_TIMEOUT,
            () -> "node " + replica.port() + " to accept CLUSTER REPLICATE " + masterId,
            () -> {
              Poll.call(replica, "CLUSTER", "REPLICATE", masterId);
              return true;
            });
      }
    }
  }

  private void awaitReady() {
    for (RedisServer node : nodes) {
      Poll.until(
          READY_TIMEOUT,
          () -> "node " + node.port() + " to be ready: " + info(node),
          () -> {
            String info = info(node);
            // with cluster-require-full-coverage off the state is ok before every slot is known,
            // so also wait for each node to see all slots served
            return info.contains("cluster_state:ok")
                && info.contains("cluster_slots_ok:" + SLOTS)
                && info.contains("cluster_known_nodes:" + nodes.size());
          });
    }
    for (RedisServer node : nodes) {
      if (!isMaster(node)) {
        awaitInSync(node);
      }
    }
  }

  /** Waits until {@code replica}'s link to its master is up and its master counts it online. */
  private void awaitInSync(RedisServer replica) {
    Poll.until(
        READY_TIMEOUT,
        () -> "replica " + replica.port() + " to be in sync: " + replication(replica),
        () -> {
          String info = replication(replica);
          if (!info.contains("master_link_status:up")
              || !info.contains("master_sync_in_progress:0")) {
            return false;
          }
          int masterPort = Integer.parseInt(field(info, "master_port"));
          return replication(node(masterPort)).contains("port=" + replica.port() + ",state=online");
        });
  }

  /** Every node, running or not: the masters as started first, then their replicas. */
  public List<RedisServer> nodes() {
    return nodes;
  }

  /** The running nodes that are masters now, in start order. */
  public List<RedisServer> masters() {
    return nodes.stream().filter(RedisServer::isRunning).filter(this::isMaster).toList();
  }

  /** The running replicas of {@code master} now, in start order. */
  public List<RedisServer> replicasOf(RedisServer master) {
    String masterId = id(master);
    return nodes.stream()
        .filter(n -> n != master && n.isRunning())
        .filter(n -> masterId.equals(myLine(n).master()))
        .toList();
  }

  /** The master serving {@code key}'s slot now (hash tags respected). */
  public RedisServer masterFor(String key) {
    RedisServer any = anyRunning();
    int slot =
        ((Number) Objects.requireNonNull(Poll.call(any, "CLUSTER", "KEYSLOT", key))).intValue();
    return masterForSlot(slot);
  }

  /** The master serving {@code slot} now, as the running nodes agree. */
  public RedisServer masterForSlot(int slot) {
    for (NodeLine line : lines(anyRunning())) {
      if (line.isMaster() && line.serves(slot)) {
        return node(line.port());
      }
    }
    throw new IllegalStateException("no master serves slot " + slot);
  }

  /**
   * Manual failover: {@code CLUSTER FAILOVER} on a replica of {@code master}, which first catches
   * up with its master's replication offset (the master stops accepting writes meanwhile), so no
   * acknowledged write is lost. Returns the promoted replica once every running node sees it as the
   * master of those slots and the old master replicates from it.
   */
  public RedisServer failover(RedisServer master) {
    requireMaster(master);
    RedisServer replica =
        replicasOf(master).stream()
            .findFirst()
            .orElseThrow(() -> new IllegalStateException(master + " has no running replica"));
    Poll.call(replica, "CLUSTER", "FAILOVER");
    awaitPromoted(replica);
    awaitInSync(master);
    return replica;
  }

  /**
   * Crash: kills {@code master} at once and waits until the cluster has marked it failed and
   * elected one of its replicas (after about {@code cluster-node-timeout} plus an election), and
   * every running node agrees. Replication is asynchronous: writes the master acknowledged but had
   * not yet sent to that replica are lost. Returns the promoted replica.
   */
  public RedisServer kill(RedisServer master) {
    requireMaster(master);
    List<RedisServer> candidates = replicasOf(master);
    if (candidates.isEmpty()) {
      throw new IllegalStateException(master + " has no running replica to take over");
    }
    master.stop();
    Poll.until(
        FAILOVER_TIMEOUT,
        () -> "a replica of " + master.port() + " to be promoted",
        () -> candidates.stream().anyMatch(this::isMaster));
    RedisServer promoted = candidates.stream().filter(this::isMaster).findFirst().orElseThrow();
    awaitPromoted(promoted);
    return promoted;
  }

  /**
   * Waits until every running node reports {@code cluster_state:ok} and sees {@code promoted} as a
   * master with slots, not failed.
   */
  private void awaitPromoted(RedisServer promoted) {
    String id = id(promoted);
    for (RedisServer node : nodes) {
      if (!node.isRunning()) {
        continue;
      }
      Poll.until(
          FAILOVER_TIMEOUT,
          () -> "node " + node.port() + " to see " + promoted.port() + " as master: " + info(node),
          () -> {
            if (!info(node).contains("cluster_state:ok")) {
              return false;
            }
            return lines(node).stream()
                .anyMatch(
                    l -> l.id().equals(id) && l.isMaster() && !l.failed() && !l.slots().isEmpty());
          });
    }
  }

  private void requireMaster(RedisServer node) {
    if (!nodes.contains(node)) {
      throw new IllegalArgumentException(node + " is not a node of " + this);
    }
    if (!node.isRunning() || !isMaster(node)) {
      throw new IllegalArgumentException(node + " is not a running master");
    }
  }

  private boolean isMaster(RedisServer node) {
    return myLine(node).isMaster();
  }

  private RedisServer anyRunning() {
    return nodes.stream()
        .filter(RedisServer::isRunning)
        .findFirst()
        .orElseThrow(() -> new IllegalStateException("no node of " + this + " is running"));
  }

  private RedisServer node(int port) {
    return nodes.stream()
        .filter(n -> n.port() == port)
        .findFirst()
        .orElseThrow(() -> new IllegalStateException("no node on port " + port));
  }

  private String id(RedisServer node) {
    return String.valueOf(Poll.call(node, "CLUSTER", "MYID"));
  }

  private String info(RedisServer node) {
    return String.valueOf(Poll.call(node, "CLUSTER", "INFO"));
  }

  private String replication(RedisServer node) {
    return String.valueOf(Poll.call(node, "INFO", "replication"));
  }

  private static String field(String info, String name) {
    for (String line : info.split("\r?\n", -1)) {
      if (line.startsWith(name + ":")) {
        return line.substring(name.length() + 1).strip();
      }
    }
    throw new IllegalStateException("no " + name + " in " + info);
  }

  private NodeLine myLine(RedisServer node) {
    return lines(node).stream()
        .filter(NodeLine::myself)
        .findFirst()
        .orElseThrow(() -> new IllegalStateException("no 'myself' in CLUSTER NODES"));
  }

  private List<NodeLine> lines(RedisServer node) {
    String text = String.valueOf(Poll.call(node, "CLUSTER", "NODES"));
    List<NodeLine> lines = new ArrayList<>();
    for (String line : text.split("\n", -1)) {
      if (!line.isBlank()) {
        lines.add(NodeLine.parse(line.strip()));
      }
    }
    return lines;
  }

  /** One line of {@code CLUSTER NODES}. */
  private record NodeLine(
      String id, int port, List<String> flags, @Nullable String master, List<int[]> slots) {

    static NodeLine parse(String line) {
      String[] f = line.split(" ", -1);
      String addr = f[1];
      int port = Integer.parseInt(addr.substring(addr.indexOf(':') + 1, addr.indexOf('@')));
      List<int[]> slots = new ArrayList<>();
      for (int i = 8; i < f.length; i++) {
        if (f[i].startsWith("[")) {
          continue; // a slot being migrated
        }
        int dash = f[i].indexOf('-');
        int from = Integer.parseInt(dash < 0 ? f[i] : f[i].substring(0, dash));
        int to = dash < 0 ? from : Integer.parseInt(f[i].substring(dash + 1));
        slots.add(new int[] {from, to});
      }
      return new NodeLine(
          f[0], port, List.of(f[2].split(",", -1)), "-".equals(f[3]) ? null : f[3], slots);
    }

    boolean myself() {
      return flags.contains("myself");
    }

    boolean isMaster() {
      return flags.contains("master");
    }

    boolean failed() {
      return flags.contains("fail") || flags.contains("fail?");
    }

    boolean serves(int slot) {
      return slots.stream().anyMatch(r -> r[0] <= slot && slot <= r[1]);
    }
  }

  /**
   * {@code redis-cluster://127.0.0.1:p1,127.0.0.1:p2,…}, the form {@code RedisConnector} accepts,
   * listing every node as a seed.
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
