package dev.headroom.core.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;
import java.util.function.ToLongFunction;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;

/**
 * The meters of one named instance: it knows the registry (or none), the instance tag that every
 * meter carries, and every meter registered through it, so {@link #close()} removes exactly those
 * from the registry. Every module binds its meters this way, so closing an instance never leaves a
 * gauge behind that keeps it reachable or reads a dead object.
 *
 * <p>Without a registry ({@link #none}) nothing is registered and {@link #enabled()} is false, so a
 * primitive can skip its metering on the hot path at no cost. Two live instances must not share a
 * kind and name in one registry: Micrometer would hand the second the first one's meters, so
 * registries refuse that (see {@code Registry}). Thread-safe.
 *
 * <p><b>Meters that read an object hold it strongly.</b> Micrometer keeps the object of a gauge,
 * function counter or function timer only weakly, so a meter over an object nothing else holds (a
 * reading helper, a lambda's target, a {@code LongAdder} kept only for the meter) reads NaN or
 * freezes after the first garbage collection. Register those through {@link #gauge}, {@link
 * #functionCounter} and {@link #functionTimer}: the registered meter holds its object strongly
 * until {@link #close()} removes it, so the object lives exactly as long as its meter is published.
 */
public final class InstanceMeters implements AutoCloseable {

  /**
   * The object Micrometer holds weakly for function counters and timers: a class constant, never
   * collected; the meter's function holds the object it reads.
   */
  private static final Object ALWAYS_REACHABLE = new Object();

  private final @Nullable MeterRegistry registry;
  private final Tags tags;
  private final List<Meter> meters = new ArrayList<>();

  private InstanceMeters(@Nullable MeterRegistry registry, Tags tags) {
    this.registry = registry;
    this.tags = tags;
  }

  /**
   * Meters for the instance {@code name} of the kind whose tag key is {@code tagKey} (one of the
   * {@code TAG_*} instance keys of {@link HeadroomMeters}); none are registered if {@code registry}
   * is null.
   */
  public static InstanceMeters of(@Nullable MeterRegistry registry, String tagKey, String name) {
    Objects.requireNonNull(tagKey, "tagKey");
    Objects.requireNonNull(name, "name");
    return new InstanceMeters(registry, Tags.of(tagKey, name));
  }

  /**
   * Meters without an instance tag, for a kind that allows one live instance per registry (such as
   * the HTTP request meters); none are registered if {@code registry} is null.
   */
  public static InstanceMeters untagged(@Nullable MeterRegistry registry) {
    return new InstanceMeters(registry, Tags.empty());
  }

  /** Meters that register nothing. */
  public static InstanceMeters none() {
    return new InstanceMeters(null, Tags.empty());
  }

  /** Whether meters are registered at all. */
  public boolean enabled() {
    return registry != null;
  }

  /** The registry, or null. */
  public @Nullable MeterRegistry registry() {
    return registry;
  }

  /** The instance tag, to add to every meter's builder. */
  public Tags tags() {
    return tags;
  }

  /** The instance tag plus {@code more} (key, value pairs). */
  public Tags tags(String... more) {
    return tags.and(more);
  }

  /** The instance tag plus {@code more}. */
  public Tags tags(Iterable<Tag> more) {
    return tags.and(more);
  }

  /**
   * Registers a meter: {@code register} is given the registry and answers the meter it built (for
   * example {@code r -> Counter.builder(NAME).tags(meters.tags()).register(r)}), which is
   * remembered for {@link #close()}. Answers null if there is no registry.
   *
   * <p>For meters that read an object (gauges, function counters and timers) use {@link #gauge},
   * {@link #functionCounter} or {@link #functionTimer}, which hold that object strongly; built
   * here, Micrometer would hold it weakly.
   */
  public <M extends Meter> @Nullable M register(Function<MeterRegistry, M> register) {
    MeterRegistry r = registry;
    if (r == null) {
      return null;
    }
    M meter = register.apply(r);
    synchronized (meters) {
      meters.add(meter);
    }
    return meter;
  }

  /**
   * Registers the gauge {@code name} reading {@code value} of {@code obj}, with the instance tag,
   * whatever {@code options} adds (description, unit, more tags) and a strong reference to {@code
   * obj}, so it reads {@code obj} until {@link #close()} even if nothing else holds it. Answers
   * null if there is no registry.
   */
  public <T> @Nullable Gauge gauge(
      String name, T obj, ToDoubleFunction<T> value, UnaryOperator<Gauge.Builder<T>> options) {
    Objects.requireNonNull(obj, "obj");
    return register(
        r ->
            options
                .apply(Gauge.builder(name, obj, value).tags(tags))
                .strongReference(true)
                .register(r));
  }

  /**
   * Registers the function counter {@code name} reading {@code count} of {@code obj}, with the
   * instance tag and whatever {@code options} adds; the counter holds {@code obj} strongly (a
   * Micrometer function counter holds its object weakly and has no option to change that, so the
   * object it is given is one that is always reachable, and {@code obj} is held by the function).
   * Answers null if there is no registry.
   */
  public <T> @Nullable FunctionCounter functionCounter(
      String name,
      T obj,
      ToDoubleFunction<T> count,
      UnaryOperator<FunctionCounter.Builder<Object>> options) {
    Objects.requireNonNull(obj, "obj");
    Objects.requireNonNull(count, "count");
    return register(
        r ->
            options
                .apply(
                    FunctionCounter.builder(name, ALWAYS_REACHABLE, a -> count.applyAsDouble(obj))
                        .tags(tags))
                .register(r));
  }

  /**
   * Registers the function timer {@code name} reading {@code count} and {@code totalTime} (in
   * {@code unit}) of {@code obj}, with the instance tag and whatever {@code options} adds; it holds
   * {@code obj} strongly, as {@link #functionCounter} does. Answers null if there is no registry.
   */
  public <T> @Nullable FunctionTimer functionTimer(
      String name,
      T obj,
      ToLongFunction<T> count,
      ToDoubleFunction<T> totalTime,
      TimeUnit unit,
      UnaryOperator<FunctionTimer.Builder<Object>> options) {
    Objects.requireNonNull(obj, "obj");
    Objects.requireNonNull(count, "count");
    Objects.requireNonNull(totalTime, "totalTime");
    return register(
        r ->
            options
                .apply(
                    FunctionTimer.builder(
                            name,
                            ALWAYS_REACHABLE,
                            a -> count.applyAsLong(obj),
                            a -> totalTime.applyAsDouble(obj),
                            unit)
                        .tags(tags))
                .register(r));
  }

  /** Removes every meter registered through this object from the registry. Idempotent. */
  @Override
  public void close() {
    MeterRegistry r = registry;
    if (r == null) {
      return;
    }
    List<Meter> toRemove;
    synchronized (meters) {
      toRemove = new ArrayList<>(meters);
      meters.clear();
    }
    for (Meter m : toRemove) {
      r.remove(m);
    }
  }
}
