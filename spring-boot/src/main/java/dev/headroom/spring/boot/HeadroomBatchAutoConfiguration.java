package dev.headroom.spring.boot;

import dev.headroom.batch.BatcherConfig;
import dev.headroom.batch.BatcherRegistry;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/** A {@link BatcherRegistry} whose batchers report to the context's meter registry. */
@AutoConfiguration
@ConditionalOnClass(BatcherRegistry.class)
@ConditionalOnBooleanProperty(name = "headroom.batch.enabled", matchIfMissing = true)
public class HeadroomBatchAutoConfiguration {

  /** The registry of batchers and debouncers. */
  @Bean
  @ConditionalOnMissingBean
  public BatcherRegistry headroomBatcherRegistry(ObjectProvider<MeterRegistry> meters) {
    return BatcherRegistry.create(
        BatcherConfig.builder().meterRegistry(meters.getIfAvailable()).build());
  }
}
