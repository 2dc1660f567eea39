package dev.headroom.ratelimit;

import dev.headroom.core.health.HealthCheck;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * A rate limiter for one {@link RateLimitPolicy}, keyed: each key (an IP, a user id, an endpoint…)
 * has its own budget. Create one with {@link RateLimiters} or get a named one from a
 * {@link RateLimiterRegistry}.
 *
 * <p>Checks return a {@link Decision} rather than throwing when denied. A request for several
 * permits, and a policy with several limits, is all or nothing: a denied request consumes nothing.
 * Arguments are checked on every call: a null key fails with {@link NullPointerException}, an
 * empty key or a permit count below 1 or above the policy's smallest limit with
 * {@link IllegalArgumentException}, each naming the policy. Thread-safe.
 */
public interface RateLimiter extends HealthCheck {

  /** The policy this limiter enforces. */
  RateLimitPolicy policy();

  /** {@code ratelimit:<policy name>}, the name this limiter reports its health under. */
  @Override
  default String name() {
    return "ratelimit:" + policy().name();
  }

  /** Takes one permit for {@code key} if the policy allows it now; never waits. */
  default Decision tryAcquire(String key) {
    return tryAcquire(key, 1);
  }

  /**
   * Takes {@code permits} permits for {@code key} if the policy allows all of them now; never
   * waits beyond one backend decision (bounded by the policy's Redis timeout on Redis).
   */
  Decision tryAcquire(String key, long permits);

  /** Like {@link #tryAcquire(String, long)}, without blocking the caller; the future never fails for a Redis outage. */
  CompletableFuture<Decision> tryAcquireAsync(String key, long permits);

  /** Like {@link #acquire(String, long, Duration)} for one permit. */
  default Decision acquire(String key, Duration timeout) {
    return acquire(key, 1, timeout);
  }

  /**
   * Takes {@code permits} for {@code key}, waiting (parked, never spinning) until the policy
   * allows them or {@code timeout} has passed. Returns at once with the denial when the decision's
   * retry-after already exceeds what is left of the timeout. If the thread is interrupted while
   * waiting, it keeps its interrupt flag and gets the result of one last check.
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
      throw Acquirer.rethrow(e.getCause());
    }
  }

  /**
   * Like {@link #acquire(String, long, Duration)}, without blocking the caller: the future
   * completes with the first allowed decision, or with the last denial once waiting longer would
   * pass {@code timeout}.
   */
  default CompletableFuture<Decision> acquireAsync(String key, long permits, Duration timeout) {
    policy().checkRequest(key, permits);
    return Acquirer.acquire(this, key, permits, timeout);
  }
}
