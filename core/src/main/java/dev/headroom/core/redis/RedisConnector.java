package dev.headroom.core.redis;

import dev.headroom.core.config.Environment;
import dev.headroom.core.config.HeadroomConfig;
import dev.headroom.core.health.Health;
import dev.headroom.core.health.HealthCheck;
import dev.headroom.core.health.HealthStatus;
import io.lettuce.core.KeyValue;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.RedisException;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.ClientResources;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;

/**
 * The one owner of Lettuce clients in a process: primitives ask it for connections and never build
 * their own. It talks to a standalone server, a Sentinel-managed master or a Cluster, chosen by the
 * URL's scheme (see {@link RedisUris} for the forms), and hides the difference behind Lettuce's
 * cluster-compatible command interfaces.
 *
 * <ul>
 *   <li>{@link #async()}/{@link #sync()} (String values) and {@link #binaryAsync()}/ {@link
 *       #binarySync()} (byte[] values) share one multiplexed connection each: thread-safe, opened
 *       on first use, and reconnected automatically after a disconnect.
 *   <li>{@link #connectPubSub()} opens a dedicated pub/sub connection (subscriptions are restored
 *       after a reconnect); close it when done, or it is closed with the connector.
 *   <li>{@link #connectDedicated()} opens a dedicated connection for blocking commands, which must
 *       not hold up the shared one; the same rules apply.
 *   <li>Commands carry the {@linkplain RedisConnectorOptions#commandTimeout() command timeout} and,
 *       by default, fail at once while disconnected, so a caller learns of an outage promptly.
 *       While no connection could ever be opened, {@code async()}, {@code sync()} and friends throw
 *       {@link RedisUnavailableException} without blocking; attempts to connect are spaced by the
 *       reconnect delay. On a Cluster, each connection opens its connections to every master up
 *       front (and to new masters after a topology change), so its first commands are not rejected
 *       as if Redis were down; a master that is really down fails fast for its slots only.
 * </ul>
 *
 * <p>A connector is an expensive resource (event loops, threads, sockets): create one per Redis
 * deployment, share it, and close it on shutdown. Thread-safe.
 *
 * <p>Lettuce is an optional dependency of core: {@link #fromEnvironment()} and {@link #from} answer
 * empty without touching Lettuce when {@code REDIS_URL} is not set, so a service whose modules do
 * not declare Lettuce still starts on its in-memory backends. (The Lettuce clients live in a class
 * of their own, {@code LettuceClients}, so that this one links without Lettuce.)
 */
public final class RedisConnector implements AutoCloseable, HealthCheck {

  private static final boolean LETTUCE_PRESENT = isPresent("io.lettuce.core.RedisClient");

  private final String maskedUrl;
  private final RedisTopology topology;
  private final RedisConnectorOptions options;
  private final LettuceClients clients;

  private RedisConnector(String url, RedisConnectorOptions options) {
    if (!LETTUCE_PRESENT) {
      throw new IllegalStateException(
          "a Redis connector needs Lettuce (io.lettuce:lettuce-core), which is not on the"
              + " class path: add it, or leave REDIS_URL unset to use the in-memory backends");
    }
    RedisUris.Parsed parsed = RedisUris.parse(url);
    this.maskedUrl = RedisUris.mask(url);
    this.topology = parsed.topology();
    this.options = options;
    this.clients = new LettuceClients(parsed, maskedUrl, options);
  }

