package dev.headroom.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class SchedulerTest {

  @Test
  void theSystemSchedulerRunsTasksOnADaemonThreadAndSurvivesAFailingOne() throws Exception {
    CountDownLatch ran = new CountDownLatch(1);
    AtomicReference<Thread> thread = new AtomicReference<>();
    Scheduler.system().schedule(() -> {
      throw new IllegalStateException("a failing task");
    }, 0L);
    Scheduler.system().schedule(() -> {
      thread.set(Thread.currentThread());
      ran.countDown();
    }, Duration.ofMillis(1));
    assertThat(ran.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(thread.get().isDaemon()).isTrue();
    assertThat(thread.get().getName()).isEqualTo("headroom-batch-timer");
  }

  @Test
  void aSchedulerOnAnExecutorRunsAndCancels() throws Exception {
    ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor();
    try {
      Scheduler scheduler = Scheduler.of(executor);
      AtomicInteger runs = new AtomicInteger();
      Scheduler.Cancellable cancelled = scheduler.schedule(runs::incrementAndGet, Duration.ofHours(1));
      scheduler.schedule(runs::incrementAndGet, -5L);
      cancelled.cancel();
      cancelled.cancel();
      await().atMost(Duration.ofSeconds(10)).until(() -> runs.get() == 1);
      assertThat(executor.shutdownNow()).as("only the cancelled task is left")
          .singleElement().satisfies(task -> assertThat(((Future<?>) task).isCancelled()).isTrue());
      assertThat(runs).hasValue(1);
    } finally {
      executor.shutdownNow();
    }
  }
}
