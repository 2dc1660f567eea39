package dev.headroom.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.headroom.benchmarks.Suite.Row;
import java.util.List;
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

  @Test
  void tableGivesEveryRowItsAllocationPerOperationBesideTheRatio() {
    String table =
        Suite.render(
            List.of(
                new Row("Q.run (1t)", "headroom", 1000, 100, "1×5", "ops/s", 412.3, 2.04),
                new Row("Q.run (1t)", "peer", 500, 50, "1×5", "ops/s", 5120, Double.NaN),
                new Row("R.get (2t)", "headroom", 10, 1, "1×5", "ops/s", 0.02, 0.001),
                new Row("R.get (2t)", "other", 20, 1, "1×5", "ops/s", Double.NaN, Double.NaN)));

    assertThat(table.lines())
        .containsExactly(
            "| scenario | impl | score | ± error (99.9 %) | runs | unit | peer / headroom | ratio"
                + " range | B/op |",
            "|---|---|---:|---:|---:|---|---:|---:|---:|",
            "| Q.run (1t) | headroom | 1000.0 | 100.0 | 1×5 | ops/s | 1.00 |  | 412 ± 2 |",
            "| Q.run (1t) | peer | 500.0 | 50.0 | 1×5 | ops/s | 0.50 | 0.41–0.61 | 5120 |",
            "| R.get (2t) | headroom | 10.0 | 1.0 | 1×5 | ops/s | 1.00 |  | 0.0 ± 0.0 |",
            "| R.get (2t) | other | 20.0 | 1.0 | 1×5 | ops/s | 2.00 | 1.73–2.33 | n/a |");
  }

  @Test
  void ratioBelowOneHundredthKeepsTwoSignificantDigits() {
    assertThat(Suite.ratio(0.000064_4)).isEqualTo("0.000064");
    assertThat(Suite.ratio(0.0046)).isEqualTo("0.0046");
    assertThat(Suite.ratio(0.01)).isEqualTo("0.01");
    assertThat(Suite.ratio(0)).isEqualTo("0.00");
    assertThat(Suite.ratio(6.854)).isEqualTo("6.85");
    assertThat(Suite.ratioRange(1, 0.5, 10_000, 100)).isEqualTo("0.000050–0.00015");
  }

  @Test
  void bytesPerOpKeepsADecimalOnlyBelowTenBytes() {
    assertThat(Suite.bytesPerOp(1234.4, 5.6)).isEqualTo("1234 ± 6");
    assertThat(Suite.bytesPerOp(7.25, 0.5)).isEqualTo("7.3 ± 0.5");
    assertThat(Suite.bytesPerOp(7.25, Double.NaN)).isEqualTo("7.3");
    assertThat(Suite.bytesPerOp(Double.NaN, 1)).isEqualTo("n/a");
  }
}
