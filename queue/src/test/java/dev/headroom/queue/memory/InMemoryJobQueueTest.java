package dev.headroom.queue.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.headroom.core.codec.Codec;
import dev.headroom.queue.CancelOutcome;
import dev.headroom.queue.JobInfo;
import dev.headroom.queue.JobOptions;
import dev.headroom.queue.JobQueue;
import dev.headroom.queue.JobQueueConfig;
import dev.headroom.queue.JobQueueContractTest;
import dev.headroom.queue.JobQueues;
import dev.headroom.queue.JobState;
import dev.headroom.queue.JobType;
import dev.headroom.queue.QueueEvent;
import dev.headroom.queue.QueueEvents;
import dev.headroom.queue.QueueFullException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** The contract in memory, plus the bounded capacity and event log. */
class InMemoryJobQueueTest extends JobQueueContractTest {

  @Override
  protected JobQueue create(String name, JobQueueConfig options) {
    return JobQueues.inMemory(name, options);
  }

  @Test
  void aFullQueueRejectsWithAClearErrorAndStoresNothing() {
    JobType<String> text = JobType.of("text", Codec.utf8());
    try (JobQueue q = JobQueues.inMemory("small", options().capacity(3).build())) {
      q.enqueue(text, "1");
      q.enqueue(text, "2", JobOptions.builder().jobId("two").build());
      assertThatThrownBy(() -> q.enqueueAll(text, List.of("3", "4"), JobOptions.ofDefaults()))
          .isInstanceOf(QueueFullException.class)
          .hasMessageContaining("queue 'small'")
          .hasMessageContaining("capacity of 3")
          .hasMessageContaining("none of the 2");
      assertThat(q.counts().waiting()).isEqualTo(2);
      q.enqueue(text, "3");
      assertThat(q.enqueue(text, "2 again", JobOptions.builder().jobId("two").build()))
          .isEqualTo("two");
      QueueFullException full =
          org.junit.jupiter.api.Assertions.assertThrows(
              QueueFullException.class, () -> q.enqueue(text, "4"));
      assertThat(full.queueName()).isEqualTo("small");
      assertThat(full.capacity()).isEqualTo(3);
    }
  }

  @Test
  void theEventLogKeepsTheNewestEventsUpToItsRetention() {
    JobType<String> text = JobType.of("text", Codec.utf8());
    try (JobQueue q = JobQueues.inMemory("events", options().eventRetention(3).build())) {
      List<String> ids =
          q.enqueueAll(text, List.of("1", "2", "3", "4", "5"), JobOptions.ofDefaults());
      q.workers().handle(text, job -> {}).concurrency(1).start();
      await().atMost(Duration.ofSeconds(10)).until(() -> q.counts().completed() == 5);
      List<QueueEvent> kept = new CopyOnWriteArrayList<>();
      try (QueueEvents events = q.subscribe("0", kept::add)) {
        await().atMost(Duration.ofSeconds(10)).until(() -> kept.size() == 3);
        assertThat(kept).extracting(QueueEvent::jobId).containsExactlyElementsOf(ids.subList(2, 5));
        assertThat(events.lastId()).isEqualTo(kept.get(2).id());
      }
    }
  }

  @Test
  void jobsThatJoinOutOfOrderKeepTheirPlaceThroughRemovalsAndPriorityChanges() {
    JobType<String> text = JobType.of("text", Codec.utf8());
    try (JobQueue q = JobQueues.inMemory("line", options().build())) {
      // the line keeps jobs that join in order in a sorted run (a; b and c at its front; d at its
      // end; a again at its front after its priority rose) and the others in a heap (e, f and g
      // join behind d but go ahead of it); removals are taken from both
      String a = q.enqueue(text, "a");
      String b = q.enqueue(text, "b", JobOptions.priority(5));
      String c = q.enqueue(text, "c", JobOptions.priority(7));
      String d = q.enqueue(text, "d", JobOptions.priority(-1));
      String e = q.enqueue(text, "e");
      String f = q.enqueue(text, "f", JobOptions.priority(5));
      String g = q.enqueue(text, "g");
      assertThat(q.cancel(c)).isEqualTo(CancelOutcome.REMOVED);
      assertThat(q.remove(e)).isTrue();
      assertThat(q.changePriority(a, 6)).isTrue();
      assertThat(q.counts().waiting()).isEqualTo(5);
      assertThat(q.jobs(JobState.WAITING, 0, 10).items())
          .extracting(JobInfo::id)
          .containsExactly(a, b, f, g, d);
      Recorder r = new Recorder();
      q.workers().handle(text, r).concurrency(1).start();
      await().atMost(Duration.ofSeconds(10)).until(() -> r.seen.size() == 5);
      assertThat(r.seen).containsExactly("a", "b", "f", "g", "d");
    }
  }
}
