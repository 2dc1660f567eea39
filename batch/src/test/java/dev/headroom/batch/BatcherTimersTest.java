package dev.headroom.batch;

import static dev.headroom.batch.Futures.failure;
import static org.assertj.core.api.Assertions.assertThat;

import dev.headroom.core.time.ManualTimeSource;
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
  private final ManualScheduler scheduler = new ManualScheduler(time);
  private final AtomicInteger schedules = new AtomicInteger();
  private final Scheduler counting = new Scheduler() {
    @Override
    public Cancellable schedule(Runnable task, long delayNanos) {
      schedules.incrementAndGet();
      return scheduler.schedule(task, delayNanos);
    }

    @Override
    public long nanoTime() {
      return scheduler.nanoTime();
    }
  };

  private <K, V> Batcher.Builder<K, V> builder(BatchLoader<K, V> loader, BatcherConfig config) {
    return Batcher.builder("timers", loader).config(config).timeSource(time).scheduler(counting).executor(Runnable::run);
  }

  private static BatcherConfig sizeAndLinger(int size, long lingerMillis) {
    return BatcherConfig.builder().maxBatchSize(size).maxLinger(Duration.ofMillis(lingerMillis)).noLoaderTimeout().build();
  }

  private static BatcherConfig sizeOneWithTimeout(long timeoutMillis) {
    return BatcherConfig.builder().maxBatchSize(1).noLinger().loaderTimeout(Duration.ofMillis(timeoutMillis)).build();
  }

  @Test
  void windowsSealedBySizeWithinOneLingerArmOneTimer() {
    RecordingLoader<Integer, String> loader = RecordingLoader.mapping(k -> "v" + k);
    Batcher<Integer, String> b = builder(loader, sizeAndLinger(2, 10)).buildRequired();

    b.load(0);
    b.load(1);
    assertThat(scheduler.scheduled()).as("a lone window sealed by size cancels its timer").isZero();
    int before = schedules.get();
    List<CompletableFuture<String>> fs = new ArrayList<>();
    for (int k = 2; k < 42; k++) {
      fs.add(b.load(k));
      assertThat(scheduler.scheduled()).isLessThanOrEqualTo(1);
      if (k % 8 == 0) {
        scheduler.advance(Duration.ofMillis(1));
      }
    }

    assertThat(loader.callCount()).isEqualTo(21);
    assertThat(fs).allSatisfy(f -> assertThat(f).isCompleted());
    assertThat(schedules.get() - before).as("20 windows sealed by size within one linger").isEqualTo(1);
    scheduler.advance(Duration.ofMillis(10));
    assertThat(scheduler.scheduled()).as("the timer finds no open window and stays disarmed").isZero();
    assertThat(loader.callCount()).isEqualTo(21);
  }

  @Test
  void aWindowOpenedAfterTheTimerWasArmedFlushesAtItsOwnDeadline() {
    RecordingLoader<Integer, String> loader = RecordingLoader.mapping(k -> "v" + k);
    Batcher<Integer, String> b = builder(loader, sizeAndLinger(2, 10)).buildRequired();
    b.load(1);
    b.load(2);
    b.load(3);
    b.load(4);
    assertThat(scheduler.scheduled()).as("armed for the window of 3 and 4, kept after it filled").isEqualTo(1);
    int before = schedules.get();

    scheduler.advance(Duration.ofMillis(4));
    CompletableFuture<String> five = b.load(5);
    assertThat(schedules.get()).as("the armed timer is due earlier: nothing new is scheduled").isEqualTo(before);
    scheduler.advance(Duration.ofMillis(6));
    assertThat(five).as("the timer fired at 10 ms, before this window's deadline").isNotDone();
    scheduler.advance(Duration.ofMillis(3));
    assertThat(five).isNotDone();
    scheduler.advance(Duration.ofMillis(1));

    assertThat(five).isCompletedWithValue("v5");
    assertThat(loader.calls()).containsExactly(List.of(1, 2), List.of(3, 4), List.of(5));
    assertThat(scheduler.scheduled()).isZero();
  }

  @Test
  void aWindowOpenedJustBeforeTheTimerFiresStillWaitsItsWholeLinger() {
    RecordingLoader<Integer, String> loader = RecordingLoader.mapping(k -> "v" + k);
    Batcher<Integer, String> b = builder(loader, sizeAndLinger(100, 10)).buildRequired();
    b.load(1);
    b.dispatch();
    b.load(2);
    b.dispatch();
    assertThat(scheduler.scheduled()).as("kept after the second window was dispatched").isEqualTo(1);
    int before = schedules.get();
    scheduler.advance(Duration.ofMillis(9));
    CompletableFuture<String> three = b.load(3);
    scheduler.advance(Duration.ofMillis(1));
    assertThat(three).as("opened 1 ms before the timer fired").isNotDone();
    assertThat(schedules.get() - before).as("re-armed once, for this window").isEqualTo(1);
    scheduler.advance(Duration.ofMillis(8));
    assertThat(three).isNotDone();
    scheduler.advance(Duration.ofMillis(1));
    assertThat(three).isCompletedWithValue("v3");
    assertThat(loader.calls()).containsExactly(List.of(1), List.of(2), List.of(3));
  }

  @Test
  void loaderTimeoutsFireForEachStuckBatchInOrderFromOneTimer() {
    RecordingLoader<Integer, String> loader = RecordingLoader.deferred(k -> "v" + k);
    Batcher<Integer, String> b = builder(loader, sizeOneWithTimeout(100)).buildRequired();
    List<Integer> failedInOrder = new ArrayList<>();
    List<CompletableFuture<String>> fs = new ArrayList<>();
    for (int k = 0; k < 3; k++) {
      int key = k;
      CompletableFuture<String> f = b.load(key);
      f.whenComplete((v, e) -> {
        if (e != null) {
          failedInOrder.add(key);
        }
      });
      fs.add(f);
      assertThat(scheduler.scheduled()).as("one timer for every call in flight").isEqualTo(1);
      scheduler.advance(Duration.ofMillis(30));
    }
    // Calls started at 0, 30 and 60 ms; the clock is at 90 ms.
    scheduler.advance(Duration.ofMillis(9));
    assertThat(failedInOrder).isEmpty();
    scheduler.advance(Duration.ofMillis(1));
    assertThat(failedInOrder).containsExactly(0);
    assertThat(failure(fs.get(0))).isInstanceOf(BatchTimeoutException.class);
    scheduler.advance(Duration.ofMillis(29));
    assertThat(failedInOrder).containsExactly(0);
    scheduler.advance(Duration.ofMillis(1));
    assertThat(failedInOrder).containsExactly(0, 1);
    scheduler.advance(Duration.ofMillis(30));

    assertThat(failedInOrder).containsExactly(0, 1, 2);
    assertThat(fs).allSatisfy(f -> assertThat(failure(f)).isInstanceOf(BatchTimeoutException.class));
    assertThat(b.pendingKeys()).isZero();
    assertThat(scheduler.scheduled()).isZero();
  }

  @Test
  void aBatchThatAnsweredIsNeverFailedByALaterTimer() {
    RecordingLoader<Integer, String> loader = RecordingLoader.deferred(k -> "v" + k);
    Batcher<Integer, String> b = builder(loader, sizeOneWithTimeout(100)).buildRequired();
    CompletableFuture<String> first = b.load(1);
    scheduler.advance(Duration.ofMillis(10));
    CompletableFuture<String> middle = b.load(2);
    scheduler.advance(Duration.ofMillis(10));
    CompletableFuture<String> last = b.load(3);
    scheduler.advance(Duration.ofMillis(30));
    loader.answer(1);
    assertThat(middle).isCompletedWithValue("v2");

    scheduler.advance(Duration.ofMillis(50));
    assertThat(failure(first)).isInstanceOf(BatchTimeoutException.class);
    assertThat(last).isNotDone();
    scheduler.advance(Duration.ofMillis(10));
    assertThat(middle).as("its deadline passed after it answered").isCompletedWithValue("v2");
    assertThat(last).isNotDone();
    loader.answer(2);
    assertThat(last).isCompletedWithValue("v3");
    scheduler.advance(Duration.ofSeconds(1));
    assertThat(last).isCompletedWithValue("v3");
    assertThat(b.pendingKeys()).isZero();
  }

  @Test
  void callsStartedBackToBackShareTheTimeoutTimer() {
    RecordingLoader<Integer, String> loader = RecordingLoader.mapping(k -> "v" + k);
    Batcher<Integer, String> b = builder(loader, sizeOneWithTimeout(100)).buildRequired();
    b.load(0);
    assertThat(scheduler.scheduled()).as("a lone call cancels its timer when it answers").isZero();
    int before = schedules.get();
    for (int k = 1; k <= 50; k++) {
      assertThat(b.load(k)).isCompletedWithValue("v" + k);
    }
    assertThat(schedules.get() - before).isEqualTo(1);
    assertThat(scheduler.scheduled()).isEqualTo(1);
    scheduler.advance(Duration.ofMillis(100));
    assertThat(scheduler.scheduled()).as("no call in flight: not re-armed").isZero();
  }

  @Test
  void closeCancelsTheTimersNothingWaitsOn() {
    RecordingLoader<Integer, String> loader = RecordingLoader.mapping(k -> "v" + k);
    Batcher<Integer, String> b = builder(loader, BatcherConfig.builder().maxBatchSize(1)
        .maxLinger(Duration.ofMillis(10)).loaderTimeout(Duration.ofMillis(100)).build()).buildRequired();
    for (int k = 0; k < 5; k++) {
      b.load(k);
    }
    assertThat(scheduler.scheduled()).isEqualTo(2);
    b.close();
    assertThat(scheduler.scheduled()).isZero();
  }

  @Test
  void anAlignedResultStillAnswersItsValuesByKey() {
    BatchResult<Integer, String> r = BatchResult.aligned(List.of(1, 2, 3), Arrays.asList("a", null, "c"));
    assertThat(r.values()).isEqualTo(Map.of(1, "a", 3, "c"));
    assertThat(r.valueAt(List.of(1, 2, 3), 0, 1)).as("another list: looked up by key").isEqualTo("a");
    assertThat(r.value(2)).isNull();
    assertThat(r).hasToString("BatchResult[2 values, 0 failures]");
  }
}
