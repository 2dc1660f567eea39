package dev.headroom.queue;

import dev.headroom.core.config.Require;
import dev.headroom.core.redis.RedisConnector;
import dev.headroom.core.registry.Registry;
import java.util.Optional;

/**
 * The named queues of a service: {@link #getOrCreate(String)} makes a queue with this registry's
 * default config (on Redis when the registry has a connector, else in memory) the first time a name
 * is asked for, and answers the same queue after that; {@link #close()} closes every queue it
 * holds. Listeners ({@link #addListener}) hear of every queue added and removed. Nothing is
 * registered until asked for. Thread-safe.
 *
 * <pre>{@code
 * JobQueueRegistry queues = JobQueueRegistry.create(RedisConnector.fromEnvironment(), JobQueueConfig.ofDefaults());
 * JobQueue emails = queues.getOrCreate("emails");
 * }</pre>
 */
public final class JobQueueRegistry extends Registry<JobQueue> {

  private final Optional<RedisConnector> redis;
  private final JobQueueConfig defaults;

  private JobQueueRegistry(Optional<RedisConnector> redis, JobQueueConfig defaults) {
    super("queue");
    this.redis = redis;
    this.defaults = defaults;
  }

  /**
   * A registry whose queues live on Redis when {@code redis} holds a connector (shared, not closed
   * by the registry), else in memory, configured by {@code defaults} unless told otherwise.
   */
  public static JobQueueRegistry create(Optional<RedisConnector> redis, JobQueueConfig defaults) {
    Require.nonNull("redis", redis);
    Require.nonNull("defaults", defaults);
    return new JobQueueRegistry(redis, defaults);
  }

  /** The queue named {@code name}, created with the default config if there is none yet. */
  public JobQueue getOrCreate(String name) {
    return getOrCreate(name, defaults);
  }

  /**
   * The queue named {@code name}, created with {@code config} if there is none yet (an existing
   * queue keeps the config it was made with).
   *
   * @throws IllegalArgumentException if the name is not a valid queue name
   * @throws IllegalStateException if the registry is closed
   */
  public JobQueue getOrCreate(String name, JobQueueConfig config) {
    Require.nonNull("config", config);
    return getOrCreate(name, n -> JobQueues.create(redis, n, config));
  }

  /** The config queues get when none is given. */
  public JobQueueConfig defaults() {
    return defaults;
  }
}
