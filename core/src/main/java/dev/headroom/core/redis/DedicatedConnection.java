package dev.headroom.core.redis;

import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;

/**
 * A connection of its own, opened by {@link
 * RedisConnector#connectDedicated(io.lettuce.core.codec.RedisCodec)}, for blocking commands ({@code
 * BLPOP}, {@code BZPOPMIN}, {@code XREAD BLOCK}) that would stall every other caller of the
 * connector's shared, multiplexed connection. Commands are routed by key on a Cluster, and
 * reconnect like the shared connection. A blocking command's own timeout must stay below the
 * connector's {@linkplain RedisConnectorOptions#commandTimeout() command timeout}, which applies
 * here too. Close it when done (it is also closed with the connector). Thread-safe, but one
 * blocking command holds the connection until it returns.
 *
 * @param <V> the value type
 */
public final class DedicatedConnection<V> implements AutoCloseable {

  private final StatefulConnection<String, V> connection;
  private final RedisClusterAsyncCommands<String, V> async;
  private final RedisClusterCommands<String, V> sync;

  DedicatedConnection(
      StatefulConnection<String, V> connection,
      RedisClusterAsyncCommands<String, V> async,
      RedisClusterCommands<String, V> sync) {
    this.connection = connection;
    this.async = async;
    this.sync = sync;
  }

  /** Asynchronous commands on this connection. */
  public RedisClusterAsyncCommands<String, V> async() {
    return async;
  }

  /** Synchronous commands on this connection. */
  public RedisClusterCommands<String, V> sync() {
    return sync;
  }

  /** Whether the connection is open (it may be reconnecting). */
  public boolean isOpen() {
    return connection.isOpen();
  }

  /** Closes the connection; idempotent. A blocking command in flight fails. */
  @Override
  public void close() {
    connection.close();
  }
}
