package dev.headroom.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.headroom.core.registry.RegistryListener;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * Named queues: one per name, made on first ask, followed by listeners, closed with the registry.
 */
class JobQueueRegistryTest {

  @Test
  void makesOneQueuePerNameAndClosesThemAll() {
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    JobQueueRegistry registry =
        JobQueueRegistry.create(
            Optional.empty(), JobQueueConfig.builder().meterRegistry(meters).build());
    List<String> events = new CopyOnWriteArrayList<>();
    registry.addListener(
        new RegistryListener<JobQueue>() {
          @Override
          public void added(String name, JobQueue queue) {
            events.add("+" + name);
          }

          @Override
          public void removed(String name, JobQueue queue) {
            events.add("-" + name);
          }
        });
    JobQueue emails = registry.getOrCreate("emails");
    assertThat(registry.getOrCreate("emails")).isSameAs(emails);
    JobQueue reports =
        registry.getOrCreate("reports", JobQueueConfig.builder().capacity(10).build());
    assertThat(emails.name()).isEqualTo("emails");
    assertThat(registry.names()).containsExactly("emails", "reports");
    assertThat(registry.get("reports")).isSameAs(reports);
    assertThat(meters.find("headroom.queue.workers").tag("queue", "emails").gauge()).isNotNull();

    registry.close();
    assertThat(events).containsExactly("+emails", "+reports", "-reports", "-emails");
    assertThat(meters.getMeters()).isEmpty();
    assertThatThrownBy(() -> emails.enqueue(JobType.of("t", String.class), "x"))
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> registry.getOrCreate("later"))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void aSecondLiveQueueOfOneNameInOneMeterRegistryIsRefused() {
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    JobQueueConfig config = JobQueueConfig.builder().meterRegistry(meters).build();
    try (JobQueue first = JobQueues.inMemory("jobs", config)) {
      assertThatThrownBy(() -> JobQueues.inMemory("jobs", config))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("queue 'jobs'")
          .hasMessageContaining("already holds the meters");
      assertThat(meters.find("headroom.queue.workers").gauges()).hasSize(1);
      first.enqueue(JobType.of("t", String.class), "still metered");
      assertThat(meters.find("headroom.queue.enqueued").counter().count()).isEqualTo(1);
    }
    try (JobQueue again = JobQueues.inMemory("jobs", config)) {
      assertThat(again.name()).isEqualTo("jobs");
    }
  }
}
