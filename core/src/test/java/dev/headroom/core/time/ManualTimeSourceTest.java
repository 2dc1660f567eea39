package dev.headroom.core.time;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
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
    assertThat(time.currentTimeMillis())
        .isEqualTo(Instant.parse("2020-01-01T00:00:00Z").toEpochMilli());
    assertThatThrownBy(() -> time.advance(Duration.ofMillis(-1)))
        .hasMessageContaining("must not be negative");
  }

  @Test
  void systemTimeSourceIsMonotonic() {
    TimeSource system = TimeSource.system();
    long a = system.nanoTime();
    assertThat(system.nanoTime()).isGreaterThanOrEqualTo(a);
    assertThat(Math.abs(system.currentTimeMillis() - System.currentTimeMillis())).isLessThan(5_000);
  }

  @Test
  void wallClockFollowsEverySubMillisecondStep() {
    ManualTimeSource time = ManualTimeSource.startingAt(Instant.parse("2026-11-21T00:00:00Z"));
    for (int i = 0; i < 4; i++) {
      time.advance(Duration.ofNanos(250_000));
    }
    assertThat(time.now()).isEqualTo(Instant.parse("2026-11-21T00:00:00.001Z"));
    time.setWallClock(Instant.parse("2030-01-01T00:00:00Z"));
    time.advance(Duration.ofMillis(1500));
    assertThat(time.now()).isEqualTo(Instant.parse("2030-01-01T00:00:01.500Z"));
  }

  @Test
  void advanceRunsDueTasksInDeadlineOrderEachAtItsDeadline() {
    ManualTimeSource time = ManualTimeSource.startingAt(Instant.parse("2026-01-01T00:00:00Z"));
    List<String> ran = new CopyOnWriteArrayList<>();
    time.schedule(() -> ran.add("30ms at " + time.now()), Duration.ofMillis(30));
    time.schedule(() -> ran.add("10ms at " + time.now()), Duration.ofMillis(10));
    time.schedule(() -> ran.add("20ms at " + time.now()), Duration.ofMillis(20));
    time.schedule(() -> ran.add("later"), Duration.ofMillis(31));

    time.advance(Duration.ofMillis(30));

    assertThat(ran)
        .containsExactly(
            "10ms at 2026-01-01T00:00:00.010Z",
            "20ms at 2026-01-01T00:00:00.020Z",
            "30ms at 2026-01-01T00:00:00.030Z");
    assertThat(time.pendingTasks()).isEqualTo(1);
    assertThat(time.now()).isEqualTo(Instant.parse("2026-01-01T00:00:00.030Z"));
  }

  @Test
  void tasksWithOneDeadlineRunInTheOrderScheduled() {
    ManualTimeSource time = ManualTimeSource.create();
    List<Integer> ran = new CopyOnWriteArrayList<>();
    for (int i = 0; i < 5; i++) {
      int n = i;
      time.schedule(() -> ran.add(n), Duration.ofSeconds(1));
    }
    time.advance(Duration.ofSeconds(1));
    assertThat(ran).containsExactly(0, 1, 2, 3, 4);
  }

  @Test
  void aTaskScheduledWhileAdvancingRunsInTheSameCallIfDueBeforeTheTarget() {
    ManualTimeSource time = ManualTimeSource.create();
    long start = time.nanoTime();
    List<Long> ranAtMillis = new CopyOnWriteArrayList<>();
    Runnable[] tick = new Runnable[1];
    tick[0] =
        () -> {
          ranAtMillis.add((time.nanoTime() - start) / 1_000_000);
          time.schedule(tick[0], Duration.ofMillis(40));
        };
    time.schedule(tick[0], Duration.ofMillis(40));

    time.advance(Duration.ofMillis(100));

    assertThat(ranAtMillis).containsExactly(40L, 80L);
    assertThat(time.pendingTasks()).isEqualTo(1);
    assertThat(time.nextDeadlineNanos()).isEqualTo(start + 120_000_000L);
    assertThat(time.nanoTime() - start).isEqualTo(100_000_000L);
  }

  @Test
  void aCancelledTaskNeverRuns() {
    ManualTimeSource time = ManualTimeSource.create();
    List<String> ran = new CopyOnWriteArrayList<>();
    Cancellable cancelled = time.schedule(() -> ran.add("cancelled"), Duration.ofMillis(10));
    time.schedule(() -> ran.add("kept"), Duration.ofMillis(10));
    cancelled.cancel();
    cancelled.cancel();
    assertThat(time.pendingTasks()).isEqualTo(1);

    time.advance(Duration.ofMillis(10));
    assertThat(ran).containsExactly("kept");
    time.schedule(() -> ran.add("ran"), 0).cancel();
    time.advance(Duration.ofMillis(10));
    assertThat(ran).containsExactly("kept");
  }

  @Test
  void tasksDueNowWaitForRunDueTasksOrAdvanceNeverTheSchedulingStack() {
    ManualTimeSource time = ManualTimeSource.create();
    List<String> ran = new CopyOnWriteArrayList<>();
    time.schedule(() -> ran.add("zero"), Duration.ZERO);
    time.schedule(() -> ran.add("negative"), -5);
    time.schedule(() -> ran.add("future"), Duration.ofMillis(1));
    assertThat(ran).isEmpty();
    assertThat(time.nextDeadlineNanos()).isEqualTo(time.nanoTime());

    assertThat(time.runDueTasks()).isEqualTo(2);
    assertThat(ran).containsExactly("zero", "negative");
    assertThat(time.runDueTasks()).isZero();

    time.schedule(() -> ran.add("zero again"), 0);
    time.advance(Duration.ZERO);
    assertThat(ran).containsExactly("zero", "negative", "zero again");
    assertThat(time.pendingTasks()).isEqualTo(1);
    time.advance(Duration.ofMillis(1));
    assertThat(ran).endsWith("future");
    assertThat(time.nextDeadlineNanos()).isNull();
  }
}
