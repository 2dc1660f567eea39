package dev.headroom.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.headroom.core.codec.Codec;
import dev.headroom.core.time.ManualTimeSource;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The meters, by the names monitoring reads ({@code headroom.queue.jobs.waiting} and {@code
 * headroom.queue.workers}, tag {@code queue}) and the rest of {@code headroom.queue.*}.
 */
class QueueMetersTest {

  private static final JobType<String> TEXT = JobType.of("text", Codec.utf8());

  private static double gauge(SimpleMeterRegistry r, String name, String... tags) {
    Gauge g = r.find(name).tags(tags).gauge();
    return g == null ? Double.NaN : g.value();
  }

  private static double counter(SimpleMeterRegistry r, String name, String... tags) {
    Counter c = r.find(name).tags(tags).counter();
    return c == null ? 0 : c.count();
  }

  @Test
  void publishesDepthWorkersOutcomesAndTimings() {
    SimpleMeterRegistry r = new SimpleMeterRegistry();
    ManualTimeSource time = ManualTimeSource.create();
    JobQueue q =
        JobQueues.inMemory(
            "metered",
            JobQueueConfig.builder()
                .meterRegistry(r)
                .timeSource(time)
                .pollInterval(Duration.ofMillis(20))
                .build());
    q.enqueue(TEXT, "ok");
    q.enqueue(
        TEXT,
        "fail",
        JobOptions.builder()
            .maxAttempts(2)
            .backoff(
                TEXT.backoff().toBuilder().jitter(dev.headroom.core.backoff.Jitter.NONE).build())
            .build());
    q.enqueue(TEXT, "later", JobOptions.delayed(Duration.ofHours(1)));
    time.advance(Duration.ofSeconds(4));
    assertThat(gauge(r, "headroom.queue.jobs.waiting", "queue", "metered")).isEqualTo(3);
    assertThat(gauge(r, "headroom.queue.depth", "queue", "metered", "state", "delayed"))
        .isEqualTo(1);
    assertThat(gauge(r, "headroom.queue.next.wait", "queue", "metered")).isEqualTo(4.0);
    assertThat(gauge(r, "headroom.queue.workers", "queue", "metered")).isZero();
    assertThat(counter(r, "headroom.queue.enqueued", "queue", "metered", "type", "text"))
        .isEqualTo(3);

    WorkerPool pool =
        q.workers()
            .handle(
                TEXT,
                job -> {
                  if (job.payload().equals("fail")) {
                    throw new IllegalStateException("no");
                  }
                })
            .concurrency(3)
            .start();
    assertThat(gauge(r, "headroom.queue.workers", "queue", "metered")).isEqualTo(3);
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> counter(r, "headroom.queue.retried", "queue", "metered", "type", "text") == 1);
    time.advance(Duration.ofSeconds(1));
    await()
        .atMost(Duration.ofSeconds(5))
        .until(
            () ->
                counter(
                        r,
                        "headroom.queue.dead",
                        "queue",
                        "metered",
                        "type",
                        "text",
                        "reason",
                        DeadLetter.REASON_RETRIES_EXHAUSTED)
                    == 1);
    assertThat(counter(r, "headroom.queue.completed", "queue", "metered", "type", "text"))
        .isEqualTo(1);
    assertThat(
            r.find("headroom.queue.wait").tags("queue", "metered", "type", "text").timer().count())
        .isEqualTo(2);
    assertThat(
            r.find("headroom.queue.processing")
                .tags("queue", "metered", "type", "text")
                .timer()
                .count())
        .isEqualTo(3);
    assertThat(r.find("headroom.queue.stalled").counter()).isNotNull();
    pool.shutdown(Duration.ofSeconds(5));
    assertThat(gauge(r, "headroom.queue.workers", "queue", "metered")).isZero();
    q.close();
    assertThat(r.find("headroom.queue.jobs.waiting").meters()).isEmpty();
  }

  @Test
  void aDeadLetterCounterIsRegisteredOncePerTypeAndReason() {
    SimpleMeterRegistry r = new SimpleMeterRegistry();
    JobQueue q = JobQueues.inMemory("metered", JobQueueConfig.builder().meterRegistry(r).build());
    QueueMeters meters = ((BrokerJobQueue) q).meters;
    Counter first = meters.dead("text", DeadLetter.REASON_STALLED);
    assertThat(meters.dead("text", DeadLetter.REASON_STALLED)).isSameAs(first);
    assertThat(meters.dead("text", DeadLetter.REASON_NON_RETRYABLE)).isNotSameAs(first);
    assertThat(r.find("headroom.queue.dead").counters()).hasSize(2);
    q.close();
    assertThat(r.find("headroom.queue.dead").counters()).isEmpty();
  }
}
