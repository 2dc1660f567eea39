package dev.headroom.batch;

import static dev.headroom.batch.Futures.failure;
import static org.assertj.core.api.Assertions.assertThat;

import dev.headroom.core.time.Cancellable;
import dev.headroom.core.time.ManualTimeSource;
import dev.headroom.core.time.TimeSource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The batcher shares one linger timer and one loader-timeout timer among all its deadlines. */
class BatcherTimersTest {

  private final ManualTimeSource time = ManualTimeSource.create();
  private final AtomicInteger schedules = new AtomicInteger();
  private final TimeSource counting =
      new TimeSource() {
        @Override
        public Cancellable schedule(Runnable task, long delayNanos) {
          schedules.incrementAndGet();
          return time.schedule(task, delayNanos);
        }

        @Override
        public long nanoTime() {
          return time.nanoTime();
        }

        @Override
        public long currentTimeMillis() {
          return time.currentTimeMillis();
        }
      };

  private BatcherConfig manual(BatcherConfig config) {
    return config.toBuilder().timeSource(counting).executor(Runnable::run).build();
  }

  private static BatcherConfig sizeAndLinger(int size, long lingerMillis) {
    return BatcherConfig.builder()
        .maxBatchSize(size)
        .maxLinger(Duration.ofMillis(lingerMillis))
        .noLoaderTimeout()
        .build();
  }

  private static BatcherConfig sizeOneWithTimeout(long timeoutMillis) {
    return BatcherConfig.builder()
        .maxBatchSize(1)
        .noLinger()
        .loaderTimeout(Duration.ofMillis(timeoutMillis))
        .build();
  }

  @Test
  void windowsSealedBySizeWithinOneLingerArmOneTimer() {
    RecordingLoader<Integer, String> loader = RecordingLoader.mapping(k -> "v" + k);
    Batcher<Integer, String> b =
        Batchers.createRequired("timers", loader, manual(sizeAndLinger(2, 10)));

    b.load(0);
    b.load(1);
    assertThat(time.pendingTasks()).as("a lone window sealed by size cancels its timer").isZero();
    int before = schedules.get();
    List<CompletableFuture<String>> fs = new ArrayList<>();
    for (int k = 2; k < 42; k++) {
      fs.add(b.load(k));
      assertThat(time.pendingTasks()).isLessThanOrEqualTo(1);
      if (k % 8 == 0) {
        time.advance(Duration.ofMillis(1));
      }
    }

    assertThat(loader.callCount()).isEqualTo(21);
    assertThat(fs).allSatisfy(f -> assertThat(f).isCompleted());
    assertThat(schedules.get() - before)
        .as("20 windows sealed by size within one linger")
        .isEqualTo(1);
    time.advance(Duration.ofMillis(10));
    assertThat(time.pendingTasks())
        .as("the timer finds no open window and stays disarmed")
        .isZero();
    assertThat(loader.callCount()).isEqualTo(21);
  }

  @Test
  void aWindowOpenedAfterTheTimerWasArmedFlushesAtItsOwnDeadline() {
    RecordingLoader<Integer, String> loader = RecordingLoader.mapping(k -> "v" + k);
    Batcher<Integer, String> b =
        Batchers.createRequired("timers", loader, manual(sizeAndLinger(2, 10)));
    b.load(1);
    b.load(2);
    b.load(3);
    b.load(4);
    assertThat(time.pendingTasks())
        .as("armed for the window of 3 and 4, kept after it filled")
        .isEqualTo(1);
    int before = schedules.get();

    time.advance(Duration.ofMillis(4));
    CompletableFuture<String> five = b.load(5);
    assertThat(schedules.get())
        .as("the armed timer is due earlier: nothing new is scheduled")
        .isEqualTo(before);
    time.advance(Duration.ofMillis(6));
    assertThat(five).as("the timer fired at 10 ms, before this window's deadline").isNotDone();
    time.advance(Duration.ofMillis(3));
    assertThat(five).isNotDone();
    time.advance(Duration.ofMillis(1));

    assertThat(five).isCompletedWithValue("v5");
    assertThat(loader.calls()).containsExactly(List.of(1, 2), List.of(3, 4), List.of(5));
    assertThat(time.pendingTasks()).isZero();
  }

  @Test
  void aWindowOpenedJustBeforeTheTimerFiresStillWaitsItsWholeLinger() {
    RecordingLoader<Integer, String> loader = RecordingLoader.mapping(k -> "v" + k);
    Batcher<Integer, String> b =
        Batchers.createRequired("timers", loader, manual(sizeAndLinger(100, 10)));
    b.load(1);
    b.dispatch();
    b.load(2);
    b.dispatch();
    assertThat(time.pendingTasks()).as("kept after the second window was dispatched").isEqualTo(1);
    int before = schedules.get();
    time.advance(Duration.ofMillis(9));
    CompletableFuture<String> three = b.load(3);
    time.advance(Duration.ofMillis(1));
    assertThat(three).as("opened 1 ms before the timer fired").isNotDone();
    assertThat(schedules.get() - before).as("re-armed once, for this window").isEqualTo(1);
    time.advance(Duration.ofMillis(8));
    assertThat(three).isNotDone();
    time.advance(Duration.ofMillis(1));
    assertThat(three).isCompletedWithValue("v3");
    assertThat(loader.calls()).containsExactly(List.of(1), List.of(2), List.of(3));
  }

