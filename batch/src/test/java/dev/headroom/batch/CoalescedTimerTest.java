package dev.headroom.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.headroom.core.time.ManualTimeSource;
import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** One timer for many ordered deadlines, held weakly when idle; on its own. */
class CoalescedTimerTest {

  private final ManualTimeSource time = ManualTimeSource.create();
  private final List<Long> fired = new ArrayList<>();
  private final Object lock = new Object();
  private CoalescedTimer timer;

  /** An owner that claims the task and records the clock at which it fired. */
  private CoalescedTimer newTimer() {
    timer =
        new CoalescedTimer(
            time,
            task -> {
              synchronized (lock) {
                if (timer.claim(task)) {
                  fired.add(millis(timer.nowAtLeast(task.deadline)));
                }
              }
            });
    return timer;
  }

  private final long origin = time.nanoTime();

  private long millis(long nanos) {
    return (nanos - origin) / 1_000_000;
  }

  private long at(long millis) {
    return origin + millis * 1_000_000;
  }

  @Test
  void armingForALaterDeadlineSchedulesNothing() {
    CoalescedTimer t = newTimer();
    t.arm(at(10), time.nanoTime());
    t.arm(at(15), time.nanoTime());
    t.arm(at(10), time.nanoTime());
    assertThat(time.pendingTasks()).isEqualTo(1);
    time.advance(Duration.ofMillis(20));
    assertThat(fired).containsExactly(10L);
    assertThat(t.armed()).isFalse();
  }

  @Test
  void armingForAnEarlierDeadlineReplacesTheTask() {
    CoalescedTimer t = newTimer();
    t.arm(at(10), time.nanoTime());
    t.arm(at(4), time.nanoTime());
    assertThat(time.pendingTasks()).as("the later task is cancelled").isEqualTo(1);
    time.advance(Duration.ofMillis(20));
    assertThat(fired).containsExactly(4L);
  }

  @Test
  void cancelDisarmsAndAStaleTaskIsNotClaimed() {
    CoalescedTimer t = newTimer();
    t.arm(at(10), time.nanoTime());
    t.cancel();
    assertThat(t.armed()).isFalse();
    assertThat(time.pendingTasks()).isZero();

    t.arm(at(5), time.nanoTime());
    CoalescedTimer.Task stale = new CoalescedTimer.Task(t, at(5));
    synchronized (lock) {
      assertThat(t.claim(stale)).isFalse();
    }
    assertThat(t.armed()).isTrue();
  }

  @Test
  void idleKeepsTheTaskArmedButNotBusyAndArmingMakesItBusyAgain() {
    CoalescedTimer t = newTimer();
    t.arm(at(10), time.nanoTime());
    assertThat(t.busy()).isTrue();
    t.idle();
    assertThat(t.armed()).isTrue();
    assertThat(t.busy()).isFalse();
    t.arm(at(12), time.nanoTime());
    assertThat(t.busy()).isTrue();
    time.advance(Duration.ofMillis(10));
    assertThat(fired).as("an idle timer that is still reachable fires").containsExactly(10L);
  }

  @Test
  void nowAtLeastNeverAnswersBeforeTheDeadline() {
    CoalescedTimer t = newTimer();
    assertThat(t.nowAtLeast(at(50))).isEqualTo(at(50));
    time.advance(Duration.ofMillis(60));
    assertThat(t.nowAtLeast(at(50))).isEqualTo(at(60));
  }

  @Test
  void anIdleTimerDoesNotKeepItsOwnerAlive() {
    WeakReference<CoalescedTimer> weak = armIdleAndDrop();
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () -> {
              System.gc();
              return weak.get() == null;
            });
    time.advance(Duration.ofMillis(20));
    assertThat(fired).isEmpty();
  }

  @Test
  void aBusyTimerKeepsItsOwnerAlive() {
    List<Long> seen = new ArrayList<>();
    armBusyAndDrop(seen);
    System.gc();
    time.advance(Duration.ofMillis(20));
    assertThat(seen).containsExactly(10L);
  }

  private WeakReference<CoalescedTimer> armIdleAndDrop() {
    CoalescedTimer t = new CoalescedTimer(time, task -> fired.add(-1L));
    t.arm(at(10), time.nanoTime());
    t.idle();
    return new WeakReference<>(t);
  }

  private void armBusyAndDrop(List<Long> seen) {
    CoalescedTimer[] self = new CoalescedTimer[1];
    self[0] =
        new CoalescedTimer(
            time,
            task -> {
              if (self[0].claim(task)) {
                seen.add(millis(self[0].nowAtLeast(task.deadline)));
              }
            });
    self[0].arm(at(10), time.nanoTime());
  }
}
