package dev.headroom.monitoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.headroom.core.metrics.HeadroomMeters;
import dev.headroom.core.time.ManualTimeSource;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class ScalingAdvisorTest {

  private final ManualTimeSource time = ManualTimeSource.create();
  private final MeterRegistry registry = new SimpleMeterRegistry();
  private final AtomicReference<Double> cpu = new AtomicReference<>(0.5);
  private final List<ScalingAdvice> advice = new CopyOnWriteArrayList<>();

  ScalingAdvisorTest() {
    Gauge.builder(HeadroomMeters.PROCESS_CPU_USAGE, cpu, AtomicReference::get).register(registry);
  }

  private Monitor monitor(ScalingAdvisor advisor) {
    advisor.addListener(advice::add);
    return Monitor.builder()
        .meterRegistry(registry)
        .timeSource(time)
        .alertRules(AlertRules.none())
        .scalingAdvisor(advisor)
        .build();
  }

  private void run(Monitor m, double value, Duration total) {
    cpu.set(value);
    Duration step = Duration.ofSeconds(30);
    for (Duration t = Duration.ZERO; t.compareTo(total) < 0; t = t.plus(step)) {
      time.advance(step);
      m.evaluate();
    }
  }

  @Test
  void recommendsScalingUpWhenCpuStaysHighAndRepeatsAfterTheCooldown() {
    ScalingAdvisor advisor = ScalingAdvisor.defaults();
    Monitor m = monitor(advisor);
    cpu.set(0.9);
    m.evaluate();
    run(m, 0.9, Duration.ofMinutes(4));
    assertThat(advice).isEmpty();
    run(m, 0.9, Duration.ofMinutes(1));
    assertThat(advice)
        .singleElement()
        .satisfies(
            a -> {
              assertThat(a.action()).isEqualTo(ScalingAction.SCALE_UP);
              assertThat(a.rule().name()).isEqualTo("cpu-high");
              assertThat(a.value()).isEqualTo(0.9);
            });
    assertThat(advisor.recommendations()).hasSize(1);

    run(m, 0.9, Duration.ofMinutes(9).plusSeconds(30));
    assertThat(advice).as("inside the 10 min cooldown").hasSize(1);
    run(m, 0.9, Duration.ofSeconds(30));
    assertThat(advice).as("cooldown over, still hot: scale up again").hasSize(2);

    run(m, 0.5, Duration.ofSeconds(30));
    assertThat(advisor.recommendations()).as("the condition no longer holds").isEmpty();
    assertThat(advice).hasSize(2);
  }

  @Test
  void recommendsScalingDownWhenCpuStaysLow() {
    ScalingAdvisor advisor = ScalingAdvisor.defaults();
    Monitor m = monitor(advisor);
    run(m, 0.1, Duration.ofMinutes(15).plusSeconds(30));
    assertThat(advice).extracting(ScalingAdvice::action).containsExactly(ScalingAction.SCALE_DOWN);
  }

  @Test
  void anUnknownCpuLoadIsNoDataNotIdle() {
    ScalingAdvisor advisor = ScalingAdvisor.defaults();
    Monitor m = monitor(advisor);
    run(m, -1.0, Duration.ofMinutes(20));
    assertThat(m.read(Metric.CPU)).isEmpty();
    assertThat(advice).isEmpty();
  }

  @Test
  void recommendsScalingUpOnSlowRequests() {
    RequestMetrics requests =
        RequestMetrics.create(RequestMetricsConfig.builder().timeSource(time).build());
    ScalingAdvisor advisor = ScalingAdvisor.defaults();
    advisor.addListener(advice::add);
    Monitor m =
        Monitor.builder()
            .meterRegistry(registry)
            .requests(requests)
            .alertRules(AlertRules.none())
            .scalingAdvisor(advisor)
            .build();
    for (int step = 0; step <= 6; step++) {
      for (int i = 0; i < 20; i++) {
        requests.recordRequest("/search", "GET", 200, Duration.ofMillis(2_500));
      }
      m.evaluate();
      time.advance(Duration.ofSeconds(30));
    }
    assertThat(advice)
        .singleElement()
        .satisfies(
            a -> {
              assertThat(a.rule().name()).isEqualTo("p95-high");
              assertThat(a.value())
                  .isCloseTo(2_500, org.assertj.core.data.Percentage.withPercentage(1));
            });
    assertThat(advice.get(0).toString()).startsWith("SCALE_UP (p95-high: p95 = ");
  }

  @Test
  void rejectsBadRulesAndSharing() {
    assertThatThrownBy(
            () ->
                ScalingRule.builder("r")
                    .metric(Metric.CPU)
                    .above(Double.NaN)
                    .action(ScalingAction.SCALE_UP)
                    .build())
        .hasMessage("scaling rule 'r': threshold must be a finite number, was NaN");
    assertThatThrownBy(
            () ->
                ScalingRule.builder("r")
                    .metric(Metric.CPU)
                    .above(0.8)
                    .duration(Duration.ofMinutes(-1))
                    .action(ScalingAction.SCALE_UP)
                    .build())
        .hasMessageContaining("for-duration must not be negative, was PT-1M");
    assertThatThrownBy(() -> ScalingRule.builder("r").metric(Metric.CPU).above(0.8).build())
        .hasMessage("scaling rule 'r': action is required");
    assertThatThrownBy(() -> ScalingRule.builder("r").metric("cpuu"))
        .hasMessageContaining("scaling rule 'r': unknown metric 'cpuu'");
    ScalingRule rule =
        ScalingRule.builder("r").metric("cpu").above(0.8).action(ScalingAction.ALERT).build();
    assertThatThrownBy(() -> ScalingAdvisor.of(rule, rule))
        .hasMessage("scaling rule names must be unique, 'r' appears twice");
    ScalingAdvisor advisor = ScalingAdvisor.of(rule);
    Monitor.builder().meterRegistry(registry).scalingAdvisor(advisor).build();
    assertThatThrownBy(
            () -> Monitor.builder().meterRegistry(registry).scalingAdvisor(advisor).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("already serves a monitor");
    assertThat(ScalingAdvisor.defaultRules())
        .extracting(ScalingRule::name)
        .containsExactly("cpu-high", "p95-high", "cpu-low");
    assertThat(rule.toString()).contains("cpu > 0.8").contains("ALERT");
  }
}
