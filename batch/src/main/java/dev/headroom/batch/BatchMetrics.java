package dev.headroom.batch;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/** The batcher's meters, or nothing at all when no registry is given. */
interface BatchMetrics {

  /** Whether meters are kept: when not, callers skip reading the time for them. */
  boolean enabled();

  void dispatched(int keys, long lingerNanos);

  void loaderTime(long nanos);

  void rejected();

  void failed(int keys, String kind);

  void retried(int keys);

  static BatchMetrics create(@Nullable MeterRegistry registry, Batcher<?, ?> batcher) {
    return registry == null ? Noop.INSTANCE : new Micrometer(registry, batcher);
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
  }

  final class Micrometer implements BatchMetrics {
    private final MeterRegistry registry;
    private final Tags tags;
    private final DistributionSummary size;
    private final Timer linger;
    private final Timer loader;
    private final Counter rejected;
    private final Counter retries;

    Micrometer(MeterRegistry registry, Batcher<?, ?> batcher) {
      this.registry = registry;
      this.tags = Tags.of("name", batcher.name());
      this.size = DistributionSummary.builder("headroom.batch.size").description("keys per loader call")
          .baseUnit("keys").tags(tags).publishPercentileHistogram().register(registry);
      this.linger = Timer.builder("headroom.batch.linger").description("time from a window's first key to its dispatch")
          .tags(tags).register(registry);
      this.loader = Timer.builder("headroom.batch.loader").description("duration of loader calls")
          .tags(tags).register(registry);
      this.rejected = Counter.builder("headroom.batch.rejected").description("loads refused because the batcher was full")
          .tags(tags).register(registry);
      this.retries = Counter.builder("headroom.batch.retries").description("keys reloaded after a failure")
          .tags(tags).register(registry);
      Gauge.builder("headroom.batch.pending", batcher, Batcher::pendingKeys).description("keys accepted and not yet answered")
          .tags(tags).register(registry);
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
      // One counter per failure kind (loader, key, timeout, missing); registered on first use.
      Counter.builder("headroom.batch.errors").description("keys answered with an error")
          .tags(tags).tag("kind", kind).register(registry).increment(keys);
    }

    @Override
    public void retried(int keys) {
      retries.increment(keys);
    }
  }
}
