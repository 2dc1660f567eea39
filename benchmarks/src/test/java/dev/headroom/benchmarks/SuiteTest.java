package dev.headroom.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SuiteTest {

  @Test
  void ratioRangeDividesThePeersBoundsByHeadroomsOpposite() {
    // peer 90..110, headroom 95..105: 90/105 to 110/95
    assertThat(Suite.ratioRange(100, 10, 100, 5)).isEqualTo("0.86–1.16");
  }

  @Test
  void ratioRangeFloorsTheLowEndAtZero() {
    assertThat(Suite.ratioRange(10, 20, 100, 0)).isEqualTo("0.00–0.30");
  }

  @Test
  void ratioRangeIsUnboundedWhenHeadroomsIntervalReachesZero() {
    assertThat(Suite.ratioRange(100, 10, 100, 150)).isEqualTo("0.36–∞");
  }

  @Test
  void ratioRangeIsUnknownWithoutAnError() {
    assertThat(Suite.ratioRange(100, Double.NaN, 100, 5)).isEqualTo("n/a");
    assertThat(Suite.ratioRange(100, 5, 100, Double.NaN)).isEqualTo("n/a");
  }
}
