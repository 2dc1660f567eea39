package dev.headroom.queue;

import dev.headroom.core.redis.RedisConnector;
import dev.headroom.queue.memory.InMemoryBroker;
import dev.headroom.queue.redis.RedisBroker;
import java.util.Objects;
import java.util.Optional;

/**
 * Creates job queues: {@link #inMemory(String)} for one process, {@link #redis(RedisConnector, String)}
 * for a durable queue that many processes share on one Redis (standalone, Sentinel or Cluster).
 * Both honour the same {@link JobQueue} contract.
 */
public final class JobQueues {

  private JobQueues() {}

  /** An in-memory queue with default options. */
  public static JobQueue inMemory(String name) {
    return inMemory(name, QueueOptions.defaults());
  }

  /**
   * An in-memory queue: jobs live in this process (and are lost with it), bounded by
   * {@link QueueOptions#capacity()}.
   *
   * @throws IllegalArgumentException if the name is empty, too long, or has whitespace
   */
  public static JobQueue inMemory(String name, QueueOptions options) {
    JobType.checkName("queue name", name);
    Objects.requireNonNull(options, "options");
    return new EngineJobQueue(InMemoryBroker.create(name, options), options, false);
  }

  /** A Redis-backed queue with default options. */
  public static JobQueue redis(RedisConnector connector, String name) {
    return redis(connector, name, QueueOptions.defaults());
  }

  /**
   * A Redis-backed queue: jobs, their order and their leases live in Redis under one hash tag, each
   * step is one atomic Lua script, and a job held by a worker that dies is run again by another once
   * its lease expires. The connector is shared, not owned.
   *
   * @throws IllegalArgumentException if the name is empty, too long, or has whitespace
   */
  public static JobQueue redis(RedisConnector connector, String name, QueueOptions options) {
    Objects.requireNonNull(connector, "connector");
    JobType.checkName("queue name", name);
    Objects.requireNonNull(options, "options");
    return new EngineJobQueue(RedisBroker.create(connector, name, options), options, true);
  }

  /**
   * The embedded default: on Redis when a connector is given (typically
   * {@link RedisConnector#fromEnvironment()}, set by {@code REDIS_URL}), else in memory.
   */
  public static JobQueue create(Optional<RedisConnector> connector, String name, QueueOptions options) {
    Objects.requireNonNull(connector, "connector");
    return connector.isPresent() ? redis(connector.get(), name, options) : inMemory(name, options);
  }
}
