package dev.headroom.ratelimit;

import dev.headroom.core.concurrent.Failures;
import dev.headroom.core.health.HealthCheck;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * A named, keyed rate limiter: each key (an IP, a user id, an endpoint…) has its own budget under
 * the limiter's {@link RateLimiterConfig}. Make one with {@link RateLimiters} or get a named one
 * from a {@link RateLimiterRegistry}.
 *
 * <p>Checks return a {@link Decision} rather than throwing when denied. A request for several
 * permits, and a configuration with several limits, is all or nothing: a denied request consumes
 * nothing. Arguments are checked on every call: a null key fails with {@link NullPointerException},
 * an empty key or a permit count below 1 or above the smallest limit with {@link
 * IllegalArgumentException}, each naming the limiter. Thread-safe. {@link #close()} removes its
 * meters and drops its state; a closed limiter refuses calls with {@link IllegalStateException}.
 */
public interface RateLimiter extends HealthCheck, AutoCloseable {

  /** The limiter's name: its meter tag, its health name, and part of its Redis keys. */
  @Override
  String name();

  /** The configuration this limiter enforces. */
  RateLimiterConfig config();

  /** Takes one permit for {@code key} if the limits allow it now; never waits. */
  default Decision tryAcquire(String key) {
    return tryAcquire(key, 1);
  }

  /**
   * Takes {@code permits} permits for {@code key} if the limits allow all of them now; never waits
   * beyond one backend decision (bounded by the configured Redis timeout on Redis).
   */
  Decision tryAcquire(String key, long permits);

  /**
   * Like {@link #tryAcquire(String, long)}, without blocking the caller; the future never fails for
   * a Redis outage.
   */
  CompletableFuture<Decision> tryAcquireAsync(String key, long permits);

  /** Like {@link #acquire(String, long, Duration)} for one permit. */
  default Decision acquire(String key, Duration timeout) {
    return acquire(key, 1, timeout);
  }

  /**
   * Takes {@code permits} for {@code key}, waiting (parked, never spinning) until the limits allow
   * them or {@code timeout} has passed on the configured {@link RateLimiterConfig#timeSource()}.
   * Returns at once with the denial when the decision's retry-after already exceeds what is left of
   * the timeout. If the thread is interrupted while waiting, it keeps its interrupt flag and gets
   * the result of one last check.
   */
  default Decision acquire(String key, long permits, Duration timeout) {
    CompletableFuture<Decision> f = acquireAsync(key, permits, timeout);
    try {
      return f.get();
    } catch (InterruptedException e) {
      f.cancel(false);
      Thread.currentThread().interrupt();
      return tryAcquire(key, permits);
    } catch (ExecutionException e) {
      Throwable cause = Failures.unwrap(e);
      if (cause instanceof Error err) {
        throw err;
      }
      throw cause instanceof RuntimeException re ? re : new IllegalStateException(cause);
    }
  }

  /**
   * Like {@link #acquire(String, long, Duration)}, without blocking the caller: the future
   * completes with the first allowed decision, or with the last denial once waiting longer would
   * pass {@code timeout}. Each retry is a timer of the configured time source, fired after the
   * previous denial's retry-after. Cancelling the future stops the retries.
   */
  CompletableFuture<Decision> acquireAsync(String key, long permits, Duration timeout);

  /**
   * Removes this limiter's meters and drops its state (never the shared Redis connector).
   * Idempotent.
   */
  @Override
  void close();
}
