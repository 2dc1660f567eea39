package dev.headroom.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.headroom.core.time.ManualTimeSource;
import dev.headroom.core.time.TimeSource;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.concurrent.Executor;
import org.junit.jupiter.api.Test;

class DebouncerConfigTest {

  @Test
  void defaultsAreDocumented() {
    DebouncerConfig c = DebouncerConfig.ofDefaults();
    assertThat(c.waitTime()).isEqualTo(Duration.ofMillis(300));
    assertThat(c.maxWait()).isEmpty();
    assertThat(c.leading()).isFalse();
    assertThat(c.trailing()).isTrue();
    assertThat(c.meterRegistry()).isEmpty();
    assertThat(c.timeSource()).isSameAs(TimeSource.system());
  }

  @Test
  void toBuilderCopiesEveryValue() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    ManualTimeSource time = ManualTimeSource.create();
    Executor executor = Runnable::run;
    DebouncerConfig c =
        DebouncerConfig.builder()
            .waitTime(Duration.ofMillis(20))
            .maxWait(Duration.ofMillis(50))
            .leading(true)
            .trailing(false)
            .meterRegistry(registry)
            .timeSource(time)
            .executor(executor)
            .build();
    DebouncerConfig copy = c.toBuilder().build();
    assertThat(copy.toString()).isEqualTo(c.toString());
    assertThat(copy.meterRegistry()).containsSame(registry);
    assertThat(copy.timeSource()).isSameAs(time);
    assertThat(copy.executor()).isSameAs(executor);
    assertThat(c.toBuilder().noMaxWait().build().maxWait()).isEmpty();
  }

  @Test
  void badValuesFailWithTheFieldTheValueAndTheRule() {
    assertThatThrownBy(() -> DebouncerConfig.builder().maxWait(Duration.ofMillis(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxWait must be positive, was PT-0.001S");
    assertThatThrownBy(() -> DebouncerConfig.builder().executor(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("executor must not be null");
    assertThatThrownBy(
            () ->
                Batchers.throttle(
                    "t", Duration.ZERO, (String k, Integer a) -> {}, DebouncerConfig.ofDefaults()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("interval must be positive, was PT0S");
  }
}
