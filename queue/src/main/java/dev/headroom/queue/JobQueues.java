package dev.headroom.queue;

import dev.headroom.core.config.Require;
import dev.headroom.core.redis.RedisConnector;
import dev.headroom.queue.broker.Broker;
import dev.headroom.queue.memory.InMemoryBroker;
import dev.headroom.queue.redis.RedisBroker;
import java.util.Optional;

/**
 * Makes job queues: {@link #inMemory} for one process, {@link #redis} for a durable queue that many
 * processes share on one Redis (standalone, Sentinel or Cluster), and {@link #create} that picks
 * Redis when a connector is given. Both backends honour the same {@link JobQueue} contract. The
 * in-memory queue needs no Redis client on the class path.
 *
 * <pre>{@code
 * JobQueue queue = JobQueues.create(RedisConnector.fromEnvironment(), "jobs", JobQueueConfig.ofDefaults());
 * }</pre>
 */
public final class JobQueues {

  private JobQueues() {}

  /**
   * An in-memory queue: jobs live in this process (and are lost with it), bounded by {@link
   * JobQueueConfig#capacity()}.
   *
   * @throws IllegalArgumentException if the name is empty, longer than 200 characters, has
   *     whitespace, or has an unpaired UTF-16 surrogate
   * @throws IllegalStateException if the config's meter registry holds another live queue of this
   *     name
   */
  public static JobQueue inMemory(String name, JobQueueConfig config) {
    JobType.checkName("queue name", name);
    Require.nonNull("config", config);
    return new BrokerJobQueue(InMemoryBroker.create(name, config), config, false);
  }

  /**
   * A Redis-backed queue: jobs, their order and their leases live in Redis under one hash tag, each
   * step is one atomic Lua script, and a job held by a worker that dies is run again by another
   * once its lease expires. The connector is shared, not owned: closing the queue leaves it open.
   *
   * @throws IllegalArgumentException if the name is empty, longer than 200 characters, has
   *     whitespace, or has an unpaired UTF-16 surrogate
   * @throws IllegalStateException if the config's meter registry holds another live queue of this
   *     name
   */
  public static JobQueue redis(RedisConnector connector, String name, JobQueueConfig config) {
    Require.nonNull("connector", connector);
    JobType.checkName("queue name", name);
    Require.nonNull("config", config);
    Broker broker = RedisBroker.create(connector, name, config);
    return new BrokerJobQueue(broker, config, true);
  }

  /**
   * On Redis when {@code redis} holds a connector (typically {@link
   * RedisConnector#fromEnvironment()}, present when {@code REDIS_URL} is set), else in memory: the
   * embedded default.
   *
   * @throws IllegalArgumentException if the name is empty, longer than 200 characters, has
   *     whitespace, or has an unpaired UTF-16 surrogate
   */
  public static JobQueue create(
      Optional<RedisConnector> redis, String name, JobQueueConfig config) {
    Require.nonNull("redis", redis);
    return redis.isPresent() ? redis(redis.get(), name, config) : inMemory(name, config);
  }
}
