package dev.headroom.core.time;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ManualTimeSourceTest {

  @Test
  void movesOnlyWhenAdvanced() {
    ManualTimeSource time = ManualTimeSource.startingAt(Instant.parse("2026-11-21T00:00:00Z"));
    long nanos = time.nanoTime();
    assertThat(time.nanoTime()).isEqualTo(nanos);
    time.advance(Duration.ofMillis(1500));
    assertThat(time.nanoTime() - nanos).isEqualTo(1_500_000_000L);
    assertThat(time.now()).isEqualTo(Instant.parse("2026-11-21T00:00:01.500Z"));
  }

  @Test
  void wallClockCanJumpWithoutMovingMonotonicTime() {
    ManualTimeSource time = ManualTimeSource.create();
    long nanos = time.nanoTime();
    time.setWallClock(Instant.parse("2020-01-01T00:00:00Z"));
    assertThat(time.nanoTime()).isEqualTo(nanos);
    assertThat(time.currentTimeMillis()).isEqualTo(Instant.parse("2020-01-01T00:00:00Z").toEpochMilli());
    assertThatThrownBy(() -> time.advance(Duration.ofMillis(-1))).hasMessageContaining("must not be negative");
  }

  @Test
  void systemTimeSourceIsMonotonic() {
    TimeSource system = TimeSource.system();
    long a = system.nanoTime();
    assertThat(system.nanoTime()).isGreaterThanOrEqualTo(a);
    assertThat(Math.abs(system.currentTimeMillis() - System.currentTimeMillis())).isLessThan(5_000);
  }
}
