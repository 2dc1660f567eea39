package dev.headroom.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.headroom.core.time.ManualTimeSource;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** lodash's debounce and throttle semantics, per key, on a manual clock. */
class DebouncerTest {

  private final ManualTimeSource time = ManualTimeSource.create();
  private final long origin = time.nanoTime();

  /** Runs as "key@millis:argument", millis since the test began. */
  private final List<String> runs = new CopyOnWriteArrayList<>();

  private DebouncerConfig.Builder manual() {
    return DebouncerConfig.builder().timeSource(time).executor(Runnable::run);
  }

  private DebouncerConfig.Builder debounce(long waitMillis) {
    return manual().waitTime(Duration.ofMillis(waitMillis));
  }

  private Debouncer<String, Integer> debouncer(DebouncerConfig.Builder config) {
    return Batchers.debouncer("test", this::record, config.build());
  }

  private void record(String key, Object argument) {
    runs.add(key + "@" + (time.nanoTime() - origin) / 1_000_000 + ":" + argument);
  }

  private void advanceTo(long millis) {
    long now = (time.nanoTime() - origin) / 1_000_000;
    time.advance(Duration.ofMillis(millis - now));
  }

  /**
   * Calls {@code key} at every {@code step} ms from {@code from} to {@code to} (inclusive), with
   * the time as argument.
   */
  private void callEvery(Debouncer<String, Integer> d, String key, int from, int to, int step) {
    for (int t = from; t <= to; t += step) {
      advanceTo(t);
      d.call(key, t);
    }
  }

  @Test
  void trailingRunsOnceAfterTheQuietPeriodWithTheLastArgument() {
    Debouncer<String, Integer> d = debouncer(debounce(50));
    callEvery(d, "k", 0, 40, 10);
    advanceTo(89);
    assertThat(runs).isEmpty();
    assertThat(d.isPending("k")).isTrue();
    advanceTo(90);
    assertThat(runs).containsExactly("k@90:40");
    advanceTo(500);
    assertThat(runs).hasSize(1);
    assertThat(d.activeKeys()).as("an idle key is forgotten").isZero();
  }

  @Test
  void leadingRunsTheFirstCallOfABurstAtOnceAndNothingElse() {
    Debouncer<String, Integer> d = debouncer(debounce(50).leading(true).trailing(false));
    callEvery(d, "k", 0, 40, 10);
    assertThat(runs).containsExactly("k@0:0");
    advanceTo(89);
    d.call("k", 89);
    advanceTo(200);
    assertThat(runs)
        .as("89 came within 50 ms of the last call: same burst")
        .containsExactly("k@0:0");
    d.call("k", 200);
    assertThat(runs).containsExactly("k@0:0", "k@200:200");
  }

  @Test
  void leadingAndTrailingRunTwiceOnlyWhenTheBurstHadMoreThanOneCall() {
    Debouncer<String, Integer> d = debouncer(debounce(50).leading(true));
    d.call("single", 0);
    advanceTo(100);
    assertThat(runs).containsExactly("single@0:0");

    callEvery(d, "burst", 100, 120, 10);
    advanceTo(300);
    assertThat(runs).containsExactly("single@0:0", "burst@100:100", "burst@170:120");
  }

  @Test
  void maxWaitRunsAtLeastThatOftenWhileCallsKeepComing() {
    Debouncer<String, Integer> d = debouncer(debounce(50).maxWait(Duration.ofMillis(100)));
    callEvery(d, "k", 0, 250, 10);
    advanceTo(1000);
    assertThat(runs).containsExactly("k@100:90", "k@200:190", "k@300:250");
  }

  @Test
  void throttleRunsAtMostOncePerInterval() {
    Debouncer<String, Integer> t =
        Batchers.throttle("t", Duration.ofMillis(30), this::record, manual().build());
    callEvery(t, "k", 0, 100, 10);
    advanceTo(1000);
    assertThat(runs).containsExactly("k@0:0", "k@30:20", "k@60:50", "k@90:80", "k@120:100");
    assertThat(t.activeKeys()).isZero();
  }

  @Test
  void throttleWithoutTrailingDropsTheCallsOfTheInterval() {
    Debouncer<String, Integer> t =
        Batchers.throttle(
            "t",
            Duration.ofMillis(30),
            this::record,
            manual().leading(true).trailing(false).build());
    callEvery(t, "k", 0, 100, 10);
    advanceTo(1000);
    assertThat(runs).containsExactly("k@0:0", "k@30:30", "k@60:60", "k@90:90");
  }

  @Test
  void cancelDropsThePendingRunAndForgetsTheTiming() {
    Debouncer<String, Integer> d = debouncer(debounce(50).leading(true));
    d.call("k", 0);
    d.call("k", 1);
    assertThat(d.cancel("k")).isTrue();
    assertThat(d.cancel("k")).isFalse();
    advanceTo(10);
    d.call("k", 10);
    advanceTo(500);
    assertThat(runs)
        .as("after cancel the next call is a new leading edge")
        .containsExactly("k@0:0", "k@10:10");
  }

  @Test
  void flushRunsThePendingCallNow() {
    Debouncer<String, Integer> d = debouncer(debounce(50));
    d.call("k", 1);
    advanceTo(20);
    d.call("k", 2);
    assertThat(d.flush("k")).isTrue();
    assertThat(runs).containsExactly("k@20:2");
    assertThat(d.flush("k")).isFalse();
    assertThat(d.flush("other")).isFalse();
    advanceTo(500);
    assertThat(runs).hasSize(1);
  }

