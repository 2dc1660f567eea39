package dev.headroom.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.headroom.core.health.HealthStatus;
import dev.headroom.core.time.Cancellable;
import dev.headroom.core.time.ManualTimeSource;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class BatcherMetricsTest {

  private final ManualTimeSource time = ManualTimeSource.create();
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

  @Test
  void publishesSizeLingerLoaderTimePendingRejectionsAndErrorsTaggedByName() {
    RecordingLoader<Integer, String> loader = RecordingLoader.deferred(k -> "v" + k);
    Batcher<Integer, String> b =
        Batchers.createRequired(
            "users",
            loader,
            BatcherConfig.builder()
                .maxBatchSize(3)
                .maxLinger(Duration.ofMillis(10))
                .maxPendingKeys(3)
                .loaderTimeout(Duration.ofSeconds(1))
                .timeSource(time)
                .executor(Runnable::run)
                .meterRegistry(registry)
                .build());

    b.load(1);
    b.load(2);
    time.advance(Duration.ofMillis(10));
    b.load(3);
    b.load(4);
    assertThat(registry.get("headroom.batch.pending").tag("batcher", "users").gauge().value())
        .isEqualTo(3.0);
    assertThat(registry.get("headroom.batch.rejected").tag("batcher", "users").counter().count())
        .isEqualTo(1.0);
    time.advance(Duration.ofMillis(4));
    loader.answer(0);
    time.advance(Duration.ofMillis(6));
    time.advance(Duration.ofSeconds(1));

    assertThat(registry.get("headroom.batch.size").tag("batcher", "users").summary().count())
        .isEqualTo(2);
    assertThat(registry.get("headroom.batch.size").tag("batcher", "users").summary().totalAmount())
        .isEqualTo(3.0);
    assertThat(
            registry
                .get("headroom.batch.linger")
                .tag("batcher", "users")
                .timer()
                .totalTime(TimeUnit.MILLISECONDS))
        .as("two windows that each waited out their linger")
        .isEqualTo(20.0);
    assertThat(registry.get("headroom.batch.loader").tag("batcher", "users").timer().count())
        .isEqualTo(2);
    assertThat(registry.get("headroom.batch.loader").timer().max(TimeUnit.MILLISECONDS))
        .isEqualTo(1000.0);
    assertThat(
            registry
                .get("headroom.batch.errors")
                .tags("batcher", "users", "result", "timeout")
                .counter()
                .count())
        .isEqualTo(1.0);
    assertThat(registry.get("headroom.batch.pending").gauge().value()).isZero();
  }

  @Test
  void withoutARegistryNoTimeIsReadForMeters() {
    CountingTime counting = new CountingTime();
    RecordingLoader<Integer, String> loader = RecordingLoader.mapping(k -> "v" + k);
    Batcher<Integer, String> b =
        Batchers.createRequired(
            "quiet",
            loader,
            BatcherConfig.builder()
                .maxBatchSize(2)
                .noLinger()
                .noLoaderTimeout()
                .timeSource(counting)
                .executor(Runnable::run)
                .build());
    for (int i = 0; i < 100; i++) {
      b.load(i);
    }
    assertThat(loader.callCount()).isEqualTo(50);
    assertThat(counting.reads).isZero();
  }

  @Test
  void aSecondLiveBatcherOfOneNameIsRefusedInsteadOfHalfSharingThePendingGauge() {
    RecordingLoader<Integer, String> loader = RecordingLoader.deferred(k -> "v" + k);
    BatcherConfig config =
        BatcherConfig.builder()
            .noLinger()
            .maxBatchSize(10)
            .timeSource(time)
            .executor(Runnable::run)
            .meterRegistry(registry)
            .build();
    Batcher<Integer, String> first = Batchers.createRequired("users", loader, config);
    first.load(1);
    assertThatThrownBy(() -> Batchers.createRequired("users", loader, config))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("'users'");
    assertThat(registry.get("headroom.batch.pending").tag("batcher", "users").gauge().value())
        .as("the gauge still reads the first batcher")
        .isEqualTo(1.0);

    Batcher<Integer, String> other = Batchers.createRequired("orders", loader, config);
    assertThat(registry.get("headroom.batch.pending").tag("batcher", "orders").gauge().value())
        .isZero();
    other.close();

    first.close();
    assertThat(registry.find("headroom.batch.pending").tag("batcher", "users").gauge()).isNull();
    Batcher<Integer, String> second = Batchers.createRequired("users", loader, config);
    second.load(7);
    second.load(8);
    assertThat(registry.get("headroom.batch.pending").tag("batcher", "users").gauge().value())
        .isEqualTo(2.0);
    second.close();
  }

  @Test
  void closeRemovesEveryMeter() {
    RecordingLoader<Integer, String> loader = RecordingLoader.mapping(k -> "v" + k);
    Batcher<Integer, String> b =
        Batchers.createRequired(
            "users",
            loader,
            BatcherConfig.builder()
                .maxBatchSize(1)
                .timeSource(time)
                .executor(Runnable::run)
                .meterRegistry(registry)
                .build());
    b.load(1);
    assertThat(registry.getMeters()).isNotEmpty();
    b.close();
    assertThat(registry.getMeters()).isEmpty();
  }

  @Test
  void aDebouncerOfATakenNameIsRefusedAndCloseRemovesItsMeters() {
    DebouncerConfig config =
        DebouncerConfig.builder()
            .timeSource(time)
            .executor(Runnable::run)
            .meterRegistry(registry)
            .build();
    Debouncer<String, Integer> first =
        Batchers.debouncer("search", (String k, Integer a) -> {}, config);
    assertThatThrownBy(() -> Batchers.debouncer("search", (String k, Integer a) -> {}, config))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("'search'");
    first.close();
    assertThat(registry.getMeters()).isEmpty();
    Batchers.debouncer("search", (String k, Integer a) -> {}, config).close();
  }

  @Test
  void healthIsUpWithRoomDegradedWhenFullAndDownWhenClosed() {
    RecordingLoader<Integer, String> loader = RecordingLoader.deferred(k -> "v" + k);
    Batcher<Integer, String> b =
        Batchers.createRequired(
            "health",
            loader,
            BatcherConfig.builder()
                .noLinger()
                .maxBatchSize(2)
                .maxPendingKeys(2)
                .timeSource(time)
                .executor(Runnable::run)
                .build());
    assertThat(b.health().status()).isEqualTo(HealthStatus.UP);
    b.load(1);
    b.load(2);
    assertThat(b.health().status()).isEqualTo(HealthStatus.DEGRADED);
    assertThat(b.health().details())
        .containsEntry("pendingKeys", 2)
        .containsEntry("maxPendingKeys", 2);
    loader.answer(0);
    assertThat(b.health().status()).isEqualTo(HealthStatus.UP);
    b.close();
    assertThat(b.health().status()).isEqualTo(HealthStatus.DOWN);
    assertThat(b.name()).isEqualTo("health");

    Debouncer<String, Integer> d =
        Batchers.debouncer(
            "d", (String k, Integer a) -> {}, DebouncerConfig.builder().timeSource(time).build());
    assertThat(d.health().status()).isEqualTo(HealthStatus.UP);
    d.close();
    assertThat(d.health().status()).isEqualTo(HealthStatus.DOWN);
  }

  private static final class CountingTime implements dev.headroom.core.time.TimeSource {
    int reads;

    @Override
    public long nanoTime() {
      reads++;
      return 0;
    }

    @Override
    public long currentTimeMillis() {
      reads++;
      return 0;
    }

    @Override
    public Cancellable schedule(Runnable task, long delayNanos) {
      throw new AssertionError("nothing to schedule without linger or timeout");
    }
  }
}
