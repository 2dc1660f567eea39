package dev.headroom.queue;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.ToDoubleFunction;

/**
 * The meters of one queue, tag {@code queue=<name>} (and {@code type=<job type>} where it applies):
 *
 * <ul>
 *   <li>{@code headroom.queue.jobs.waiting} gauge: jobs ready or delayed (read by monitoring);
 *   <li>{@code headroom.queue.workers} gauge: worker slots running in this process (read by monitoring);
 *   <li>{@code headroom.queue.depth} gauge by {@code state}: waiting, delayed, active, completed, dead;
 *   <li>{@code headroom.queue.next.wait} gauge: seconds the next job to run has been ready;
 *   <li>{@code headroom.queue.enqueued}, {@code .completed}, {@code .retried}, {@code .dead} (also by
 *       {@code reason}) counters by type; {@code headroom.queue.stalled} and
 *       {@code headroom.queue.stale.answers} counters;
 *   <li>{@code headroom.queue.wait} timer by type: enqueue to the start of the first attempt (a delay included;
 *       a job given back, reaped or replayed is not timed again);
 *       {@code headroom.queue.processing} timer by type: handler run time.
 * </ul>
 *
 * Gauges read counts at most a second old (one round trip per second at most on Redis).
 */
final class QueueMeters {

  private final MeterRegistry registry;
  private final String queue;
  private final List<Meter> registered = new CopyOnWriteArrayList<>();
  private final Map<String, TypeMeters> types = new ConcurrentHashMap<>();
  private final Map<DeadKey, Counter> dead = new ConcurrentHashMap<>();
  final Counter stalled;
  final Counter stale;

  QueueMeters(MeterRegistry registry, EngineJobQueue q) {
    this.registry = registry;
    this.queue = q.name;
    gauge("headroom.queue.jobs.waiting", "Jobs waiting to run (ready or delayed)", q,
        x -> count(x, c -> c.waiting() + c.delayed()), null);
    gauge("headroom.queue.workers", "Worker slots running in this process", q, EngineJobQueue::runningWorkers, null);
    gauge("headroom.queue.depth", "Jobs by state", q, x -> count(x, QueueCounts::waiting), "waiting");
    gauge("headroom.queue.depth", "Jobs by state", q, x -> count(x, QueueCounts::delayed), "delayed");
    gauge("headroom.queue.depth", "Jobs by state", q, x -> count(x, QueueCounts::active), "active");
    gauge("headroom.queue.depth", "Jobs by state", q, x -> count(x, QueueCounts::completed), "completed");
    gauge("headroom.queue.depth", "Jobs by state", q, x -> count(x, QueueCounts::dead), "dead");
    gauge("headroom.queue.next.wait", "Seconds the next job to run has been ready", q,
        x -> count(x, c -> c.nextJobWait().toNanos()) / 1e9, null);
    this.stalled = keep(Counter.builder("headroom.queue.stalled").description("Leases that expired (worker died)")
        .tag("queue", queue).register(registry));
    this.stale = keep(Counter.builder("headroom.queue.stale.answers")
        .description("Answers ignored because the job's lease had passed to another worker").tag("queue", queue)
        .register(registry));
  }

  private static double count(EngineJobQueue q, ToDoubleFunction<QueueCounts> f) {
    QueueCounts c = q.recentCounts();
    return c == null ? Double.NaN : f.applyAsDouble(c);
  }

  private void gauge(String name, String description, EngineJobQueue q, ToDoubleFunction<EngineJobQueue> f,
      @org.jspecify.annotations.Nullable String state) {
    Gauge.Builder<EngineJobQueue> b = Gauge.builder(name, q, f).description(description).tag("queue", queue);
    if (state != null) {
      b.tag("state", state);
    }
    keep(b.register(registry));
  }

  private <M extends Meter> M keep(M meter) {
    registered.add(meter);
    return meter;
  }

  TypeMeters type(String type) {
    return types.computeIfAbsent(type, TypeMeters::new);
  }

  /** The dead-letter counter of {@code type} and {@code reason}, registered (and kept) on first use only. */
  Counter dead(String type, String reason) {
    return dead.computeIfAbsent(new DeadKey(type, reason), k -> keep(Counter.builder("headroom.queue.dead")
        .description("Jobs sent to the dead letters").tag("queue", queue).tag("type", type).tag("reason", reason)
        .register(registry)));
  }

  private record DeadKey(String type, String reason) {}

  void close() {
    for (Meter m : registered) {
      registry.remove(m);
    }
    registered.clear();
  }

  /** Meters of one job type. */
  final class TypeMeters {
    final Counter enqueued;
    final Counter completed;
    final Counter retried;
    final Timer wait;
    final Timer processing;

    TypeMeters(String type) {
      this.enqueued = keep(Counter.builder("headroom.queue.enqueued").description("Jobs enqueued").tag("queue", queue)
          .tag("type", type).register(registry));
      this.completed = keep(Counter.builder("headroom.queue.completed").description("Jobs completed")
          .tag("queue", queue).tag("type", type).register(registry));
      this.retried = keep(Counter.builder("headroom.queue.retried").description("Failed attempts that will be retried")
          .tag("queue", queue).tag("type", type).register(registry));
      this.wait = keep(Timer.builder("headroom.queue.wait").description("From enqueue to the start of the first attempt")
          .tag("queue", queue).tag("type", type).register(registry));
      this.processing = keep(Timer.builder("headroom.queue.processing").description("Handler run time per attempt")
          .tag("queue", queue).tag("type", type).register(registry));
    }
  }
}
