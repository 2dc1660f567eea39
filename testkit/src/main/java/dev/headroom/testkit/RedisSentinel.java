package dev.headroom.testkit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * A Sentinel deployment on free loopback ports: one master, one replica of it, and three {@code
 * redis-server --sentinel} processes watching them under the name {@link #MASTER_NAME} with a
 * quorum of 2. {@link #start()} returns once the replica is in sync and every sentinel knows the
 * replica and the two other sentinels, so that a failover can be agreed at once. Close it to kill
 * every process.
 *
 * <pre>{@code
 * try (RedisSentinel sentinel = RedisSentinel.start();
 *     RedisConnector connector = RedisConnector.create(sentinel.uri())) {
 *   RedisServer promoted = sentinel.killMaster(); // the sentinels elect the replica
 * }
 * }</pre>
 *
 * <p>The sentinels declare the master down after {@link #DOWN_AFTER} without a reply; a failover
 * then takes about two to four seconds. Nothing is kept on disk.
 */
public final class RedisSentinel implements AutoCloseable {

  /** The name the sentinels monitor the master under. */
  public static final String MASTER_NAME = "mymaster";

  /** {@code down-after-milliseconds}: how long the master may be silent before it is down. */
  public static final Duration DOWN_AFTER = Duration.ofSeconds(1);

  private static final Duration READY_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration FAILOVER_TIMEOUT = Duration.ofSeconds(30);

  private final List<RedisServer> servers;
  private final List<RedisServer> sentinels;

  private RedisSentinel(List<RedisServer> servers, List<RedisServer> sentinels) {
    this.servers = List.copyOf(servers);
    this.sentinels = List.copyOf(sentinels);
  }

  /** Starts a master, a replica and three sentinels, and waits until they are ready. */
  public static RedisSentinel start() {
    List<RedisServer> servers = new ArrayList<>();
    List<RedisServer> sentinels = new ArrayList<>();
    try {
      RedisServer master = RedisServer.start();
      servers.add(master);
      servers.add(
          RedisServer.start(
              Ports.free(), List.of("--replicaof", master.host(), String.valueOf(master.port()))));
      String config =
          String.join(
              "\n",
              "sentinel monitor " + MASTER_NAME + " 127.0.0.1 " + master.port() + " 2",
              "sentinel down-after-milliseconds " + MASTER_NAME + " " + DOWN_AFTER.toMillis(),
              // also the pause before a failed election is retried (twice this)
              "sentinel failover-timeout " + MASTER_NAME + " 2000",
              "sentinel parallel-syncs " + MASTER_NAME + " 1",
              "");
      for (int i = 0; i < 3; i++) {
        sentinels.add(RedisServer.startSentinel(Ports.free(), config));
      }
      RedisSentinel deployment = new RedisSentinel(servers, sentinels);
      deployment.awaitReady();
      return deployment;
    } catch (RuntimeException e) {
      Stream.concat(servers.stream(), sentinels.stream()).forEach(RedisServer::close);
      throw e;
    }
  }

  private void awaitReady() {
    RedisServer master = servers.get(0);
    RedisServer replica = servers.get(1);
    awaitInSync(replica, master);
    for (RedisServer s : sentinels) {
      Poll.until(
          READY_TIMEOUT,
          () -> "sentinel " + s.port() + " to know the replica and the other sentinels",
          () -> {
            List<String> m = stringList(Poll.call(s, "SENTINEL", "MASTER", MASTER_NAME));
            return value(m, "port").equals(String.valueOf(master.port()))
                && value(m, "num-slaves").equals("1")
                && value(m, "num-other-sentinels").equals("2")
                && value(m, "flags").equals("master");
          });
    }
  }

  private void awaitInSync(RedisServer replica, RedisServer master) {
    Poll.until(
        READY_TIMEOUT,
        () -> "replica " + replica.port() + " to be in sync with " + master.port(),
        () -> {
          String info = String.valueOf(Poll.call(replica, "INFO", "replication"));
          return info.contains("master_port:" + master.port())
              && info.contains("master_link_status:up")
              && info.contains("master_sync_in_progress:0")
              && String.valueOf(Poll.call(master, "INFO", "replication"))
                  .contains("port=" + replica.port() + ",state=online");
        });
  }

  /**
   * {@code redis-sentinel://127.0.0.1:s1,127.0.0.1:s2,127.0.0.1:s3#mymaster}, the form {@code
   * RedisConnector} accepts.
   */
  public String uri() {
    return "redis-sentinel://"
        + sentinels.stream().map(n -> n.host() + ":" + n.port()).collect(Collectors.joining(","))
        + "#"
        + MASTER_NAME;
  }

  /** The master the sentinels name now. */
  public RedisServer master() {
    for (RedisServer s : sentinels) {
      if (!s.isRunning()) {
        continue;
      }
      List<String> addr =
          stringList(Poll.call(s, "SENTINEL", "GET-MASTER-ADDR-BY-NAME", MASTER_NAME));
      int port = Integer.parseInt(addr.get(1));
      return servers.stream()
          .filter(n -> n.port() == port)
          .findFirst()
          .orElseThrow(() -> new IllegalStateException("unknown master port " + port));
    }
    throw new IllegalStateException("no sentinel is running");
  }

  /** The two data servers (master and replica at start), running or not. */
  public List<RedisServer> servers() {
    return servers;
  }

  /** The three sentinels. */
  public List<RedisServer> sentinels() {
    return sentinels;
  }

  /**
   * Kills the master at once and waits until every sentinel names the replica as master and the
   * replica has taken the role (after {@link #DOWN_AFTER}, an election and the promotion).
   * Replication is asynchronous: writes the master acknowledged but had not sent to the replica are
   * lost. Returns the new master.
   */
  public RedisServer killMaster() {
    RedisServer old = master();
    RedisServer next = other(old);
    old.stop();
    awaitMaster(next);
    return next;
  }

  /**
   * {@code SENTINEL FAILOVER}: promotes the replica without the master being down, turns the old
   * master into its replica, and waits until the sentinels and both servers agree. Not synchronous:
   * a write the old master acknowledged just before it was demoted may be lost.
   */
  public RedisServer failover() {
    RedisServer old = master();
    RedisServer next = other(old);
    Poll.call(sentinels.get(0), "SENTINEL", "FAILOVER", MASTER_NAME);
    awaitMaster(next);
    awaitInSync(old, next);
    return next;
  }

  private RedisServer other(RedisServer server) {
    return servers.stream()
        .filter(s -> s != server && s.isRunning())
        .findFirst()
        .orElseThrow(() -> new IllegalStateException("no running replica to promote"));
  }

  private void awaitMaster(RedisServer next) {
    for (RedisServer s : sentinels) {
      Poll.until(
          FAILOVER_TIMEOUT,
          () -> "sentinel " + s.port() + " to name " + next.port() + " master",
          () ->
              stringList(Poll.call(s, "SENTINEL", "GET-MASTER-ADDR-BY-NAME", MASTER_NAME))
                  .get(1)
                  .equals(String.valueOf(next.port())));
    }
    Poll.until(
        FAILOVER_TIMEOUT,
        () -> next.port() + " to take the master role",
        () -> String.valueOf(Poll.call(next, "INFO", "replication")).contains("role:master"));
  }

  @Override
  public void close() {
    Stream.concat(sentinels.stream(), servers.stream()).forEach(RedisServer::close);
  }

  @Override
  public String toString() {
    return "RedisSentinel[" + uri() + "]";
  }

  private static String value(List<String> flat, String key) {
    for (int i = 0; i + 1 < flat.size(); i += 2) {
      if (flat.get(i).equals(key)) {
        return flat.get(i + 1);
      }
    }
    return "";
  }

  private static List<String> stringList(@Nullable Object reply) {
    if (!(reply instanceof List<?> list)) {
      throw new IllegalStateException("expected a list, got " + reply);
    }
    return list.stream().map(String::valueOf).toList();
  }
}
