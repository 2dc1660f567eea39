package dev.headroom.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.headroom.core.backoff.Backoff;
import dev.headroom.core.backoff.Jitter;
import dev.headroom.core.codec.Codec;
import dev.headroom.core.time.ManualTimeSource;
import dev.headroom.queue.broker.Broker;
import dev.headroom.queue.memory.InMemoryBroker;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

/** The worker pool against a store that fails in ways the contract suite cannot provoke. */
class BrokerWorkerPoolTest {

  private static final JobType<String> TEXT = JobType.of("text", Codec.utf8());

  /**
   * An in-memory broker whose first {@code failures} idle waits throw what a Redis still loading
   * would.
   */
  private static Broker failingWaits(Broker real, int failures, CountDownLatch failed) {
    AtomicInteger left = new AtomicInteger(failures);
    return (Broker)
        Proxy.newProxyInstance(
            Broker.class.getClassLoader(),
            new Class<?>[] {Broker.class},
            (proxy, method, args) -> {
              if (method.getName().equals("awaitWork") && left.getAndDecrement() > 0) {
                failed.countDown();
                throw new QueueException(
                    real.queueName(), "waiting for work failed: LOADING", null);
              }
              try {
                return method.invoke(real, args);
              } catch (InvocationTargetException e) {
                throw e.getCause();
              }
            });
  }

  @Test
  void aSlotWhoseIdleWaitFailsKeepsWorking() throws Exception {
    JobQueueConfig options =
        JobQueueConfig.builder()
            .timeSource(ManualTimeSource.create())
            .pollInterval(Duration.ofMillis(20))
            .build();
    CountDownLatch failed = new CountDownLatch(2);
    Broker broker = failingWaits(InMemoryBroker.create("failing", options), 2, failed);
    try (JobQueue q = new BrokerJobQueue(broker, options, false)) {
      JobQueueContractTest.Recorder r = new JobQueueContractTest.Recorder();
      WorkerPool pool = q.workers().handle(TEXT, r).concurrency(1).start();
      assertThat(failed.await(10, TimeUnit.SECONDS)).isTrue();
      q.enqueue(TEXT, "after the failures");
      await().atMost(Duration.ofSeconds(10)).until(() -> r.seen.size() == 1);
      assertThat(pool.isRunning()).isTrue();
    }
  }

  @Test
  void decorrelatedJitterGrowsWithTheAttempts() {
    Backoff backoff =
        Backoff.exponential(Duration.ofMillis(100), Duration.ofHours(1))
            .jitter(Jitter.DECORRELATED)
            .build();
    RandomGenerator highest =
        new RandomGenerator() {
          @Override
          public long nextLong() {
            throw new UnsupportedOperationException();
          }

          @Override
          public long nextLong(long bound) {
            return bound - 1;
          }
        };
    // the highest draw is three times the previous delay, taken before jitter
    assertThat(BrokerWorkerPool.retryDelayMillis(backoff, 1, highest)).isEqualTo(300);
    assertThat(BrokerWorkerPool.retryDelayMillis(backoff, 2, highest)).isEqualTo(300);
    assertThat(BrokerWorkerPool.retryDelayMillis(backoff, 3, highest)).isEqualTo(600);
    assertThat(BrokerWorkerPool.retryDelayMillis(backoff, 4, highest)).isEqualTo(1200);
  }
}
