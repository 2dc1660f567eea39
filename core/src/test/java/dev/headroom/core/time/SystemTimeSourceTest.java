package dev.headroom.core.time;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class SystemTimeSourceTest {

  private final TimeSource time = TimeSource.system();

  @Test
  void runsAScheduledTaskOnTheDaemonTimerThreadNoEarlierThanItsDelay() {
    long scheduledAt = time.nanoTime();
    AtomicReference<Thread> ranOn = new AtomicReference<>();
    AtomicReference<Long> ranAfterNanos = new AtomicReference<>();
    time.schedule(
        () -> {
          ranAfterNanos.set(time.nanoTime() - scheduledAt);
          ranOn.set(Thread.currentThread());
        },
        Duration.ofMillis(20));

    await().atMost(Duration.ofSeconds(10)).until(() -> ranOn.get() != null);
    assertThat(ranOn.get().getName()).isEqualTo("headroom-timer");
    assertThat(ranOn.get().isDaemon()).isTrue();
    assertThat(ranAfterNanos.get()).isGreaterThanOrEqualTo(Duration.ofMillis(20).toNanos());
  }

  @Test
  void aTaskDueNowRunsOffTheCallersStack() {
    AtomicReference<Thread> ranOn = new AtomicReference<>();
    time.schedule(() -> ranOn.set(Thread.currentThread()), 0);
    time.schedule(() -> {}, -1);
    await().atMost(Duration.ofSeconds(10)).until(() -> ranOn.get() != null);
    assertThat(ranOn.get()).isNotSameAs(Thread.currentThread());
  }

  @Test
  void aCancelledTaskNeverRuns() {
    AtomicBoolean cancelledRan = new AtomicBoolean();
    List<String> ran = new CopyOnWriteArrayList<>();
    Cancellable cancelled = time.schedule(() -> cancelledRan.set(true), Duration.ofMillis(50));
    cancelled.cancel();
    cancelled.cancel();
    // a later task on the same single timer thread runs after the cancelled one's deadline
    time.schedule(() -> ran.add("later"), Duration.ofMillis(100));
    await().atMost(Duration.ofSeconds(10)).until(() -> ran.contains("later"));
    assertThat(cancelledRan).isFalse();
  }
}
