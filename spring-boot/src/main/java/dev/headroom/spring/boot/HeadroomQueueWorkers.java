package dev.headroom.spring.boot;

import dev.headroom.queue.JobQueue;
import dev.headroom.queue.JobQueueRegistry;
import dev.headroom.queue.WorkerBuilder;
import dev.headroom.queue.WorkerPool;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * The worker pools of the {@link QueueJobHandler} beans and {@link JobHandlerMethod} methods, one
 * per queue. They start once every bean is ready, before the web server, and stop after it, within
 * the shutdown phase: running jobs get the queue's shutdown deadline to finish, then are given back
 * to the queue for another node.
 */
public final class HeadroomQueueWorkers implements SmartLifecycle {

  /** Before the web server (which starts and stops at {@code DEFAULT_PHASE - 1024}). */
  public static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 2048;

  private static final Logger log = LoggerFactory.getLogger(HeadroomQueueWorkers.class);

  private final JobQueueRegistry registry;
  private final HeadroomQueueProperties properties;
  private final Supplier<List<QueueJobHandler<?>>> handlers;
  private final Map<String, WorkerPool> pools = new LinkedHashMap<>();
  private volatile boolean running;

  HeadroomQueueWorkers(
      JobQueueRegistry registry,
      HeadroomQueueProperties properties,
      Supplier<List<QueueJobHandler<?>>> handlers) {
    this.registry = registry;
    this.properties = properties;
    this.handlers = handlers;
  }

  @Override
  public synchronized void start() {
    if (running) {
      return;
    }
    Map<String, List<QueueJobHandler<?>>> byQueue = new LinkedHashMap<>();
    for (QueueJobHandler<?> h : handlers.get()) {
      byQueue.computeIfAbsent(h.queue(), q -> new ArrayList<>()).add(h);
    }
    byQueue.forEach(
        (name, hs) -> {
          JobQueue queue = registry.getOrCreate(name);
          WorkerBuilder builder = queue.workers();
          for (QueueJobHandler<?> h : hs) {
            register(builder, h);
          }
          HeadroomQueueProperties.Spec spec = properties.getQueues().get(name);
          if (spec != null) {
            Props.apply(
                "headroom.queue.queues." + name + ".concurrency",
                spec.getConcurrency(),
                builder::concurrency);
          }
          pools.put(name, builder.start());
        });
    running = true;
  }

  private static <T> void register(WorkerBuilder builder, QueueJobHandler<T> handler) {
    builder.handle(handler.jobType(), handler);
  }

  @Override
  public synchronized void stop() {
    pools.forEach(
        (name, pool) -> {
          HeadroomQueueProperties.Spec spec = properties.getQueues().get(name);
          Duration deadline =
              spec != null ? spec.getShutdownDeadline() : WorkerBuilder.DEFAULT_SHUTDOWN_DEADLINE;
          int givenBack = pool.shutdown(deadline);
          if (givenBack > 0) {
            log.info("queue {}: {} unfinished jobs given back at shutdown", name, givenBack);
          }
        });
    pools.clear();
    running = false;
  }

  @Override
  public boolean isRunning() {
    return running;
  }

  @Override
  public int getPhase() {
    return PHASE;
  }

  /** The running pools, by queue name. */
  public synchronized Map<String, WorkerPool> pools() {
    return Map.copyOf(pools);
  }
}