  private static boolean isPresent(String className) {
    try {
      Class.forName(className, false, RedisConnector.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException | LinkageError e) {
      return false;
    }
  }

  /**
   * A connector for {@code url} with default options. Does not connect yet: the first command does,
   * so a service can start while Redis is down.
   *
   * @throws IllegalArgumentException if the URL is not one of the accepted forms
   * @throws IllegalStateException if Lettuce is not on the class path
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
  public static Optional<RedisConnector> fromEnvironment(
      Environment env, RedisConnectorOptions options) {
    return from(HeadroomConfig.from(env), options);
  }

  /** A connector for the configuration's {@code REDIS_URL}, or empty when it is not set. */
  public static Optional<RedisConnector> from(
      HeadroomConfig config, RedisConnectorOptions options) {
    return config.redisUrl().map(url -> create(url, options));
  }

  /** The deployment kind. */
  public RedisTopology topology() {
    return topology;
  }

  /** The Lettuce clients (for tests in this package). */
  LettuceClients lettuce() {
    return clients;
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
    return clients.resources();
  }

  /**
   * Asynchronous commands with String keys and values on the shared connection.
   *
   * @throws RedisUnavailableException if no connection could be opened
   * @throws IllegalStateException if the connector is closed (so are the other methods that hand
   *     out commands or connections)
   */
  public RedisClusterAsyncCommands<String, String> async() {
    return clients.shared().async();
  }

  /** Synchronous commands with String keys and values on the shared connection. */
  public RedisClusterCommands<String, String> sync() {
    return clients.shared().sync();
  }

  /** Asynchronous commands with String keys and byte[] values on the shared binary connection. */
  public RedisClusterAsyncCommands<String, byte[]> binaryAsync() {
    return clients.sharedBinary().async();
  }

  /** Synchronous commands with String keys and byte[] values on the shared binary connection. */
  public RedisClusterCommands<String, byte[]> binarySync() {
    return clients.sharedBinary().sync();
  }

  /**
   * {@code MGET} on the shared binary connection, with no Lettuce type in its signature: a module
   * that offers a ready Redis loader (headroom-batch) calls this and needs no Redis client of its
   * own to compile. On a Cluster the keys are split by slot and answered in order.
   *
   * @return the values in the order of {@code keys}, null where a key holds nothing
   * @throws RedisUnavailableException (possibly through the future) if Redis cannot be reached
   */
  public CompletionStage<List<byte @Nullable []>> mget(String... keys) {
    return binaryAsync()
        .mget(keys)
        .thenApply(
            answer -> {
              List<byte @Nullable []> values = new ArrayList<>(answer.size());
              for (KeyValue<String, byte[]> kv : answer) {
                values.add(kv.hasValue() ? kv.getValue() : null);
              }
              return values;
            });
  }

  /**
   * A new dedicated pub/sub connection with String keys and values. On a Cluster, {@code PUBLISH}
   * reaches subscribers on any node.
   *
   * @throws RedisUnavailableException if it cannot connect
   */
  public StatefulRedisPubSubConnection<String, String> connectPubSub() {
    return clients.connectPubSub(LettuceClients.text());
  }

  /** A new dedicated pub/sub connection with the given codec. */
  public <K, V> StatefulRedisPubSubConnection<K, V> connectPubSub(RedisCodec<K, V> codec) {
    return clients.connectPubSub(codec);
  }

  /**
   * A new dedicated connection with String keys and values, for blocking commands; see {@link
   * DedicatedConnection}.
   *
   * @throws RedisUnavailableException if it cannot connect
   */
  public DedicatedConnection<String> connectDedicated() {
    return clients.connectDedicated(LettuceClients.text());
  }

  /** A new dedicated connection with String keys and the given value codec. */
  public <V> DedicatedConnection<V> connectDedicated(RedisCodec<String, V> codec) {
    return clients.connectDedicated(codec);
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
      String pong =
          async().ping().toCompletableFuture().get(deadline.toNanos(), TimeUnit.NANOSECONDS);
      if (!"PONG".equals(pong)) {
        throw new RedisUnavailableException(
            "unexpected PING answer from " + maskedUrl + ": " + pong, null);
      }
      return Duration.ofNanos(System.nanoTime() - start);
    } catch (TimeoutException e) {
      throw new RedisUnavailableException(
          "no PING answer from " + maskedUrl + " within " + deadline, e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      throw new RedisUnavailableException(
          "PING to " + maskedUrl + " failed: " + cause.getMessage(), cause);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RedisUnavailableException(
          "interrupted while waiting for PING from " + maskedUrl, e);
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
      if (t instanceof RedisUnavailableException
          || t instanceof RedisConnectionException
          || t instanceof RedisCommandTimeoutException
          || t instanceof IOException
          || t instanceof TimeoutException) {
        return true;
      }
      if (t instanceof RedisException
          && t.getMessage() != null
          && (t.getMessage().contains("not connected")
              || t.getMessage().contains("Connection closed")
              || t.getMessage().contains("Connection is closed")
              || t.getMessage().contains("Request queue size exceeded"))) {
        return true;
      }
    }
    return false;
  }

  /** Closes every connection and the clients; idempotent. Commands in flight fail. */
  @Override
  public void close() {
    clients.close();
  }

  @Override
  public String toString() {
    return "RedisConnector["
        + topology
        + " "
        + maskedUrl
        + (clients.isClosed() ? ", closed" : "")
        + "]";
  }
}
