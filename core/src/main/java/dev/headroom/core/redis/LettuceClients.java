package dev.headroom.core.redis;

import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SslOptions;
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
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;

/**
 * The Lettuce side of a {@link RedisConnector}: the client (standalone and Sentinel, or Cluster),
 * its resources, the two shared connections and the dedicated ones. It is a class of its own so
 * that {@code RedisConnector} links without Lettuce on the class path (core's Lettuce is optional):
 * only creating a connector loads this class, and with it Lettuce.
 */
final class LettuceClients {

  private static final Logger log = LoggerFactory.getLogger(LettuceClients.class);

  /** How long closing one shared connection may take before the client's shutdown takes over. */
  private static final Duration CLOSE_WAIT = Duration.ofSeconds(2);

  private final String maskedUrl;
  private final RedisConnectorOptions options;
  private final ClientResources resources;
  private final @Nullable RedisClient client;
  private final @Nullable RedisClusterClient clusterClient;
  private final @Nullable ClusterMasters clusterMasters;
  private final @Nullable Disposable topologyWatch;
  private final Shared<String> text = new Shared<>(StringCodec.UTF8);
  private final Shared<byte[]> binary =
      new Shared<>(RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE));
  private volatile boolean closed;

  LettuceClients(RedisUris.Parsed parsed, String maskedUrl, RedisConnectorOptions options) {
    if (options.hasTlsSettings() && parsed.uris().stream().noneMatch(RedisURI::isSsl)) {
      throw new IllegalArgumentException(
          "TLS trust or client certificate settings need a TLS URL (rediss://,"
              + " rediss-sentinel:// or rediss-cluster://), was "
              + maskedUrl);
    }
    this.maskedUrl = maskedUrl;
    this.options = options;
    this.resources =
        DefaultClientResources.builder()
            .reconnectDelay(
                Delay.exponential(
                    options.reconnectMinDelay(),
                    options.reconnectMaxDelay(),
                    2,
                    TimeUnit.MILLISECONDS))
            .build();
    for (RedisURI uri : parsed.uris()) {
      uri.setTimeout(options.commandTimeout());
      uri.setClientName(options.clientName());
    }
    if (parsed.topology() == RedisTopology.CLUSTER) {
      RedisClusterClient cc = RedisClusterClient.create(resources, parsed.uris());
      ClusterClientOptions.Builder b = ClusterClientOptions.builder();
      applyCommon(b);
      b.topologyRefreshOptions(topologyRefresh(options));
      cc.setOptions(b.build());
      this.clusterClient = cc;
      this.client = null;
      ClusterMasters masters = new ClusterMasters(maskedUrl);
      this.clusterMasters = masters;
      this.topologyWatch =
          resources
              .eventBus()
              .get()
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
   * Periodic refresh plus every adaptive trigger. Lettuce 7 enables the adaptive triggers by
   * default and deprecates the call as a no-op; Lettuce 6.x (the line Spring Boot 4.0 manages)
   * needs it.
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
    b.disconnectedBehavior(
        options.rejectCommandsWhileDisconnected()
            ? ClientOptions.DisconnectedBehavior.REJECT_COMMANDS
            : ClientOptions.DisconnectedBehavior.ACCEPT_COMMANDS);
    b.timeoutOptions(TimeoutOptions.enabled(options.commandTimeout()));
    b.socketOptions(LettuceSettings.socketOptions(options));
    SslOptions ssl = LettuceSettings.sslOptions(options);
    if (ssl != null) {
      b.sslOptions(ssl);
    }
    b.requestQueueSize(options.requestQueueSize());
  }

  /** The options Lettuce's client was given (for tests). */
  ClientOptions clientOptions() {
    RedisClient c = client;
    if (c != null) {
      return c.getOptions();
    }
    return Objects.requireNonNull(clusterClient).getOptions();
  }

  /**
   * The String codec, typed as the interface: {@code RedisConnector} passes it on without the
   * class-to-interface check that would make the verifier load Lettuce when linking it.
   */
  static RedisCodec<String, String> text() {
    return StringCodec.UTF8;
  }

  ClientResources resources() {
    return resources;
  }

  /** The shared String connection, opened on first use. */
  Commands<String> shared() {
    return text.get();
  }

  /** The shared binary connection, opened on first use. */
  Commands<byte[]> sharedBinary() {
    return binary.get();
  }

  boolean isClosed() {
    return closed;
  }

  <K, V> StatefulRedisPubSubConnection<K, V> connectPubSub(RedisCodec<K, V> codec) {
    checkOpen();
    try {
      StatefulRedisPubSubConnection<K, V> c =
          clusterClient != null
              ? clusterClient.connectPubSub(codec)
              : Objects.requireNonNull(client).connectPubSub(codec);
      return c;
    } catch (RedisException e) {
      throw new RedisUnavailableException(
          "could not open a pub/sub connection to " + maskedUrl + ": " + e.getMessage(), e);
    }
  }

  <V> DedicatedConnection<V> connectDedicated(RedisCodec<String, V> codec) {
    checkOpen();
    try {
      if (clusterClient != null) {
        StatefulRedisClusterConnection<String, V> c = connectCluster(clusterClient, codec);
        return new DedicatedConnection<>(c, c.async(), c.sync());
      }
      StatefulRedisConnection<String, V> c = Objects.requireNonNull(client).connect(codec);
      return new DedicatedConnection<>(c, c.async(), c.sync());
    } catch (RedisException e) {
      throw new RedisUnavailableException(
          "could not open a dedicated connection to " + maskedUrl + ": " + e.getMessage(), e);
    }
  }

  /** Closes every connection, the clients and the resources; idempotent. */
  @SuppressWarnings("FutureReturnValueIgnored")
  void close() {
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
    // Fire and forget: the event loops stop within 2 s; nothing waits on, or learns from, the
    // result.
    resources.shutdown(0, 2, TimeUnit.SECONDS);
  }

  /**
   * A cluster connection whose connections to the masters are open, so that its first commands are
   * not rejected as if Redis were down; see {@link ClusterMasters}.
   */
  private <V> StatefulRedisClusterConnection<String, V> connectCluster(
      RedisClusterClient cc, RedisCodec<String, V> codec) {
    StatefulRedisClusterConnection<String, V> c = cc.connect(codec);
    Objects.requireNonNull(clusterMasters)
        .open(c, options.connectTimeout().plus(options.commandTimeout()));
    return c;
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("RedisConnector for " + maskedUrl + " is closed");
    }
  }

  /**
   * Closes {@code c}, waiting at most {@link #CLOSE_WAIT}: Lettuce's own {@code close()} waits
   * without a bound, and a cluster connection whose node connections are still opening can keep it
   * waiting forever. What is left open then is closed by the client's shutdown that follows.
   */
  private static void closeQuietly(StatefulConnection<?, ?> c) {
    try {
      c.closeAsync().get(CLOSE_WAIT.toNanos(), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      log.debug(
          "closing a Redis connection took longer than {}; the client shutdown ends it",
          CLOSE_WAIT);
    } catch (ExecutionException | RuntimeException e) {
      log.debug("closing a Redis connection failed", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** A shared connection and its command interfaces. */
  record Commands<V>(
      StatefulConnection<String, V> connection,
      RedisClusterAsyncCommands<String, V> async,
      RedisClusterCommands<String, V> sync) {}

  /**
   * One lazily opened shared connection; failed opens are retried no faster than the reconnect
   * delay.
   */
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
      if (ClusterMasters.onNettyThread()) {
        // A connect on one of Netty's threads waits for that same event loop and never ends: open
        // it from another thread and answer this caller as for a connection not yet up.
        checkOpen();
        var unused =
            CompletableFuture.runAsync(
                () -> {
                  try {
                    open();
                  } catch (RuntimeException e) {
                    log.debug("opening a Redis connection in the background failed", e);
                  }
                });
        throw new RedisUnavailableException(
            "the connection to "
                + maskedUrl
                + " is not open yet and cannot be opened on a Redis I/O thread; it is opening now",
            null);
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
        throw new RedisUnavailableException(
            "not connected to "
                + maskedUrl
                + " (next attempt in "
                + TimeUnit.NANOSECONDS.toMillis(nextAttemptNanos - now)
                + " ms): "
                + lastFailure.getMessage(),
            lastFailure);
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
        backoffNanos =
            backoffNanos == 0
                ? min
                : Math.min(backoffNanos * 2, options.reconnectMaxDelay().toNanos());
        nextAttemptNanos = System.nanoTime() + backoffNanos;
        lastFailure =
            new RedisUnavailableException(
                "could not connect to " + maskedUrl + ": " + e.getMessage(), e);
        throw lastFailure;
      }
    }

    synchronized void close() {
      Commands<V> c = commands;
      if (c != null) {
        closeQuietly(c.connection());
      }
    }
  }
}
