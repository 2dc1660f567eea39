package dev.headroom.queue;

import static dev.headroom.core.metrics.HeadroomMeters.QUEUE_COMPLETED;
import static dev.headroom.core.metrics.HeadroomMeters.QUEUE_DEAD;
import static dev.headroom.core.metrics.HeadroomMeters.QUEUE_DEPTH;
import static dev.headroom.core.metrics.HeadroomMeters.QUEUE_ENQUEUED;
import static dev.headroom.core.metrics.HeadroomMeters.QUEUE_JOBS_WAITING;
import static dev.headroom.core.metrics.HeadroomMeters.QUEUE_NEXT_WAIT;
import static dev.headroom.core.metrics.HeadroomMeters.QUEUE_PROCESSING;
import static dev.headroom.core.metrics.HeadroomMeters.QUEUE_RETRIED;
import static dev.headroom.core.metrics.HeadroomMeters.QUEUE_STALE_ANSWERS;
import static dev.headroom.core.metrics.HeadroomMeters.QUEUE_STALLED;
import static dev.headroom.core.metrics.HeadroomMeters.QUEUE_WAIT;
import static dev.headroom.core.metrics.HeadroomMeters.QUEUE_WORKERS;
import static dev.headroom.core.metrics.HeadroomMeters.TAG_QUEUE;
import static dev.headroom.core.metrics.HeadroomMeters.TAG_REASON;
import static dev.headroom.core.metrics.HeadroomMeters.TAG_STATE;
import static dev.headroom.core.metrics.HeadroomMeters.TAG_TYPE;

import dev.headroom.core.metrics.InstanceMeters;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;
import org.jspecify.annotations.Nullable;

/**
 * The meters of one queue, named by {@code HeadroomMeters}, tag {@code queue=<name>} (and {@code
 * type=<job type>} where it applies), bound through {@link InstanceMeters} and removed when the
 * queue closes:
 *
 * <ul>
 *   <li>{@code headroom.queue.jobs.waiting} gauge: jobs ready or delayed (read by monitoring);
 *   <li>{@code headroom.queue.workers} gauge: worker slots running in this process (read by
 *       monitoring);
 *   <li>{@code headroom.queue.depth} gauge by {@code state}: waiting, delayed, active, completed,
 *       dead;
 *   <li>{@code headroom.queue.next.wait} gauge: seconds the next job to run has been ready;
 *   <li>{@code headroom.queue.enqueued}, {@code .completed}, {@code .retried}, {@code .dead} (also
 *       by {@code reason}) counters by type; {@code headroom.queue.stalled} and {@code
 *       headroom.queue.stale.answers} counters;
 *   <li>{@code headroom.queue.wait} timer by type: enqueue to the start of the first attempt (a
 *       delay included; a job given back, reaped or replayed is not timed again); {@code
 *       headroom.queue.processing} timer by type: handler run time.
 * </ul>
 *
 * Gauges read counts at most a second old (one round trip per second at most on Redis). One
 * registry holds the meters of one live queue per name: a second is refused, as it would share (and
 * on close remove) the first one's meters.
 */
final class QueueMeters {

  private final InstanceMeters meters;
  private final Map<String, TypeMeters> types = new ConcurrentHashMap<>();
  private final Map<DeadKey, Counter> dead = new ConcurrentHashMap<>();
  final Counter stalled;
  final Counter stale;

