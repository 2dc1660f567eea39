package dev.headroom.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.headroom.benchmarks.ScalingCurves.Point;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScalingCurvesTest {

  private static final String CSV =
      """
      "test","rps","avg_latency_ms","min_latency_ms","p50_latency_ms","p95_latency_ms","p99_latency_ms","max_latency_ms"
      "LPUSH","441.25","17.989","0.192","10.103","56.991","129.855","502.015"
      "RPOP","581.48","13.620","0.016","1.087","51.295","166.655","906.239"
      "evalsha 6163 1 rb:__rand_int__","584.52","13.588","0.232","10.023","36.607","69.823","220.031"
      """;

  private static final List<Point> POINTS =
      List.of(
          new Point("cache L2 hit", "headroom", 1, 10_000, 9_000, 11_000, "1×5"),
          new Point("cache L2 hit", "lettuce", 1, 12_000, 11_500, 12_500, "1×5"),
          new Point("cache L2 hit", "redis-benchmark", 1, 20_000, 19_000, 21_000, "3 runs"),
          new Point("cache L2 hit", "headroom", 8, 40_000, 30_000, 50_000, "1×5"),
          new Point("cache L2 hit", "lettuce", 8, 50_000, 45_000, 55_000, "1×5"),
          new Point("queue on Redis", "headroom", 1, 3_000, 2_000, 4_000, "1×5"));

  @Test
  void readsTheRateOfANamedTestFromRedisBenchmarkCsv() {
    assertThat(ScalingCurves.rps(CSV, "LPUSH")).isEqualTo(441.25);
    assertThat(ScalingCurves.rps(CSV, "rpop")).isEqualTo(581.48);
    assertThat(ScalingCurves.rps(CSV, "EVALSHA")).isEqualTo(584.52);
  }

  @Test
  void aMissingTestIsAnError() {
    assertThatThrownBy(() -> ScalingCurves.rps(CSV, "GET"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("no 'GET' row");
  }

  @Test
  void tableHasOneRowPerPathAndThreadCountWithRatiosAndTheirRanges() {
    String table = ScalingCurves.table(POINTS);

    assertThat(table.lines())
        .hasSize(5)
        .contains(
            "| cache L2 hit | 1 | 10,000 (9,000–11,000, 1×5) | 12,000 (11,500–12,500, 1×5) |"
                + " 20,000 (19,000–21,000, 3 runs) | 0.83 (0.72–0.96) | 0.60 (0.55–0.66) |",
            "| queue on Redis | 1 | 3,000 (2,000–4,000, 1×5) |  |  |  |  |");
  }

  @Test
  void csvHasAHeaderAndOneRowPerPoint(@TempDir Path dir) throws Exception {
    Path csv = dir.resolve("scaling.csv");

    ScalingCurves.writeCsv(csv, POINTS);

    List<String> lines = Files.readAllLines(csv);
    assertThat(lines).hasSize(POINTS.size() + 1);
    assertThat(lines.get(0)).isEqualTo("path,impl,threads,ops_per_s,low,high,runs");
    assertThat(lines.get(3)).isEqualTo("cache L2 hit,redis-benchmark,1,20000,19000,21000,3 runs");
    assertThat(ScalingCurves.readCsv(csv)).isEqualTo(POINTS);
  }

  @Test
  void plotIsAPngWithOnePanelPerPath(@TempDir Path dir) throws Exception {
    Path png = dir.resolve("scaling.png");

    ScalingPlot.write(POINTS, png, "test");

    BufferedImage image = ImageIO.read(png.toFile());
    assertThat(image.getWidth()).isEqualTo(2 * 520);
    assertThat(image.getHeight()).isEqualTo(530);
  }

  @Test
  void logAxisTicksAreOneTwoOrFiveTimesAPowerOfTen() {
    assertThat(ScalingPlot.tickAtOrAbove(13_000)).isEqualTo(20_000);
    assertThat(ScalingPlot.tickAtOrAbove(60_000)).isEqualTo(100_000);
    assertThat(ScalingPlot.tickAtOrAbove(5_000)).isEqualTo(5_000);
    assertThat(ScalingPlot.tickAtOrBelow(339)).isEqualTo(200);
    assertThat(ScalingPlot.tickAtOrBelow(4)).isEqualTo(2);
    assertThat(ScalingPlot.ticks(200, 20_000))
        .containsExactly(200.0, 500.0, 1_000.0, 2_000.0, 5_000.0, 10_000.0, 20_000.0);
  }
}