  @Test
  void loaderTimeoutsFireForEachStuckBatchInOrderFromOneTimer() {
    RecordingLoader<Integer, String> loader = RecordingLoader.deferred(k -> "v" + k);
    Batcher<Integer, String> b =
        Batchers.createRequired("timers", loader, manual(sizeOneWithTimeout(100)));
    List<Integer> failedInOrder = new ArrayList<>();
    List<CompletableFuture<String>> fs = new ArrayList<>();
    for (int k = 0; k < 3; k++) {
      int key = k;
      CompletableFuture<String> f = b.load(key);
      f.whenComplete(
          (v, e) -> {
            if (e != null) {
              failedInOrder.add(key);
            }
          });
      fs.add(f);
      assertThat(time.pendingTasks()).as("one timer for every call in flight").isEqualTo(1);
      time.advance(Duration.ofMillis(30));
    }
    // Calls started at 0, 30 and 60 ms; the clock is at 90 ms.
    time.advance(Duration.ofMillis(9));
    assertThat(failedInOrder).isEmpty();
    time.advance(Duration.ofMillis(1));
    assertThat(failedInOrder).containsExactly(0);
    assertThat(failure(fs.get(0))).isInstanceOf(BatchTimeoutException.class);
    time.advance(Duration.ofMillis(29));
    assertThat(failedInOrder).containsExactly(0);
    time.advance(Duration.ofMillis(1));
    assertThat(failedInOrder).containsExactly(0, 1);
    time.advance(Duration.ofMillis(30));

    assertThat(failedInOrder).containsExactly(0, 1, 2);
    assertThat(fs)
        .allSatisfy(f -> assertThat(failure(f)).isInstanceOf(BatchTimeoutException.class));
    assertThat(b.pendingKeys()).isZero();
    assertThat(time.pendingTasks()).isZero();
  }

  @Test
  void aBatchThatAnsweredIsNeverFailedByALaterTimer() {
    RecordingLoader<Integer, String> loader = RecordingLoader.deferred(k -> "v" + k);
    Batcher<Integer, String> b =
        Batchers.createRequired("timers", loader, manual(sizeOneWithTimeout(100)));
    CompletableFuture<String> first = b.load(1);
    time.advance(Duration.ofMillis(10));
    CompletableFuture<String> middle = b.load(2);
    time.advance(Duration.ofMillis(10));
    CompletableFuture<String> last = b.load(3);
    time.advance(Duration.ofMillis(30));
    loader.answer(1);
    assertThat(middle).isCompletedWithValue("v2");

    time.advance(Duration.ofMillis(50));
    assertThat(failure(first)).isInstanceOf(BatchTimeoutException.class);
    assertThat(last).isNotDone();
    time.advance(Duration.ofMillis(10));
    assertThat(middle).as("its deadline passed after it answered").isCompletedWithValue("v2");
    assertThat(last).isNotDone();
    loader.answer(2);
    assertThat(last).isCompletedWithValue("v3");
    time.advance(Duration.ofSeconds(1));
    assertThat(last).isCompletedWithValue("v3");
    assertThat(b.pendingKeys()).isZero();
  }

  @Test
  void callsStartedBackToBackShareTheTimeoutTimer() {
    RecordingLoader<Integer, String> loader = RecordingLoader.mapping(k -> "v" + k);
    Batcher<Integer, String> b =
        Batchers.createRequired("timers", loader, manual(sizeOneWithTimeout(100)));
    b.load(0);
    assertThat(time.pendingTasks()).as("a lone call cancels its timer when it answers").isZero();
    int before = schedules.get();
    for (int k = 1; k <= 50; k++) {
      assertThat(b.load(k)).isCompletedWithValue("v" + k);
    }
    assertThat(schedules.get() - before).isEqualTo(1);
    assertThat(time.pendingTasks()).isEqualTo(1);
    time.advance(Duration.ofMillis(100));
    assertThat(time.pendingTasks()).as("no call in flight: not re-armed").isZero();
  }

  @Test
  void closeCancelsTheTimersNothingWaitsOn() {
    RecordingLoader<Integer, String> loader = RecordingLoader.mapping(k -> "v" + k);
    Batcher<Integer, String> b =
        Batchers.createRequired(
            "timers",
            loader,
            manual(
                BatcherConfig.builder()
                    .maxBatchSize(1)
                    .maxLinger(Duration.ofMillis(10))
                    .loaderTimeout(Duration.ofMillis(100))
                    .build()));
    for (int k = 0; k < 5; k++) {
      b.load(k);
    }
    assertThat(time.pendingTasks()).isEqualTo(2);
    b.close();
    assertThat(time.pendingTasks()).isZero();
  }

  @Test
  void anAlignedResultStillAnswersItsValuesByKey() {
    BatchResult<Integer, String> r =
        BatchResult.aligned(List.of(1, 2, 3), Arrays.asList("a", null, "c"));
    assertThat(r.values()).isEqualTo(Map.of(1, "a", 3, "c"));
    assertThat(r.valueAt(List.of(1, 2, 3), 0, 1))
        .as("another list: looked up by key")
        .isEqualTo("a");
    assertThat(r.value(2)).isNull();
    assertThat(r).hasToString("BatchResult[2 values, 0 failures]");
  }
}