  @Test
  void flushAllRunsEveryPendingKey() {
    Debouncer<String, Integer> d = debouncer(debounce(50));
    d.call("a", 1);
    d.call("b", 2);
    assertThat(d.flushAll()).isEqualTo(2);
    assertThat(runs).containsExactlyInAnyOrder("a@0:1", "b@0:2");
  }

  @Test
  void keysDoNotDelayEachOther() {
    Debouncer<String, Integer> d = debouncer(debounce(50));
    for (int t = 0; t <= 200; t += 10) {
      advanceTo(t);
      d.call("busy", t);
      if (t == 20) {
        d.call("quiet", t);
      }
    }
    advanceTo(300);
    assertThat(runs).containsExactly("quiet@70:20", "busy@250:200");
  }

  @Test
  void anAccumulatorCombinesTheArgumentsOfARun() {
    Debouncer<String, List<Integer>> d =
        Batchers.debouncer(
            "acc",
            this::record,
            (pending, latest) -> {
              List<Integer> all = new ArrayList<>(pending);
              all.addAll(latest);
              return all;
            },
            manual().waitTime(Duration.ofMillis(50)).leading(true).build());
    for (int t = 0; t <= 30; t += 10) {
      advanceTo(t);
      d.call("k", List.of(t));
    }
    advanceTo(500);
    assertThat(runs).containsExactly("k@0:[0]", "k@80:[10, 20, 30]");
  }

  @Test
  void anActionMayCallItsOwnKeyAgain() {
    List<Integer> seen = new ArrayList<>();
    AtomicReference<Debouncer<String, Integer>> self = new AtomicReference<>();
    self.set(
        Batchers.debouncer(
            "self",
            (String k, Integer n) -> {
              seen.add(n);
              if (n < 3) {
                self.get().call(k, n + 1);
              }
            },
            manual().waitTime(Duration.ofMillis(10)).build()));
    self.get().call("k", 0);
    advanceTo(100);
    assertThat(seen).containsExactly(0, 1, 2, 3);
  }

  @Test
  void aThrowingActionIsCountedAndTheKeyKeepsWorking() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    Debouncer<String, Integer> d =
        Batchers.debouncer(
            "boom",
            (String k, Integer n) -> {
              if (n == 0) {
                throw new IllegalStateException("first run fails");
              }
              record(k, n);
            },
            manual().waitTime(Duration.ofMillis(10)).meterRegistry(registry).build());
    d.call("k", 0);
    advanceTo(10);
    d.call("k", 1);
    advanceTo(100);
    assertThat(runs).containsExactly("k@20:1");
    assertThat(
            registry
                .get("headroom.debouncer.runs")
                .tags("debouncer", "boom", "result", "error")
                .counter()
                .count())
        .isEqualTo(1.0);
    assertThat(
            registry
                .get("headroom.debouncer.runs")
                .tags("debouncer", "boom", "result", "success")
                .counter()
                .count())
        .isEqualTo(1.0);
  }

  @Test
  void countsCallsExecutionsAndCoalescedCalls() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    Debouncer<String, Integer> d = debouncer(debounce(50).meterRegistry(registry));
    callEvery(d, "k", 0, 40, 10);
    advanceTo(200);
    assertThat(
            registry.get("headroom.debouncer.calls").tag("debouncer", "test").counters().stream()
                .mapToDouble(c -> c.count())
                .sum())
        .as("calls, accepted or coalesced")
        .isEqualTo(5.0);
    assertThat(
            registry.get("headroom.debouncer.runs").tag("debouncer", "test").counters().stream()
                .mapToDouble(c -> c.count())
                .sum())
        .as("runs, successful or not")
        .isEqualTo(1.0);
    assertThat(
            registry
                .get("headroom.debouncer.calls")
                .tags("debouncer", "test", "result", "coalesced")
                .counter()
                .count())
        .isEqualTo(4.0);
  }

  @Test
  void closeCancelsEverythingAndRefusesCalls() {
    Debouncer<String, Integer> d = debouncer(debounce(50));
    d.call("a", 1);
    d.close();
    advanceTo(500);
    assertThat(runs).isEmpty();
    assertThat(d.activeKeys()).isZero();
    assertThatThrownBy(() -> d.call("a", 2))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("closed");
  }

  @Test
  void badInputFailsWithTheFieldTheValueAndTheRule() {
    assertThatThrownBy(() -> DebouncerConfig.builder().waitTime(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("waitTime must be positive, was PT0S");
    assertThatThrownBy(
            () ->
                DebouncerConfig.builder()
                    .waitTime(Duration.ofMillis(100))
                    .maxWait(Duration.ofMillis(50))
                    .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxWait must be at least waitTime (PT0.1S), was PT0.05S");
    assertThatThrownBy(() -> DebouncerConfig.builder().trailing(false).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "trailing must be true when leading is false, or the action would never run, was false");
    assertThatThrownBy(
            () -> Batchers.debouncer("", (String k, Integer a) -> {}, DebouncerConfig.ofDefaults()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("name must not be blank, was ''");
    Debouncer<String, Integer> d = debouncer(debounce(50));
    assertThatThrownBy(() -> d.call(null, 1))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("must not be null");
    assertThatThrownBy(() -> d.call("k", null)).isInstanceOf(NullPointerException.class);
  }
}
