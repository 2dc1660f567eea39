package dev.headroom.core.metrics;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
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
 */
public final class InstanceMeters implements AutoCloseable {

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
   */
  public <M extends Meter> @Nullable M register(
      java.util.function.Function<MeterRegistry, M> register) {
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
