package dev.headroom.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.headroom.core.health.HealthStatus;
import dev.headroom.core.registry.RegistryListener;
import dev.headroom.core.time.ManualTimeSource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class BatcherRegistryTest {

  private final ManualTimeSource time = ManualTimeSource.create();
  private final BatcherConfig defaults =
      BatcherConfig.builder()
          .maxLinger(Duration.ofMillis(5))
          .timeSource(time)
          .executor(Runnable::run)
          .build();

  @Test
  void createsABatcherOnFirstUseAndAnswersItAfterwards() {
    RecordingLoader<Integer, String> loader = RecordingLoader.mapping(k -> "v" + k);
    try (BatcherRegistry registry = BatcherRegistry.create(defaults)) {
      Batcher<Integer, Optional<String>> users = registry.batcher("users", loader);
      assertThat(registry.batcher("users", loader)).isSameAs(users);
      assertThat(users.config()).isSameAs(defaults);
      assertThat(registry.names()).containsExactly("users");
      assertThat(registry.<Integer, Optional<String>>batcher("users")).isSameAs(users);

      BatcherConfig own = defaults.toBuilder().maxBatchSize(7).build();
      Batcher<Integer, Optional<String>> orders = registry.batcher("orders", loader, own);
      assertThat(orders.config().maxBatchSize()).isEqualTo(7);
      assertThat(orders.name()).isEqualTo("orders");
      assertThat(registry.defaults()).isSameAs(defaults);
    }
  }

  @Test
  void listenersHearEveryBatcherAndCloseClosesThemAll() {
    RecordingLoader<Integer, String> loader = RecordingLoader.mapping(k -> "v" + k);
    BatcherRegistry registry = BatcherRegistry.create(defaults);
    Batcher<Integer, Optional<String>> users = registry.batcher("users", loader);
    List<String> events = new ArrayList<>();
    registry.addListener(
        new RegistryListener<Batcher<?, ?>>() {
          @Override
          public void added(String name, Batcher<?, ?> instance) {
            events.add("+" + name);
          }

          @Override
          public void removed(String name, Batcher<?, ?> instance) {
            events.add("-" + name);
          }
        });
    registry.add("manual", Batchers.create("manual", loader, defaults));
    assertThatThrownBy(() -> registry.add("manual", Batchers.create("manual-2", loader, defaults)))
        .isInstanceOf(IllegalArgumentException.class);
    registry.close();
    assertThat(events).containsExactly("+users", "+manual", "-manual", "-users");
    assertThat(users.health().status()).isEqualTo(HealthStatus.DOWN);
    assertThatThrownBy(() -> users.load(1)).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> registry.get("users")).isInstanceOf(NoSuchElementException.class);
  }
}
