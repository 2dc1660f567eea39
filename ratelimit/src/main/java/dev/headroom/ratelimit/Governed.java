package dev.headroom.ratelimit;

import dev.headroom.core.health.Health;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/** Wraps a backend: applies shadow mode and counts decisions by outcome, identically for every backend. */
final class Governed implements RateLimiter {

  private final RateLimiter backend;
  private final RateLimitPolicy policy;
  private final boolean shadow;
  private final @Nullable Counter allowed;
  private final @Nullable Counter denied;
  private final @Nullable Counter shadowDenied;

  private Governed(RateLimiter backend, @Nullable MeterRegistry registry) {
    this.backend = backend;
    this.policy = backend.policy();
    this.shadow = policy.shadow();
    if (registry == null) {
      this.allowed = null;
      this.denied = null;
      this.shadowDenied = null;
    } else {
      this.allowed = counter(registry, "allowed");
      this.denied = counter(registry, "denied");
      this.shadowDenied = counter(registry, "shadow_denied");
    }
  }

  static RateLimiter wrap(RateLimiter backend, RateLimiterOptions options) {
    return new Governed(backend, options.meterRegistry().orElse(null));
  }

  private Counter counter(MeterRegistry registry, String outcome) {
    return Counter.builder("headroom.ratelimit.decisions").description("Rate-limit decisions by outcome")
        .tag("policy", policy.name()).tag("outcome", outcome).register(registry);
  }

  @Override
  public RateLimitPolicy policy() {
    return policy;
  }

  @Override
  public Decision tryAcquire(String key, long permits) {
    return record(backend.tryAcquire(key, permits));
  }

  @Override
  public CompletableFuture<Decision> tryAcquireAsync(String key, long permits) {
    return backend.tryAcquireAsync(key, permits).thenApply(this::record);
  }

  private Decision record(Decision d) {
    Decision out = shadow ? d.asShadow() : d;
    if (allowed != null) {
      (out.shadowDenied() ? shadowDenied : out.allowed() ? allowed : denied).increment();
    }
    return out;
  }

  @Override
  public Health health() {
    return backend.health();
  }

  @Override
  public String toString() {
    return backend.toString();
  }
}
