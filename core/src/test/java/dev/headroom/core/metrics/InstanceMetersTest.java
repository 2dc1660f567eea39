package dev.headroom.core.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.Test;

class InstanceMetersTest {

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

  @Test
  void closeRemovesExactlyTheMetersRegisteredThroughIt() {
    InstanceMeters a = InstanceMeters.of(registry, HeadroomMeters.TAG_CACHE, "a");
    InstanceMeters b = InstanceMeters.of(registry, HeadroomMeters.TAG_CACHE, "b");
    AtomicInteger size = new AtomicInteger(3);
    Counter hits =
        a.register(r -> Counter.builder("test.gets").tags(a.tags("result", "hit")).register(r));
    a.register(
        r -> Gauge.builder("test.size", size, AtomicInteger::get).tags(a.tags()).register(r));
    b.register(r -> Counter.builder("test.gets").tags(b.tags("result", "hit")).register(r));
    Counter unrelated = registry.counter("test.unrelated", HeadroomMeters.TAG_CACHE, "a");
    assertThat(hits).isNotNull();
    assertThat(hits.getId().getTags())
        .containsExactlyInAnyOrder(Tag.of("cache", "a"), Tag.of("result", "hit"));

    a.close();

    assertThat(ids())
        .containsExactlyInAnyOrder("test.gets[cache=b, result=hit]", "test.unrelated[cache=a]");
    assertThat(registry.getMeters()).contains(unrelated);
    a.close();
    assertThat(registry.getMeters()).hasSize(2);
    b.close();
    assertThat(ids()).containsExactly("test.unrelated[cache=a]");
  }

  @Test
  void tagsCarryTheInstanceTagFirst() {
    InstanceMeters m = InstanceMeters.of(registry, HeadroomMeters.TAG_QUEUE, "jobs");
    assertThat(m.enabled()).isTrue();
    assertThat(m.registry()).isSameAs(registry);
    assertThat(m.tags()).containsExactly(Tag.of("queue", "jobs"));
    assertThat(m.tags("outcome", "ok"))
        .containsExactlyInAnyOrder(Tag.of("queue", "jobs"), Tag.of("outcome", "ok"));
    assertThat(m.tags(Tags.of("reason", "stalled")))
        .containsExactlyInAnyOrder(Tag.of("queue", "jobs"), Tag.of("reason", "stalled"));
  }

  @Test
  void withoutARegistryNothingIsRegistered() {
    for (InstanceMeters m :
        List.of(InstanceMeters.none(), InstanceMeters.of(null, HeadroomMeters.TAG_CACHE, "a"))) {
      assertThat(m.enabled()).isFalse();
      assertThat(m.registry()).isNull();
      Meter registered =
          m.register(
              r -> {
                throw new AssertionError("register called without a registry");
              });
      assertThat(registered).isNull();
      m.close();
    }
    assertThat(InstanceMeters.none().tags()).isEmpty();
    assertThat(registry.getMeters()).isEmpty();
  }

  @Test
  void gaugesAndFunctionMetersHoldWhatTheyReadUntilClosed() {
    InstanceMeters m = InstanceMeters.of(registry, HeadroomMeters.TAG_BATCHER, "b");
    LongAdder calls = new LongAdder();
    calls.add(7);
    m.gauge("test.size", new AtomicInteger(3), AtomicInteger::get, b -> b.description("size"));
    m.functionCounter("test.calls", calls, LongAdder::sum, b -> b.tags("result", "ok"));
    m.functionTimer(
        "test.loads", new long[] {2, 500}, a -> a[0], a -> a[1], TimeUnit.MILLISECONDS, b -> b);
    WeakReference<LongAdder> calledOnlyByTheMeter = new WeakReference<>(calls);
    calls = null;

    collectGarbageUntilCleared(new WeakReference<>(new Object()));

    assertThat(calledOnlyByTheMeter.get()).as("held by its meter").isNotNull();
    assertThat(registry.get("test.size").tags("batcher", "b").gauge().value()).isEqualTo(3);
    assertThat(registry.get("test.size").gauge().getId().getDescription()).isEqualTo("size");
    assertThat(
            registry
                .get("test.calls")
                .tags("batcher", "b", "result", "ok")
                .functionCounter()
                .count())
        .isEqualTo(7);
    assertThat(registry.get("test.loads").tags("batcher", "b").functionTimer().count())
        .isEqualTo(2);
    assertThat(registry.get("test.loads").functionTimer().totalTime(TimeUnit.SECONDS))
        .isEqualTo(0.5);

    m.close();

    assertThat(registry.getMeters()).isEmpty();
    collectGarbageUntilCleared(calledOnlyByTheMeter);
  }

  @Test
  void untaggedMetersCarryNoInstanceTag() {
    InstanceMeters m = InstanceMeters.untagged(registry);
    m.gauge("test.size", new AtomicInteger(1), AtomicInteger::get, b -> b.tags("k", "v"));
    assertThat(ids()).containsExactly("test.size[k=v]");
    assertThat(InstanceMeters.untagged(null).gauge("x", 1, i -> i, b -> b)).isNull();
  }

  /** Runs the collector until {@code ref} is cleared. */
  private static void collectGarbageUntilCleared(WeakReference<?> ref) {
    await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(10))
        .until(
            () -> {
              System.gc();
              return ref.get() == null;
            });
  }

  private List<String> ids() {
    return registry.getMeters().stream()
        .map(
            meter ->
                meter.getId().getName()
                    + meter.getId().getTags().stream()
                        .map(t -> t.getKey() + "=" + t.getValue())
                        .toList())
        .toList();
  }
}
