package dev.headroom.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.headroom.core.backoff.Backoff;
import dev.headroom.core.time.ManualTimeSource;
import dev.headroom.core.time.TimeSource;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.junit.jupiter.api.Test;

class BatcherConfigTest {

  @Test
  void defaultsAreDocumented() {
    BatcherConfig c = BatcherConfig.ofDefaults();
    assertThat(c.maxBatchSize()).isEqualTo(100);
    assertThat(c.maxLinger()).contains(Duration.ofMillis(5));
    assertThat(c.maxInFlight()).isEqualTo(Integer.MAX_VALUE);
    assertThat(c.maxPendingKeys()).isEqualTo(10_000);
    assertThat(c.overflow()).isEqualTo(Overflow.reject());
    assertThat(c.loaderTimeout()).contains(Duration.ofSeconds(30));
    assertThat(c.retry()).isEmpty();
    assertThat(c.cacheResults()).isFalse();
    assertThat(c.meterRegistry()).isEmpty();
    assertThat(c.timeSource()).isSameAs(TimeSource.system());
  }

  @Test
  void badValuesFailWithTheFieldTheValueAndTheRule() {
    BatcherConfig.Builder b = BatcherConfig.builder();
    assertThatThrownBy(() -> b.maxBatchSize(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxBatchSize must be at least 1, was 0");
    assertThatThrownBy(() -> b.maxBatchSize(-5))
        .hasMessage("maxBatchSize must be at least 1, was -5");
    assertThatThrownBy(() -> b.maxLinger(Duration.ofMillis(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxLinger must not be negative, was PT-0.001S");
    assertThatThrownBy(() -> b.maxInFlight(0)).hasMessage("maxInFlight must be at least 1, was 0");
    assertThatThrownBy(() -> b.maxPendingKeys(0))
        .hasMessage("maxPendingKeys must be at least 1, was 0");
    assertThatThrownBy(() -> b.loaderTimeout(Duration.ZERO))
        .hasMessage("loaderTimeout must be positive, was PT0S");
    assertThatThrownBy(() -> Overflow.block(Duration.ofSeconds(-1)))
        .hasMessage("overflow block timeout must not be negative, was PT-1S");
    assertThatThrownBy(() -> b.maxLinger(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("maxLinger must not be null");
    assertThatThrownBy(() -> b.timeSource(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("timeSource must not be null");
  }

  @Test
  void aSizeOnlyWindowThatCouldNeverFillIsRefused() {
    assertThatThrownBy(
            () -> BatcherConfig.builder().noLinger().maxBatchSize(100).maxPendingKeys(50).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "maxPendingKeys must be at least maxBatchSize (100) when there is no linger, or a window could never fill, was 50");
    assertThat(
            BatcherConfig.builder().maxBatchSize(100).maxPendingKeys(50).build().maxPendingKeys())
        .isEqualTo(50);
  }

  @Test
  void toBuilderCopiesEveryValue() {
    Backoff backoff = Backoff.exponential(Duration.ofMillis(10), Duration.ofSeconds(1)).build();
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    ManualTimeSource time = ManualTimeSource.create();
    Executor executor = Runnable::run;
    BatcherConfig c =
        BatcherConfig.builder()
            .maxBatchSize(7)
            .noLinger()
            .maxInFlight(3)
            .maxPendingKeys(70)
            .overflow(Overflow.block(Duration.ofMillis(20)))
            .noLoaderTimeout()
            .retry(backoff)
            .cacheResults(true)
            .meterRegistry(registry)
            .timeSource(time)
            .executor(executor)
            .build();
    BatcherConfig copy = c.toBuilder().build();
    assertThat(copy.toString()).isEqualTo(c.toString());
    assertThat(copy.retry()).containsSame(backoff);
    assertThat(copy.meterRegistry()).containsSame(registry);
    assertThat(copy.timeSource()).isSameAs(time);
    assertThat(copy.executor()).isSameAs(executor);
    assertThat(c.toBuilder().noRetry().build().retry()).isEmpty();
  }

  @Test
  void aBlankNameOrNullLoaderIsRefused() {
    BatchLoader<String, String> loader =
        keys -> CompletableFuture.completedFuture(BatchResult.<String, String>builder().build());
    assertThatThrownBy(() -> Batchers.create(" ", loader, BatcherConfig.ofDefaults()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("name must not be blank, was ' '");
    assertThatThrownBy(() -> Batchers.create("x", null, BatcherConfig.ofDefaults()))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("loader must not be null");
  }

  @Test
  void batchResultRefusesNulls() {
    assertThatThrownBy(() -> BatchResult.builder().value("k", null)).hasMessage("value");
    assertThatThrownBy(() -> BatchResult.builder().failure("k", null)).hasMessage("error");
  }
}
