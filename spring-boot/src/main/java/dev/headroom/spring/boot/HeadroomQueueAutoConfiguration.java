package dev.headroom.spring.boot;

import dev.headroom.core.redis.RedisConnector;
import dev.headroom.queue.JobQueueConfig;
import dev.headroom.queue.JobQueueRegistry;
import dev.headroom.queue.JobType;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

/**
 * A {@link JobQueueRegistry} with the queues of {@code headroom.queue.queues}, and the worker pools
 * of the {@link QueueJobHandler} beans and {@link JobHandlerMethod} methods as a lifecycle.
 */
@AutoConfiguration(after = HeadroomRedisAutoConfiguration.class)
@ConditionalOnClass(JobQueueRegistry.class)
@ConditionalOnBooleanProperty(name = "headroom.queue.enabled", matchIfMissing = true)
@EnableConfigurationProperties(HeadroomQueueProperties.class)
public class HeadroomQueueAutoConfiguration {

  /** The registry: queues on Redis (shared by every node) when it is present, else in memory. */
  @Bean
  @ConditionalOnMissingBean
  public JobQueueRegistry headroomJobQueueRegistry(
      @Nullable RedisConnector redis,
      HeadroomQueueProperties properties,
      Environment environment,
      ObjectProvider<MeterRegistry> meters) {
    JobQueueConfig.Builder defaults =
        JobQueueConfig.builder().keySpace(Props.keySpace(environment, "queue"));
    MeterRegistry registry = meters.getIfAvailable();
    if (registry != null) {
      defaults.meterRegistry(registry);
    }
    JobQueueConfig base = defaults.build();
    JobQueueRegistry queues = JobQueueRegistry.create(Optional.ofNullable(redis), base);
    try {
      properties
          .getQueues()
          .forEach((name, spec) -> queues.getOrCreate(name, config(name, spec, base)));
    } catch (RuntimeException e) {
      queues.close();
      throw e;
    }
    return queues;
  }

  /** Finds the {@link JobHandlerMethod} methods of every bean. */
  @Bean
  @ConditionalOnMissingBean
  public static JobHandlerMethods headroomJobHandlerMethods() {
    return new JobHandlerMethods();
  }

  /**
   * The worker pools of the {@link QueueJobHandler} beans and the {@link JobHandlerMethod} methods
   * (on the {@code JobType} bean of their name when there is one).
   */
  @Bean
  @ConditionalOnMissingBean
  @ConditionalOnBooleanProperty(name = "headroom.queue.workers", matchIfMissing = true)
  public HeadroomQueueWorkers headroomQueueWorkers(
      JobQueueRegistry registry,
      HeadroomQueueProperties properties,
      ObjectProvider<QueueJobHandler<?>> handlers,
      ObjectProvider<JobType<?>> types,
      ObjectProvider<JobHandlerMethods> methods) {
    return new HeadroomQueueWorkers(
        registry,
        properties,
        () -> {
          List<QueueJobHandler<?>> all = new ArrayList<>(handlers.orderedStream().toList());
          JobHandlerMethods found = methods.getIfAvailable();
          if (found != null) {
            Map<String, JobType<?>> byName = new LinkedHashMap<>();
            types.orderedStream().forEach(t -> byName.putIfAbsent(t.name(), t));
            all.addAll(found.handlers(byName));
          }
          return all;
        });
  }

  /** The queues' health, for Actuator and the monitor. */
  @Bean
  @ConditionalOnMissingBean
  public QueueRegistryHealth headroomQueueHealth(JobQueueRegistry registry) {
    return new QueueRegistryHealth(registry);
  }

  static JobQueueConfig config(
      String name, HeadroomQueueProperties.Spec spec, JobQueueConfig base) {
    String p = "headroom.queue.queues." + name + ".";
    JobQueueConfig.Builder b = base.toBuilder();
    Props.apply(p + "lease", spec.getLease(), b::lease);
    Props.apply(p + "poll-interval", spec.getPollInterval(), b::pollInterval);
    Props.apply(p + "capacity", spec.getCapacity(), b::capacity);
    if (spec.getConcurrency() < 1) {
      throw Props.invalid(p + "concurrency", spec.getConcurrency(), "must be at least 1");
    }
    if (spec.getShutdownDeadline().isNegative()) {
      throw Props.invalid(
          p + "shutdown-deadline", spec.getShutdownDeadline(), "must not be negative");
    }
    try {
      return b.build();
    } catch (IllegalArgumentException | IllegalStateException e) {
      throw Props.refused("headroom.queue.queues." + name, e);
    }
  }
}
