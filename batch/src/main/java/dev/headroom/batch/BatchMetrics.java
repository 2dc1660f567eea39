package dev.headroom.batch;

import static dev.headroom.core.metrics.HeadroomMeters.BATCH_ERRORS;
import static dev.headroom.core.metrics.HeadroomMeters.BATCH_LINGER;
import static dev.headroom.core.metrics.HeadroomMeters.BATCH_LOADER;
import static dev.headroom.core.metrics.HeadroomMeters.BATCH_PENDING;
import static dev.headroom.core.metrics.HeadroomMeters.BATCH_REJECTED;
import static dev.headroom.core.metrics.HeadroomMeters.BATCH_RETRIES;
import static dev.headroom.core.metrics.HeadroomMeters.BATCH_SIZE;
import static dev.headroom.core.metrics.HeadroomMeters.TAG_BATCHER;
import static dev.headroom.core.metrics.HeadroomMeters.TAG_RESULT;

import dev.headroom.core.metrics.InstanceMeters;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/** The batcher's meters, or nothing at all when no registry is given. */
interface BatchMetrics extends AutoCloseable {

  /** The kinds of failure, the {@code result} tag of {@code headroom.batch.errors}. */
  List<String> FAILURE_KINDS = List.of("loader", "key", "timeout", "missing");

  /** Whether meters are kept: when not, callers skip reading the time for them. */
  boolean enabled();

  void dispatched(int keys, long lingerNanos);

  void loaderTime(long nanos);

  void rejected();

  void failed(int keys, String kind);

  void retried(int keys);

  /** Removes the meters from the registry. Idempotent. */
  @Override
  void close();

  /**
   * The meters of {@code batcher} in {@code registry}, or none without one.
   *
   * @throws IllegalStateException if {@code registry} already holds the meters of a live batcher of
   *     that name: two batchers never half-share a {@code pending} gauge
   */
  static BatchMetrics create(@Nullable MeterRegistry registry, Batcher<?, ?> batcher) {
    return registry == null ? Noop.INSTANCE : Micrometer.register(registry, batcher);
  }

  enum Noop implements BatchMetrics {
    INSTANCE;

    @Override
    public boolean enabled() {
      return false;
    }

    @Override
    public void dispatched(int keys, long lingerNanos) {}

    @Override
    public void loaderTime(long nanos) {}

    @Override
    public void rejected() {}

    @Override
    public void failed(int keys, String kind) {}

    @Override
    public void retried(int keys) {}

    @Override
    public void close() {}
  }

  final class Micrometer implements BatchMetrics {
    /** Guards the check that a name is free and the registration that takes it. */
    private static final Object NAMES = new Object();

    private final InstanceMeters meters;
    private final DistributionSummary size;
    private final Timer linger;
    private final Timer loader;
    private final Counter rejected;
    private final Counter retries;
    private final Map<String, Counter> errors = new HashMap<>();

    private Micrometer(InstanceMeters meters, Batcher<?, ?> batcher) {
      this.meters = meters;
      this.size =
          registered(
              meters.register(
                  r ->
                      DistributionSummary.builder(BATCH_SIZE)
                          .description("keys per loader call")
                          .baseUnit("keys")
                          .tags(meters.tags())
                          .publishPercentileHistogram()
                          .register(r)));
      this.linger =
          registered(
              meters.register(
                  r ->
                      Timer.builder(BATCH_LINGER)
                          .description("time from a window's first key to its dispatch")
                          .tags(meters.tags())
                          .register(r)));
      this.loader =
          registered(
              meters.register(
                  r ->
                      Timer.builder(BATCH_LOADER)
                          .description("duration of loader calls")
                          .tags(meters.tags())
                          .register(r)));
      this.rejected =
          registered(
              meters.register(
                  r ->
                      Counter.builder(BATCH_REJECTED)
                          .description("loads refused because the batcher was full")
                          .tags(meters.tags())
                          .register(r)));
      this.retries =
          registered(
              meters.register(
                  r ->
                      Counter.builder(BATCH_RETRIES)
                          .description("keys reloaded after a failure")
                          .tags(meters.tags())
                          .register(r)));
      for (String kind : FAILURE_KINDS) {
        errors.put(
            kind,
            registered(
                meters.register(
                    r ->
                        Counter.builder(BATCH_ERRORS)
                            .description("keys answered with an error")
                            .tags(meters.tags(TAG_RESULT, kind))
                            .register(r))));
      }
      meters.gauge(
          BATCH_PENDING,
          batcher,
          Batcher::pendingKeys,
          b -> b.description("keys accepted and not yet answered"));
    }

    static Micrometer register(MeterRegistry registry, Batcher<?, ?> batcher) {
      synchronized (NAMES) {
        if (registry.find(BATCH_PENDING).tag(TAG_BATCHER, batcher.name()).gauge() != null) {
          throw new IllegalStateException(
              "batcher '"
                  + batcher.name()
                  + "': this MeterRegistry already holds the meters"
                  + " of a live batcher of that name; close it first or choose another name");
        }
        return new Micrometer(InstanceMeters.of(registry, TAG_BATCHER, batcher.name()), batcher);
      }
    }

    private static <M> M registered(@Nullable M meter) {
      return Objects.requireNonNull(meter, "meter");
    }

    @Override
    public boolean enabled() {
      return true;
    }

    @Override
    public void dispatched(int keys, long lingerNanos) {
      size.record(keys);
      linger.record(lingerNanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void loaderTime(long nanos) {
      loader.record(nanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void rejected() {
      rejected.increment();
    }

    @Override
    public void failed(int keys, String kind) {
      Counter c = errors.get(kind);
      if (c == null) {
        throw new IllegalArgumentException("unknown failure kind " + kind);
      }
      c.increment(keys);
    }

    @Override
    public void retried(int keys) {
      retries.increment(keys);
    }

    @Override
    public void close() {
      meters.close();
    }
  }
}
