package dev.headroom.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.headroom.core.backoff.Backoff;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
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
  }

  @Test
  void badValuesFailWithTheFieldTheValueAndTheRule() {
    BatcherConfig.Builder b = BatcherConfig.builder();
    assertThatThrownBy(() -> b.maxBatchSize(0)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxBatchSize must be >= 1, was 0");
    assertThatThrownBy(() -> b.maxBatchSize(-5)).hasMessage("maxBatchSize must be >= 1, was -5");
    assertThatThrownBy(() -> b.maxLinger(Duration.ofMillis(-1))).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxLinger must not be negative, was PT-0.001S");
    assertThatThrownBy(() -> b.maxInFlight(0)).hasMessage("maxInFlight must be >= 1, was 0");
    assertThatThrownBy(() -> b.maxPendingKeys(0)).hasMessage("maxPendingKeys must be >= 1, was 0");
    assertThatThrownBy(() -> b.loaderTimeout(Duration.ZERO)).hasMessage("loaderTimeout must be positive, was PT0S");
    assertThatThrownBy(() -> Overflow.block(Duration.ofSeconds(-1)))
        .hasMessage("overflow block timeout must not be negative, was PT-1S");
    assertThatThrownBy(() -> b.maxLinger(null)).isInstanceOf(NullPointerException.class).hasMessage("maxLinger");
  }

  @Test
  void aSizeOnlyWindowThatCouldNeverFillIsRefused() {
    assertThatThrownBy(() -> BatcherConfig.builder().noLinger().maxBatchSize(100).maxPendingKeys(50).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxPendingKeys (50) must be >= maxBatchSize (100) when there is no linger, or a window could never fill");
    assertThat(BatcherConfig.builder().maxBatchSize(100).maxPendingKeys(50).build().maxPendingKeys()).isEqualTo(50);
  }

  @Test
  void fromCopiesEveryValue() {
    Backoff backoff = Backoff.exponential(Duration.ofMillis(10), Duration.ofSeconds(1)).build();
    BatcherConfig c = BatcherConfig.builder().maxBatchSize(7).noLinger().maxInFlight(3).maxPendingKeys(70)
        .overflow(Overflow.block(Duration.ofMillis(20))).noLoaderTimeout().retry(backoff).cacheResults(true).build();
    BatcherConfig copy = BatcherConfig.from(c).build();
    assertThat(copy.toString()).isEqualTo(c.toString());
    assertThat(copy.retry()).containsSame(backoff);
    assertThat(BatcherConfig.from(c).noRetry().build().retry()).isEmpty();
  }

  @Test
  void aBlankNameOrNullLoaderIsRefused() {
    BatchLoader<String, String> loader = keys -> CompletableFuture.completedFuture(BatchResult.<String, String>builder().build());
    assertThatThrownBy(() -> Batcher.builder(" ", loader)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("batcher name must not be blank, was ' '");
    assertThatThrownBy(() -> Batcher.builder("x", null)).isInstanceOf(NullPointerException.class).hasMessage("loader");
  }

  @Test
  void batchResultRefusesNulls() {
    assertThatThrownBy(() -> BatchResult.builder().value("k", null)).hasMessage("value");
    assertThatThrownBy(() -> BatchResult.builder().failure("k", null)).hasMessage("error");
  }
}