  /**
   * @throws IllegalStateException if {@code registry} holds the meters of another live queue named
   *     like {@code q}
   */
  QueueMeters(MeterRegistry registry, BrokerJobQueue q) {
    this.meters = InstanceMeters.of(registry, TAG_QUEUE, q.name);
    synchronized (registry) {
      if (registry.find(QUEUE_WORKERS).tag(TAG_QUEUE, q.name).gauge() != null) {
        throw new IllegalStateException(
            "queue '"
                + q.name
                + "': its MeterRegistry already holds the meters of another"
                + " live queue with this name; close that one first, or share one instance (JobQueueRegistry)");
      }
      gauge(
          QUEUE_WORKERS,
          "Worker slots running in this process",
          q,
          BrokerJobQueue::runningWorkers,
          null);
    }
    gauge(
        QUEUE_JOBS_WAITING,
        "Jobs waiting to run (ready or delayed)",
        q,
        x -> count(x, c -> c.waiting() + c.delayed()),
        null);
    gauge(QUEUE_DEPTH, "Jobs by state", q, x -> count(x, QueueCounts::waiting), "waiting");
    gauge(QUEUE_DEPTH, "Jobs by state", q, x -> count(x, QueueCounts::delayed), "delayed");
    gauge(QUEUE_DEPTH, "Jobs by state", q, x -> count(x, QueueCounts::active), "active");
    gauge(QUEUE_DEPTH, "Jobs by state", q, x -> count(x, QueueCounts::completed), "completed");
    gauge(QUEUE_DEPTH, "Jobs by state", q, x -> count(x, QueueCounts::dead), "dead");
    gauge(
        QUEUE_NEXT_WAIT,
        "Seconds the next job to run has been ready",
        q,
        x -> count(x, c -> c.nextJobWait().toNanos()) / 1e9,
        null);
    this.stalled =
        register(
            r ->
                Counter.builder(QUEUE_STALLED)
                    .description("Leases that expired (worker died)")
                    .tags(meters.tags())
                    .register(r));
    this.stale =
        register(
            r ->
                Counter.builder(QUEUE_STALE_ANSWERS)
                    .description(
                        "Answers ignored because the job's lease had passed to another worker")
                    .tags(meters.tags())
                    .register(r));
  }

  private static double count(BrokerJobQueue q, ToDoubleFunction<QueueCounts> f) {
    QueueCounts c = q.recentCounts();
    return c == null ? Double.NaN : f.applyAsDouble(c);
  }

  private void gauge(
      String name,
      String description,
      BrokerJobQueue q,
      ToDoubleFunction<BrokerJobQueue> f,
      @Nullable String state) {
    register(
        r ->
            Gauge.builder(name, q, f)
                .description(description)
                .tags(state == null ? meters.tags() : meters.tags(TAG_STATE, state))
                .strongReference(true)
                .register(r));
  }

  private <M extends Meter> M register(Function<MeterRegistry, M> builder) {
    return Objects.requireNonNull(meters.register(builder));
  }

  TypeMeters type(String type) {
    return types.computeIfAbsent(type, TypeMeters::new);
  }

  /**
   * The dead-letter counter of {@code type} and {@code reason}, registered (and kept) on first use
   * only.
   */
  Counter dead(String type, String reason) {
    return dead.computeIfAbsent(
        new DeadKey(type, reason),
        k ->
            register(
                r ->
                    Counter.builder(QUEUE_DEAD)
                        .description("Jobs sent to the dead letters")
                        .tags(meters.tags(TAG_TYPE, type, TAG_REASON, reason))
                        .register(r)));
  }

  private record DeadKey(String type, String reason) {}

  /** Removes every meter of this queue from the registry. */
  void close() {
    meters.close();
  }

  /** Meters of one job type. */
  final class TypeMeters {
    final Counter enqueued;
    final Counter completed;
    final Counter retried;
    final Timer wait;
    final Timer processing;

    TypeMeters(String type) {
      this.enqueued =
          register(
              r ->
                  Counter.builder(QUEUE_ENQUEUED)
                      .description("Jobs enqueued")
                      .tags(meters.tags(TAG_TYPE, type))
                      .register(r));
      this.completed =
          register(
              r ->
                  Counter.builder(QUEUE_COMPLETED)
                      .description("Jobs completed")
                      .tags(meters.tags(TAG_TYPE, type))
                      .register(r));
      this.retried =
          register(
              r ->
                  Counter.builder(QUEUE_RETRIED)
                      .description("Failed attempts that will be retried")
                      .tags(meters.tags(TAG_TYPE, type))
                      .register(r));
      this.wait =
          register(
              r ->
                  Timer.builder(QUEUE_WAIT)
                      .description("From enqueue to the start of the first attempt")
                      .tags(meters.tags(TAG_TYPE, type))
                      .register(r));
      this.processing =
          register(
              r ->
                  Timer.builder(QUEUE_PROCESSING)
                      .description("Handler run time per attempt")
                      .tags(meters.tags(TAG_TYPE, type))
                      .register(r));
    }
  }
}
