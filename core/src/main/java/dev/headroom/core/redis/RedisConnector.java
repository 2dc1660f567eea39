package dev.headroom.core.redis;

import dev.headroom.core.config.Environment;
import dev.headroom.core.config.HeadroomConfig;
import dev.headroom.core.health.Health;
import dev.headroom.core.health.HealthCheck;
import dev.headroom.core.health.HealthStatus;
import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import io.lettuce.core.cluster.event.ClusterTopologyChangedEvent;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.lettuce.core.resource.Delay;
import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;

/**
 * The one owner of Lettuce clients in a process: primitives ask it for connections and never build
 * their own. It talks to a standalone server, a Sentinel-managed master or a Cluster, chosen by
 * the URL's scheme (see {@link RedisUris} for the forms), and hides the difference behind
 * Lettuce's cluster-compatible command interfaces.
 *
 * <ul>
 *   <li>{@link #async()}/{@link #sync()} (String values) and {@link #binaryAsync()}/
 *       {@link #binarySync()} (byte[] values) share one multiplexed connection each: thread-safe,
 *       opened on first use, and reconnected automatically after a disconnect.
 *   <li>{@link #connectPubSub()} opens a dedicated pub/sub connection (subscriptions are restored
 *       after a reconnect); close it when done, or it is closed with the connector.
 *   <li>{@link #connectDedicated()} opens a dedicated connection for blocking commands, which must
 *       not hold up the shared one; the same rules apply.
 *   <li>Commands carry the {@linkplain RedisConnectorOptions#commandTimeout() command timeout} and,
 *       by default, fail at once while disconnected, so a caller learns of an outage promptly.
 *       While no connection could ever be opened, {@code async()}, {@code sync()} and friends
 *       throw {@link RedisUnavailableException} without blocking; attempts to connect are spaced by
 *       the reconnect delay.
 * </ul>
 *
 * <p>A connector is an expensive resource (event loops, threads, sockets): create one per Redis
 * deployment, share it, and close it on shutdown. Thread-safe.
 */
public final class RedisConnector implements AutoCloseable, HealthCheck {

