package dev.headroom.ratelimit;

import static dev.headroom.core.metrics.HeadroomMeters.OUTCOME_ALLOWED;
import static dev.headroom.core.metrics.HeadroomMeters.OUTCOME_DENIED;
import static dev.headroom.core.metrics.HeadroomMeters.OUTCOME_SHADOW_DENIED;
import static dev.headroom.core.metrics.HeadroomMeters.RATELIMIT_DECISIONS;
import static dev.headroom.core.metrics.HeadroomMeters.TAG_LIMITER;
import static dev.headroom.core.metrics.HeadroomMeters.TAG_RESULT;

import dev.headroom.core.config.Require;
import dev.headroom.core.health.Health;
import dev.headroom.core.key.InvalidKeyException;
import dev.headroom.core.metrics.InstanceMeters;
import dev.headroom.ratelimit.spi.LimiterBackend;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The limiter every factory returns, over any {@link LimiterBackend}: checks each call's arguments,
 * applies shadow mode, counts decisions by outcome, waits for permits on the configured time source
 * ({@link RetryAfterWait}), and on close removes its meters and closes the backend. So these behave
 * identically on every backend.
 */
final class MeteredRateLimiter implements RateLimiter {

  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

  private final String name;
  private final RateLimiterConfig config;
  private final long smallestPermits;
  private final boolean slidingLog;
  private final boolean shadow;
  private final InstanceMeters meters;
  private final @Nullable Counter allowed;
  private final @Nullable Counter denied;
  private final @Nullable Counter shadowDenied;
  private final LimiterBackend backend;
  private volatile boolean closed;

  private MeteredRateLimiter(
      String name,
      RateLimiterConfig config,
      InstanceMeters meters,
      Function<InstanceMeters, LimiterBackend> backend) {
    this.name = name;
    this.config = config;
    this.smallestPermits = config.policy().smallestPermits();
    this.slidingLog = config.algorithm() == Algorithm.SLIDING_LOG;
    this.shadow = config.shadow();
    this.meters = meters;
    this.allowed = counter(OUTCOME_ALLOWED);
    this.denied = counter(OUTCOME_DENIED);
    this.shadowDenied = counter(OUTCOME_SHADOW_DENIED);
    this.backend = backend.apply(meters);
  }

  /**
   * A limiter named {@code name} over the backend {@code backend} makes (given the meters it may
   * bind its own to).
   *
   * @throws IllegalArgumentException if the name breaks its rule, or a live limiter of that name is
   *     already bound to the configured meter registry
   */
  static RateLimiter create(
      String name, RateLimiterConfig config, Function<InstanceMeters, LimiterBackend> backend) {
    checkName(name);
    Require.nonNull("config", config);
    MeterRegistry registry = config.meterRegistry().orElse(null);
    if (registry == null) {
      return new MeteredRateLimiter(name, config, InstanceMeters.none(), backend);
    }
    InstanceMeters meters = InstanceMeters.of(registry, TAG_LIMITER, name);
    synchronized (registry) {
      Require.that(
          registry.find(RATELIMIT_DECISIONS).tag(TAG_LIMITER, name).counter() == null,
          "name",
          "'" + name + "'",
          "be unique among the live rate limiters of one MeterRegistry (close the other one first)");
      try {
        return new MeteredRateLimiter(name, config, meters, backend);
      } catch (RuntimeException | Error e) {
        meters.close();
        throw e;
      }
    }
  }

  /** Checks a limiter name: it appears in Redis keys and meter tags. */
  static String checkName(String name) {
    Require.nonNull("name", name);
    Require.that(
        NAME.matcher(name).matches(),
        "name",
        "'" + name + "'",
        "be 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit");
    return name;
  }

  private @Nullable Counter counter(String outcome) {
    return meters.register(
        r ->
            Counter.builder(RATELIMIT_DECISIONS)
                .description("Rate-limit decisions by outcome")
                .tags(meters.tags(TAG_RESULT, outcome))
                .register(r));
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public RateLimiterConfig config() {
    return config;
  }

  @Override
  public Decision tryAcquire(String key, long permits) {
    checkRequest(key, permits);
    return record(backend.tryAcquire(key, permits));
  }

  @Override
  public CompletableFuture<Decision> tryAcquireAsync(String key, long permits) {
    checkRequest(key, permits);
    return backend.tryAcquireAsync(key, permits).thenApply(this::record);
  }

  @Override
  public CompletableFuture<Decision> acquireAsync(String key, long permits, Duration timeout) {
    checkRequest(key, permits);
    if (Require.nonNull("timeout", timeout).isNegative()) {
      throw new IllegalArgumentException(prefix() + "timeout must not be negative, was " + timeout);
    }
    return RetryAfterWait.start(this, config.timeSource(), key, permits, timeout.toNanos());
  }

  private Decision record(Decision d) {
    Decision out = shadow ? d.asShadow() : d;
    Counter counter = out.shadowDenied() ? shadowDenied : out.allowed() ? allowed : denied;
    if (counter != null) {
      counter.increment();
    }
    return out;
  }

  private void checkRequest(String key, long permits) {
    if (closed) {
      throw new IllegalStateException("rate limiter '" + name + "' is closed");
    }
    if (key == null) {
      throw new NullPointerException(prefix() + "key must not be null");
    }
    if (key.isEmpty()) {
      throw new IllegalArgumentException(prefix() + "key must not be empty");
    }
    checkSurrogates(key);
    if (permits < 1) {
      throw new IllegalArgumentException(prefix() + "permits must be at least 1, was " + permits);
    }
    if (slidingLog && permits > RateLimitPolicy.MAX_SLIDING_LOG_PERMITS) {
      throw new IllegalArgumentException(
          prefix()
              + "permits must be at most "
              + RateLimitPolicy.MAX_SLIDING_LOG_PERMITS
              + " for the sliding log (it stores one entry per permit), was "
              + permits
              + "; use the sliding counter or the token bucket for large requests");
    }
    if (permits > smallestPermits) {
      throw new IllegalArgumentException(
          prefix()
              + "permits must not exceed the smallest limit ("
              + smallestPermits
              + "), was "
              + permits
              + "; such a request could never be granted");
    }
  }

  /**
   * Refuses a key with an unpaired UTF-16 surrogate: UTF-8 has no encoding for it (Redis would see
   * '?'), so two such keys would share one budget.
   */
  private void checkSurrogates(String key) {
    for (int i = 0; i < key.length(); i++) {
      char c = key.charAt(i);
      if (Character.isSurrogate(c)) {
        if (Character.isHighSurrogate(c)
            && i + 1 < key.length()
            && Character.isLowSurrogate(key.charAt(i + 1))) {
          i++;
          continue;
        }
        throw new InvalidKeyException(
            prefix()
                + "key must be well-formed UTF-16, found an unpaired surrogate U+"
                + String.format("%04X", (int) c)
                + " at index "
                + i);
      }
    }
  }

  private String prefix() {
    return "rate limiter '" + name + "': ";
  }

  @Override
  public Health health() {
    return backend.health();
  }

  @Override
  public synchronized void close() {
    if (!closed) {
      closed = true;
      meters.close();
      backend.close();
    }
  }

  @Override
  public String toString() {
    return "RateLimiter[" + name + ", " + backend + "]";
  }
}
