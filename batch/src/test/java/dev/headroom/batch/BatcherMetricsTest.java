package dev.headroom.batch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.headroom.core.time.ManualTimeSource;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class BatcherMetricsTest {

  private final ManualTimeSource time = ManualTimeSource.create();
  private final ManualScheduler scheduler = new ManualScheduler(time);
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

  @Test
  void publishesSizeLingerLoaderTimePendingRejectionsAndErrorsTaggedByName() {
    RecordingLoader<Integer, String> loader = RecordingLoader.deferred(k -> "v" + k);
    Batcher<Integer, String> b = Batcher.builder("users", loader)
        .config(BatcherConfig.builder().maxBatchSize(3).maxLinger(Duration.ofMillis(10)).maxPendingKeys(3)
            .loaderTimeout(Duration.ofSeconds(1)).build())
        .timeSource(time).scheduler(scheduler).executor(Runnable::run).meterRegistry(registry).buildRequired();

    b.load(1);
    b.load(2);
    scheduler.advance(Duration.ofMillis(10));
    b.load(3);
    b.load(4);
    assertThat(registry.get("headroom.batch.pending").tag("name", "users").gauge().value()).isEqualTo(3.0);
    assertThat(registry.get("headroom.batch.rejected").tag("name", "users").counter().count()).isEqualTo(1.0);
    scheduler.advance(Duration.ofMillis(4));
    loader.answer(0);
    scheduler.advance(Duration.ofMillis(6));
    scheduler.advance(Duration.ofSeconds(1));

    assertThat(registry.get("headroom.batch.size").tag("name", "users").summary().count()).isEqualTo(2);
    assertThat(registry.get("headroom.batch.size").tag("name", "users").summary().totalAmount()).isEqualTo(3.0);
    assertThat(registry.get("headroom.batch.linger").tag("name", "users").timer().totalTime(TimeUnit.MILLISECONDS))
        .as("two windows that each waited out their linger").isEqualTo(20.0);
    assertThat(registry.get("headroom.batch.loader").tag("name", "users").timer().count()).isEqualTo(2);
    assertThat(registry.get("headroom.batch.loader").timer().max(TimeUnit.MILLISECONDS)).isEqualTo(1000.0);
    assertThat(registry.get("headroom.batch.errors").tags("name", "users", "kind", "timeout").counter().count()).isEqualTo(1.0);
    assertThat(registry.get("headroom.batch.pending").gauge().value()).isZero();
  }

  @Test
  void withoutARegistryNoTimeIsReadForMeters() {
    CountingTime counting = new CountingTime();
    RecordingLoader<Integer, String> loader = RecordingLoader.mapping(k -> "v" + k);
    Batcher<Integer, String> b = Batcher.builder("quiet", loader)
        .config(BatcherConfig.builder().maxBatchSize(2).noLoaderTimeout().build())
        .timeSource(counting).scheduler(scheduler).executor(Runnable::run).buildRequired();
    for (int i = 0; i < 100; i++) {
      b.load(i);
    }
    assertThat(loader.callCount()).isEqualTo(50);
    assertThat(counting.reads).isZero();
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
  }
}
