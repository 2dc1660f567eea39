package dev.headroom.cdn;

import dev.headroom.core.metrics.HeadroomMeters;
import dev.headroom.core.metrics.InstanceMeters;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The outcome counters of one signed-URL verifier ({@code headroom.cdn.verifications}, tagged
 * {@code verifier} and {@code result}), shared by {@link HmacVerifier} and {@link AkamaiVerifier}.
 * Without a registry nothing is registered and {@link #count} costs one null check.
 */
final class VerificationMeters implements AutoCloseable {

  private final InstanceMeters meters;
  private final @Nullable Map<Verification.Status, Counter> outcomes;

  VerificationMeters(@Nullable MeterRegistry registry, String verifierName) {
    this.meters = InstanceMeters.of(registry, HeadroomMeters.TAG_VERIFIER, verifierName);
    if (!meters.enabled()) {
      this.outcomes = null;
      return;
    }
    Map<Verification.Status, Counter> counters = new EnumMap<>(Verification.Status.class);
    for (Verification.Status status : Verification.Status.values()) {
      Counter counter =
          meters.register(
              r ->
                  Counter.builder(HeadroomMeters.CDN_VERIFICATIONS)
                      .description("Signed URLs checked, by outcome")
                      .tags(
                          meters.tags(
                              HeadroomMeters.TAG_RESULT, status.name().toLowerCase(Locale.ROOT)))
                      .register(r));
      if (counter != null) {
        counters.put(status, counter);
      }
    }
    this.outcomes = counters;
  }

  /** Counts {@code verification}'s outcome and answers it. */
  Verification count(Verification verification) {
    if (outcomes != null) {
      Counter counter = outcomes.get(verification.status());
      if (counter != null) {
        counter.increment();
      }
    }
    return verification;
  }

  /** Removes the counters from the registry. Idempotent. */
  @Override
  public void close() {
    meters.close();
  }
}
