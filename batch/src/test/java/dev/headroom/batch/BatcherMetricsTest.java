package dev.headroom.batch;

import static org.assertj.core.api.Assertions.assertThat;

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
    Batcher<Integer, String> b = Batchers.createRequired("users", loader, BatcherConfig.builder().maxBatchSize(3).maxLinger(Duration.ofMillis(10)).maxPendingKeys(3)
            .loaderTimeout(Duration.ofSeconds(1)).timeSource(time).executor(Runnable::run).meterRegistry(registry).build());

    b.load(1);
    b.load(2);
    time.advance(Duration.ofMillis(10));
    b.load(3);
    b.load(4);
    assertThat(registry.get("headroom.batch.pending").tag("batcher", "users").gauge().value()).isEqualTo(3.0);
    assertThat(registry.get("headroom.batch.rejected").tag("batcher", "users").counter().count()).isEqualTo(1.0);
    time.advance(Duration.ofMillis(4));
    loader.answer(0);
    time.advance(Duration.ofMillis(6));
    time.advance(Duration.ofSeconds(1));

    assertThat(registry.get("headroom.batch.size").tag("batcher", "users").summary().count()).isEqualTo(2);
    assertThat(registry.get("headroom.batch.size").tag("batcher", "users").summary().totalAmount()).isEqualTo(3.0);
    assertThat(registry.get("headroom.batch.linger").tag("batcher", "users").timer().totalTime(TimeUnit.MILLISECONDS))
        .as("two windows that each waited out their linger").isEqualTo(20.0);
    assertThat(registry.get("headroom.batch.loader").tag("batcher", "users").timer().count()).isEqualTo(2);
    assertThat(registry.get("headroom.batch.loader").timer().max(TimeUnit.MILLISECONDS)).isEqualTo(1000.0);
    assertThat(registry.get("headroom.batch.errors").tags("batcher", "users", "result", "timeout").counter().count()).isEqualTo(1.0);
    assertThat(registry.get("headroom.batch.pending").gauge().value()).isZero();
  }

  @Test
  void withoutARegistryNoTimeIsReadForMeters() {
    CountingTime counting = new CountingTime();
    RecordingLoader<Integer, String> loader = RecordingLoader.mapping(k -> "v" + k);
    Batcher<Integer, String> b = Batchers.createRequired("quiet", loader, BatcherConfig.builder().maxBatchSize(2).noLinger().noLoaderTimeout().timeSource(counting).executor(Runnable::run).build());
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

    @Override
    public Cancellable schedule(Runnable task, long delayNanos) {
      throw new AssertionError("nothing to schedule without linger or timeout");
    }
  }
}
