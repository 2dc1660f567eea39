package dev.headroom.monitoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.headroom.core.metrics.HeadroomMeters;
import dev.headroom.core.time.ManualTimeSource;
import dev.headroom.core.time.TimeSource;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class AlertRulesTest {

  private final ManualTimeSource time = ManualTimeSource.create();
  private final MeterRegistry registry = new SimpleMeterRegistry();
  private final AtomicReference<Double> value = new AtomicReference<>(0.0);
  private final List<AlertEvent> events = new CopyOnWriteArrayList<>();

  AlertRulesTest() {
    Gauge.builder("test.value", value, AtomicReference::get).register(registry);
  }

  private Monitor monitor(AlertRule... rules) {
    Monitor m =
        Monitor.builder()
            .meterRegistry(registry)
            .timeSource(time)
            .alertRules(AlertRules.of(rules))
            .build();
    m.addAlertListener(events::add);
    return m;
  }

  private static AlertRule.Builder rule(String name) {
    return AlertRule.builder(name).metric(Metric.meter("test.value"));
  }

  /** Sets the value, moves time by {@code step}, evaluates. */
  private List<AlertEvent> at(Monitor m, double v, Duration step) {
    value.set(v);
    time.advance(step);
    return m.evaluate();
  }

  @Test
  void firesOnlyAfterTheBreachHeldForItsDuration() {
    Monitor m =
        monitor(
            rule("high")
                .above(100)
                .forDuration(Duration.ofMinutes(1))
                .severity(Severity.CRITICAL)
                .build());
    Duration step = Duration.ofSeconds(15);
    assertThat(at(m, 150, Duration.ZERO)).isEmpty();
    Instant breachStart = time.now();
    assertThat(at(m, 150, step)).isEmpty();
    assertThat(at(m, 150, step)).isEmpty();
    assertThat(at(m, 150, step)).isEmpty();
    assertThat(m.firingAlerts()).isEmpty();
    List<AlertEvent> fired = at(m, 150, step);
    assertThat(fired)
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.kind()).isEqualTo(AlertEvent.Kind.FIRED);
              assertThat(e.rule().name()).isEqualTo("high");
              assertThat(e.value()).isEqualTo(150);
              assertThat(e.at()).isEqualTo(breachStart.plus(Duration.ofMinutes(1)));
            });
    assertThat(m.firingAlerts())
        .singleElement()
        .satisfies(
            a -> {
              assertThat(a.name()).isEqualTo("high");
              assertThat(a.severity()).isEqualTo(Severity.CRITICAL);
              assertThat(a.since()).isEqualTo(breachStart.plus(Duration.ofMinutes(1)));
            });
    assertThat(at(m, 170, step)).as("fires once, stays firing").isEmpty();
    assertThat(m.firingAlerts())
        .singleElement()
        .satisfies(a -> assertThat(a.value()).isEqualTo(170));
    assertThat(m.snapshot().alerts()).hasSize(1);
    assertThat(events).hasSize(1);
  }

  @Test
  void anInterruptedBreachStartsItsDurationOver() {
    Monitor m = monitor(rule("high").above(100).forDuration(Duration.ofMinutes(1)).build());
    Duration step = Duration.ofSeconds(20);
    at(m, 150, Duration.ZERO);
    at(m, 150, step);
    at(m, 150, step);
    at(m, 50, step);
    assertThat(at(m, 150, step)).isEmpty();
    assertThat(at(m, 150, step)).isEmpty();
    assertThat(at(m, 150, step)).isEmpty();
    assertThat(at(m, 150, step))
        .extracting(AlertEvent::kind)
        .containsExactly(AlertEvent.Kind.FIRED);
  }

  @Test
  void resolvesWhenTheValueComesBack() {
    Monitor m = monitor(rule("high").above(100).build());
    assertThat(at(m, 101, Duration.ZERO))
        .extracting(AlertEvent::kind)
        .containsExactly(AlertEvent.Kind.FIRED);
    Instant since = time.now();
    List<AlertEvent> resolved = at(m, 100, Duration.ofSeconds(30));
    assertThat(resolved)
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.kind()).isEqualTo(AlertEvent.Kind.RESOLVED);
              assertThat(e.firingSince()).isEqualTo(since);
              assertThat(e.at()).isEqualTo(since.plus(Duration.ofSeconds(30)));
            });
    assertThat(m.firingAlerts()).isEmpty();
  }

  @Test
  void hysteresisKeepsTheAlertFiringBetweenTheThresholds() {
    Monitor m = monitor(rule("p95").above(500).resolveBelow(400).build());
    Duration step = Duration.ofSeconds(10);
    assertThat(at(m, 450, Duration.ZERO))
        .as("between the thresholds, not firing: stays OK")
        .isEmpty();
    assertThat(at(m, 510, step))
        .extracting(AlertEvent::kind)
        .containsExactly(AlertEvent.Kind.FIRED);
    assertThat(at(m, 450, step))
        .as("below the threshold but above the resolve threshold")
        .isEmpty();
    assertThat(at(m, 401, step)).isEmpty();
    assertThat(m.firingAlerts()).hasSize(1);
    assertThat(at(m, 400, step))
        .extracting(AlertEvent::kind)
        .containsExactly(AlertEvent.Kind.RESOLVED);
    assertThat(at(m, 450, step)).isEmpty();
  }

  @Test
  void hysteresisWorksForRulesThatFireBelow() {
    Monitor m = monitor(rule("hit-rate").below(0.70).resolveAbove(0.75).build());
    assertThat(at(m, 0.69, Duration.ZERO))
        .extracting(AlertEvent::kind)
        .containsExactly(AlertEvent.Kind.FIRED);
    assertThat(at(m, 0.72, Duration.ofSeconds(1))).isEmpty();
    assertThat(at(m, 0.75, Duration.ofSeconds(1)))
        .extracting(AlertEvent::kind)
        .containsExactly(AlertEvent.Kind.RESOLVED);
  }

  @Test
  void doesNotFireAgainWithinTheCooldown() {
    Monitor m = monitor(rule("high").above(100).cooldown(Duration.ofMinutes(5)).build());
    Duration step = Duration.ofMinutes(1);
    assertThat(at(m, 150, Duration.ZERO))
        .extracting(AlertEvent::kind)
        .containsExactly(AlertEvent.Kind.FIRED);
    assertThat(at(m, 50, step))
        .extracting(AlertEvent::kind)
        .containsExactly(AlertEvent.Kind.RESOLVED);
    assertThat(at(m, 150, step)).as("2 min after firing").isEmpty();
    assertThat(at(m, 150, step)).as("3 min").isEmpty();
    assertThat(at(m, 150, step)).as("4 min").isEmpty();
    assertThat(m.firingAlerts()).isEmpty();
    assertThat(at(m, 150, step))
        .as("5 min: the cooldown is over and the breach still holds")
        .extracting(AlertEvent::kind)
        .containsExactly(AlertEvent.Kind.FIRED);
  }

  @Test
  void aBreachThatEndsWithinTheCooldownNeverFires() {
    Monitor m = monitor(rule("high").above(100).cooldown(Duration.ofMinutes(5)).build());
    at(m, 150, Duration.ZERO);
    at(m, 50, Duration.ofMinutes(1));
    at(m, 150, Duration.ofMinutes(1));
    at(m, 50, Duration.ofMinutes(1));
    assertThat(at(m, 50, Duration.ofMinutes(5))).isEmpty();
    assertThat(events)
        .extracting(AlertEvent::kind)
        .containsExactly(AlertEvent.Kind.FIRED, AlertEvent.Kind.RESOLVED);
  }

  @Test
  void noDataNeitherFiresNorResolves() {
    RequestMetrics requests =
        RequestMetrics.create(RequestMetricsConfig.builder().timeSource(time).build());
    Monitor m =
        Monitor.builder()
            .meterRegistry(registry)
            .requests(requests)
            .alertRules(
                AlertRules.of(
                    AlertRule.builder("slow")
                        .metric(Metric.P95)
                        .above(500)
                        .forDuration(Duration.ofSeconds(30))
                        .build()))
            .build();
    requests.recordRequest("/a", "GET", 200, Duration.ofSeconds(1));
    assertThat(m.evaluate()).isEmpty();
    time.advance(Duration.ofMinutes(2));
    assertThat(m.read(Metric.P95)).isEmpty();
    assertThat(m.evaluate()).as("a quiet window resets the pending breach").isEmpty();
    requests.recordRequest("/a", "GET", 200, Duration.ofSeconds(1));
    assertThat(m.evaluate()).isEmpty();
    time.advance(Duration.ofSeconds(30));
    assertThat(m.evaluate()).extracting(AlertEvent::kind).containsExactly(AlertEvent.Kind.FIRED);
    time.advance(Duration.ofMinutes(2));
    assertThat(m.evaluate()).as("no data does not resolve").isEmpty();
    assertThat(m.firingAlerts()).hasSize(1);
  }

  @Test
  void aFailingListenerDoesNotStopTheOthers() {
    Monitor m =
        Monitor.builder()
            .meterRegistry(registry)
            .timeSource(time)
            .alertRules(AlertRules.of(rule("high").above(1).build()))
            .build();
    m.addAlertListener(
        e -> {
          throw new IllegalStateException("listener bug");
        });
    m.addAlertListener(events::add);
    value.set(2.0);
    assertThat(m.evaluate()).hasSize(1);
    assertThat(events).hasSize(1);
  }

  @Test
  void eachDefaultRuleFiresOnASyntheticBreach() {
    RequestMetrics requests =
        RequestMetrics.create(
            RequestMetricsConfig.builder().timeSource(time).meterRegistry(registry).build());
    Gauge.builder(HeadroomMeters.POOL_PENDING, () -> 3).tag("pool", "main").register(registry);
    Counter.builder(HeadroomMeters.CACHE_GETS)
        .tags("cache", "users", "result", "hit")
        .register(registry)
        .increment(60);
    Counter.builder(HeadroomMeters.CACHE_GETS)
        .tags("cache", "users", "result", "miss")
        .register(registry)
        .increment(40);
    Gauge.builder(HeadroomMeters.QUEUE_JOBS_WAITING, () -> 250)
        .tag("queue", "emails")
        .register(registry);
    Monitor m = Monitor.builder().meterRegistry(registry).requests(requests).build();
    m.addAlertListener(events::add);
    assertThat(m.alertRules().rules())
        .extracting(AlertRule::name)
        .containsExactly(
            "p95-latency", "error-rate", "db-pool-exhausted", "cache-hit-rate", "queue-depth");

    for (int step = 0; step <= 20; step++) {
      for (int i = 0; i < 50; i++) {
        requests.recordRequest("/slow", "GET", i < 5 ? 500 : 200, Duration.ofMillis(800));
      }
      m.evaluate();
      time.advance(Duration.ofSeconds(15));
    }
    assertThat(events)
        .extracting(e -> e.rule().name())
        .containsExactlyInAnyOrder(
            "p95-latency", "error-rate", "db-pool-exhausted", "cache-hit-rate", "queue-depth");
    assertThat(m.firingAlerts()).extracting(Alert::name).hasSize(5);
    assertThat(events)
        .filteredOn(e -> e.rule().name().equals("cache-hit-rate"))
        .singleElement()
        .satisfies(e -> assertThat(e.value()).isEqualTo(0.6));
  }

  @Test
  void evaluatesOnASchedule() {
    Monitor m =
        Monitor.builder()
            .meterRegistry(registry)
            .timeSource(TimeSource.system())
            .alertRules(AlertRules.of(rule("high").above(1).build()))
            .build();
    try {
      m.addAlertListener(events::add);
      value.set(5.0);
      m.start(Duration.ofMillis(20));
      assertThatThrownBy(() -> m.start(Duration.ofMillis(20)))
          .isInstanceOf(IllegalStateException.class);
      await().atMost(10, TimeUnit.SECONDS).until(() -> events.size() == 1);
      value.set(0.0);
      await().atMost(10, TimeUnit.SECONDS).until(() -> events.size() == 2);
      assertThat(events)
          .extracting(AlertEvent::kind)
          .containsExactly(AlertEvent.Kind.FIRED, AlertEvent.Kind.RESOLVED);
    } finally {
      m.close();
    }
    assertThatThrownBy(() -> m.start(Duration.ofMillis(20)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("closed");
    assertThatThrownBy(() -> Monitor.builder().meterRegistry(registry).build().start(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("interval must be positive");
  }

  @Test
  void everyKnownMetricHasAReader() {
    RequestMetrics requests =
        RequestMetrics.create(RequestMetricsConfig.builder().timeSource(time).build());
    Monitor m = Monitor.builder().meterRegistry(registry).requests(requests).build();
    requests.recordRequest("/a", "GET", 200, Duration.ofMillis(5));
    for (String name : Metric.knownNames()) {
      m.read(Metric.of(name));
    }
    assertThat(m.read(Metric.REQUESTS)).hasValue(1.0);
    assertThat(m.read(Metric.QUEUE_PENDING)).as("no queue meters").isEmpty();
    assertThat(m.read(Metric.meter("test.value"))).hasValue(0.0);
    assertThat(m.read(Metric.meter("absent.meter"))).isEmpty();
  }

  @Test
  void rejectsBadRulesWhenTheyAreBuilt() {
    assertThatThrownBy(() -> rule("r").above(Double.NaN).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("alert rule 'r': threshold must be a finite number, was NaN");
    assertThatThrownBy(() -> rule("r").above(Double.POSITIVE_INFINITY).build())
        .hasMessageContaining("threshold must be a finite number, was Infinity");
    assertThatThrownBy(() -> rule("r").above(1).forDuration(Duration.ofSeconds(-1)).build())
        .hasMessage("alert rule 'r': for-duration must not be negative, was PT-1S");
    assertThatThrownBy(() -> rule("r").above(1).cooldown(Duration.ofMinutes(-5)).build())
        .hasMessage("alert rule 'r': cooldown must not be negative, was PT-5M");
    assertThatThrownBy(() -> AlertRule.builder("r").metric("p96"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("alert rule 'r': unknown metric 'p96'")
        .hasMessageContaining("p95");
    assertThatThrownBy(() -> AlertRule.builder("r").above(1).build())
        .hasMessageContaining("metric is required");
    assertThatThrownBy(() -> rule("r").build()).hasMessageContaining("a threshold is required");
    assertThatThrownBy(() -> rule(" ").above(1).build())
        .hasMessageContaining("name must not be blank");
    assertThatThrownBy(() -> rule("r").above(500).resolveBelow(600).build())
        .hasMessageContaining("resolve threshold must not be above the threshold 500.0")
        .hasMessageContaining("600");
    assertThatThrownBy(() -> rule("r").below(0.7).resolveAbove(0.6).build())
        .hasMessageContaining("resolve threshold must not be below");
    assertThatThrownBy(() -> rule("r").above(1).resolveBelow(Double.NaN).build())
        .hasMessageContaining("resolve threshold must be a finite number, was NaN");
    assertThatThrownBy(
            () -> AlertRules.of(rule("dup").above(1).build(), rule("dup").below(1).build()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("alert rule names must be unique, 'dup' appears twice");
    assertThatThrownBy(() -> Metric.meter("x", "onlyKey"))
        .hasMessageContaining("key and value pairs");
    assertThatThrownBy(() -> Metric.meter(" "))
        .hasMessageContaining("meter name must not be blank");
  }

  @Test
  void rulesAndRuleSetsAreImmutableValues() {
    AlertRule r =
        rule("r")
            .above(5)
            .resolveBelow(3)
            .forDuration(Duration.ofMinutes(2))
            .cooldown(Duration.ofMinutes(10))
            .severity(Severity.INFO)
            .build();
    AlertRule copy = AlertRule.from(r).above(6).build();
    assertThat(copy.threshold()).isEqualTo(6);
    assertThat(copy.resolveThreshold()).isEqualTo(3);
    assertThat(copy.forDuration()).isEqualTo(Duration.ofMinutes(2));
    assertThat(copy.cooldown()).isEqualTo(Duration.ofMinutes(10));
    assertThat(copy.severity()).isEqualTo(Severity.INFO);
    assertThat(r.comparison()).isEqualTo(Comparison.ABOVE);
    assertThat(r.toString()).contains("test.value > 5.0");

    AlertRules defaults = AlertRules.defaults();
    AlertRules changed =
        defaults
            .with(AlertRule.from(defaults.rules().get(0)).above(800).build())
            .without("queue-depth")
            .with(r);
    assertThat(changed.rules())
        .extracting(AlertRule::name)
        .containsExactly("p95-latency", "error-rate", "db-pool-exhausted", "cache-hit-rate", "r");
    assertThat(changed.rules().get(0).threshold()).isEqualTo(800);
    assertThat(defaults.rules().get(0).threshold()).isEqualTo(500);
    assertThat(AlertRules.none().rules()).isEmpty();
    assertThat(Metric.of("p95")).isSameAs(Metric.P95);
    assertThat(Metric.meter("a", "k", "v"))
        .isEqualTo(Metric.meter("a", "k", "v"))
        .hasToString("a{k=v}");
  }
}