  private static final Logger log = LoggerFactory.getLogger(RedisConnector.class);
  private static final RedisCodec<String, byte[]> BINARY = RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE);

  private final String maskedUrl;
  private final RedisTopology topology;
  private final RedisConnectorOptions options;
  private final ClientResources resources;
  private final @Nullable RedisClient client;
  private final @Nullable RedisClusterClient clusterClient;
  private final @Nullable ClusterMasters clusterMasters;
  private final @Nullable Disposable topologyWatch;
  private final Shared<String> text = new Shared<>(StringCodec.UTF8);
  private final Shared<byte[]> binary = new Shared<>(BINARY);
  private volatile boolean closed;

  private RedisConnector(String url, RedisConnectorOptions options) {
    RedisUris.Parsed parsed = RedisUris.parse(url);
    this.maskedUrl = RedisUris.mask(url);
    this.topology = parsed.topology();
    this.options = options;
    this.resources = DefaultClientResources.builder()
        .reconnectDelay(Delay.exponential(options.reconnectMinDelay(), options.reconnectMaxDelay(), 2, TimeUnit.MILLISECONDS))
        .build();
    for (RedisURI uri : parsed.uris()) {
      uri.setTimeout(options.commandTimeout());
      uri.setClientName(options.clientName());
    }
    if (topology == RedisTopology.CLUSTER) {
      RedisClusterClient cc = RedisClusterClient.create(resources, parsed.uris());
      ClusterClientOptions.Builder b = ClusterClientOptions.builder();
      applyCommon(b);
      b.topologyRefreshOptions(topologyRefresh(options));
      cc.setOptions(b.build());
      this.clusterClient = cc;
      this.client = null;
      ClusterMasters masters = new ClusterMasters(maskedUrl);
      this.clusterMasters = masters;
      this.topologyWatch = resources.eventBus().get()
          .filter(ClusterTopologyChangedEvent.class::isInstance)
          .subscribe(e -> masters.topologyChanged());
    } else {
      RedisClient c = RedisClient.create(resources, parsed.uris().get(0));
      ClientOptions.Builder b = ClientOptions.builder();
      applyCommon(b);
      c.setOptions(b.build());
      this.client = c;
      this.clusterClient = null;
      this.clusterMasters = null;
      this.topologyWatch = null;
    }
  }

  /**
   * Periodic refresh plus every adaptive trigger. Lettuce 7 enables the adaptive triggers by default
   * and deprecates the call as a no-op; Lettuce 6.x (the line Spring Boot 4.0 manages) needs it.
   */
  @SuppressWarnings("deprecation")
  private static ClusterTopologyRefreshOptions topologyRefresh(RedisConnectorOptions options) {
    return ClusterTopologyRefreshOptions.builder()
        .enablePeriodicRefresh(options.topologyRefreshPeriod())
        .enableAllAdaptiveRefreshTriggers()
        .build();
  }

  private void applyCommon(ClientOptions.Builder b) {
    b.autoReconnect(true);
    b.disconnectedBehavior(options.rejectCommandsWhileDisconnected()
        ? ClientOptions.DisconnectedBehavior.REJECT_COMMANDS
        : ClientOptions.DisconnectedBehavior.ACCEPT_COMMANDS);
    b.timeoutOptions(TimeoutOptions.enabled(options.commandTimeout()));
    b.socketOptions(SocketOptions.builder().connectTimeout(options.connectTimeout()).keepAlive(true).build());
    b.requestQueueSize(options.requestQueueSize());
  }

  /**
   * A connector for {@code url} with default options. Does not connect yet: the first command
   * does, so a service can start while Redis is down.
   *
   * @throws IllegalArgumentException if the URL is not one of the accepted forms
   */
  public static RedisConnector create(String url) {
    return create(url, RedisConnectorOptions.defaults());
  }

  /** A connector for {@code url} with the given options. */
  public static RedisConnector create(String url, RedisConnectorOptions options) {
    Objects.requireNonNull(url, "url");
    Objects.requireNonNull(options, "options");
    return new RedisConnector(url, options);
  }

  /**
   * A connector for {@code REDIS_URL} from the process environment, or empty when it is not set:
   * empty is the signal for primitives to use their in-memory backend (the embedded default).
   *
   * @throws dev.headroom.core.config.ConfigException if {@code REDIS_URL} is set but invalid
   */
  public static Optional<RedisConnector> fromEnvironment() {
    return fromEnvironment(Environment.system(), RedisConnectorOptions.defaults());
  }

  /** Like {@link #fromEnvironment()}, reading {@code env}, with the given options. */
  public static Optional<RedisConnector> fromEnvironment(Environment env, RedisConnectorOptions options) {
    return from(HeadroomConfig.from(env), options);
  }

  /** A connector for the configuration's {@code REDIS_URL}, or empty when it is not set. */
  public static Optional<RedisConnector> from(HeadroomConfig config, RedisConnectorOptions options) {
    return config.redisUrl().map(url -> create(url, options));
  }

  /** The deployment kind. */
  public RedisTopology topology() {
    return topology;
  }

  /** The options. */
  public RedisConnectorOptions options() {
    return options;
  }

  /** The URL with the password masked. */
  public String url() {
    return maskedUrl;
  }

  /** The Lettuce resources (event loops, timers) this connector owns. */
  public ClientResources resources() {
    return resources;
  }

  /**
   * Asynchronous commands with String keys and values on the shared connection.
   *
   * @throws RedisUnavailableException if no connection could be opened
   * @throws IllegalStateException if the connector is closed (so are the other methods that hand
   *     out commands or connections)
   */
  public RedisClusterAsyncCommands<String, String> async() {
    return text.get().async;
  }

  /** Synchronous commands with String keys and values on the shared connection. */
  public RedisClusterCommands<String, String> sync() {
    return text.get().sync;
  }

  /** Asynchronous commands with String keys and byte[] values on the shared binary connection. */
  public RedisClusterAsyncCommands<String, byte[]> binaryAsync() {
    return binary.get().async;
  }

  /** Synchronous commands with String keys and byte[] values on the shared binary connection. */
  public RedisClusterCommands<String, byte[]> binarySync() {
    return binary.get().sync;
  }

  /**
   * A new dedicated pub/sub connection with String keys and values. On a Cluster, {@code PUBLISH}
   * reaches subscribers on any node.
   *
   * @throws RedisUnavailableException if it cannot connect
   */
  public StatefulRedisPubSubConnection<String, String> connectPubSub() {
    return connectPubSub(StringCodec.UTF8);
  }

  /** A new dedicated pub/sub connection with the given codec. */
  public <K, V> StatefulRedisPubSubConnection<K, V> connectPubSub(RedisCodec<K, V> codec) {
    checkOpen();
    try {
      StatefulRedisPubSubConnection<K, V> c = clusterClient != null
          ? clusterClient.connectPubSub(codec) : Objects.requireNonNull(client).connectPubSub(codec);
      return c;
    } catch (RedisException e) {
      throw new RedisUnavailableException("could not open a pub/sub connection to " + maskedUrl + ": " + e.getMessage(), e);
    }
  }

  /**
   * A new dedicated connection with String keys and values, for blocking commands; see
   * {@link DedicatedConnection}.
   *
   * @throws RedisUnavailableException if it cannot connect
   */
  public DedicatedConnection<String> connectDedicated() {
    return connectDedicated(StringCodec.UTF8);
  }

  /** A new dedicated connection with String keys and the given value codec. */
  public <V> DedicatedConnection<V> connectDedicated(RedisCodec<String, V> codec) {
    checkOpen();
    try {
      if (clusterClient != null) {
        StatefulRedisClusterConnection<String, V> c = connectCluster(clusterClient, codec);
        return new DedicatedConnection<>(c, c.async(), c.sync());
      }
      StatefulRedisConnection<String, V> c = Objects.requireNonNull(client).connect(codec);
      return new DedicatedConnection<>(c, c.async(), c.sync());
    } catch (RedisException e) {
      throw new RedisUnavailableException("could not open a dedicated connection to " + maskedUrl + ": " + e.getMessage(), e);
    }
  }

  /**
   * Sends {@code PING} and waits at most {@code deadline} for the answer.
   *
   * @return the round-trip time
   * @throws RedisUnavailableException if there is no answer in time or the connection fails
   */
  public Duration ping(Duration deadline) {
    long start = System.nanoTime();
    try {
      String pong = async().ping().toCompletableFuture().get(deadline.toNanos(), TimeUnit.NANOSECONDS);
      if (!"PONG".equals(pong)) {
        throw new RedisUnavailableException("unexpected PING answer from " + maskedUrl + ": " + pong, null);
      }
      return Duration.ofNanos(System.nanoTime() - start);
    } catch (TimeoutException e) {
      throw new RedisUnavailableException("no PING answer from " + maskedUrl + " within " + deadline, e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      throw new RedisUnavailableException("PING to " + maskedUrl + " failed: " + cause.getMessage(), cause);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RedisUnavailableException("interrupted while waiting for PING from " + maskedUrl, e);
    }
  }

  @Override
  public String name() {
    return "redis";
  }

  /** UP with the PING latency, or DOWN with the error; waits at most the command timeout. */
  @Override
  public Health health() {
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("url", maskedUrl);
    details.put("topology", topology.name());
    try {
      Duration rtt = ping(options.commandTimeout());
      details.put("latencyMicros", rtt.toNanos() / 1000);
      return Health.of(HealthStatus.UP, details);
    } catch (RuntimeException e) {
      details.put("error", e.getMessage());
      return Health.of(HealthStatus.DOWN, details);
    }
  }

  /**
   * Whether a failure means Redis is unreachable or too slow (a connection failure, a command
   * timeout, a rejected command while disconnected), as opposed to an error Redis answered with.
   * Primitives use it to decide when to apply their failure mode.
   */
  public static boolean isUnavailability(@Nullable Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof RedisUnavailableException || t instanceof RedisConnectionException
          || t instanceof RedisCommandTimeoutException || t instanceof IOException
          || t instanceof TimeoutException) {
        return true;
      }
      if (t instanceof RedisException && t.getMessage() != null
          && (t.getMessage().contains("not connected") || t.getMessage().contains("Connection closed")
          || t.getMessage().contains("Connection is closed") || t.getMessage().contains("Request queue size exceeded"))) {
        return true;
      }
    }
    return false;
  }

  /** Closes every connection and the clients; idempotent. Commands in flight fail. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (topologyWatch != null) {
      topologyWatch.dispose();
    }
    text.close();
    binary.close();
    // Shutting the client down also closes every pub/sub and dedicated connection it opened that
    // its owner has not closed yet.
    AbstractRedisClient c = clusterClient != null ? clusterClient : client;
    if (c != null) {
      c.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    }
    resources.shutdown(0, 2, TimeUnit.SECONDS);
  }

  /**
   * A cluster connection whose connections to the masters are open, so that its first commands
   * are not rejected as if Redis were down; see {@link ClusterMasters}.
   */
  private <V> StatefulRedisClusterConnection<String, V> connectCluster(RedisClusterClient cc, RedisCodec<String, V> codec) {
    StatefulRedisClusterConnection<String, V> c = cc.connect(codec);
    Objects.requireNonNull(clusterMasters).open(c, options.connectTimeout().plus(options.commandTimeout()));
    return c;
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("RedisConnector for " + maskedUrl + " is closed");
    }
  }

  private static void closeQuietly(StatefulConnection<?, ?> c) {
    try {
      c.close();
    } catch (RuntimeException e) {
      log.debug("closing a Redis connection failed", e);
    }
  }

  @Override
  public String toString() {
    return "RedisConnector[" + topology + " " + maskedUrl + (closed ? ", closed" : "") + "]";
  }

  private static final class Commands<V> {
    final StatefulConnection<String, V> connection;
    final RedisClusterAsyncCommands<String, V> async;
    final RedisClusterCommands<String, V> sync;

    Commands(StatefulConnection<String, V> connection, RedisClusterAsyncCommands<String, V> async,
        RedisClusterCommands<String, V> sync) {
      this.connection = connection;
      this.async = async;
      this.sync = sync;
    }
  }

  /** One lazily opened shared connection; failed opens are retried no faster than the reconnect delay. */
  private final class Shared<V> {
    private final RedisCodec<String, V> codec;
    private volatile @Nullable Commands<V> commands;
    private long nextAttemptNanos;
    private long backoffNanos;
    private @Nullable RedisUnavailableException lastFailure;

    Shared(RedisCodec<String, V> codec) {
      this.codec = codec;
    }

    Commands<V> get() {
      Commands<V> c = commands;
      if (c != null && !closed) {
        return c;
      }
      return open();
    }

    private synchronized Commands<V> open() {
      checkOpen();
      Commands<V> c = commands;
      if (c != null) {
        return c;
      }
      long now = System.nanoTime();
      if (lastFailure != null && now - nextAttemptNanos < 0) {
        throw new RedisUnavailableException("not connected to " + maskedUrl + " (next attempt in "
            + TimeUnit.NANOSECONDS.toMillis(nextAttemptNanos - now) + " ms): " + lastFailure.getMessage(), lastFailure);
      }
      try {
        if (clusterClient != null) {
          StatefulRedisClusterConnection<String, V> conn = connectCluster(clusterClient, codec);
          c = new Commands<>(conn, conn.async(), conn.sync());
        } else {
          StatefulRedisConnection<String, V> conn = Objects.requireNonNull(client).connect(codec);
          c = new Commands<>(conn, conn.async(), conn.sync());
        }
        commands = c;
        lastFailure = null;
        backoffNanos = 0;
        return c;
      } catch (RedisException e) {
        long min = options.reconnectMinDelay().toNanos();
        backoffNanos = backoffNanos == 0 ? min : Math.min(backoffNanos * 2, options.reconnectMaxDelay().toNanos());
        nextAttemptNanos = System.nanoTime() + backoffNanos;
        lastFailure = new RedisUnavailableException("could not connect to " + maskedUrl + ": " + e.getMessage(), e);
        throw lastFailure;
      }
    }

    synchronized void close() {
      Commands<V> c = commands;
      if (c != null) {
        closeQuietly(c.connection);
      }
    }
  }
}
