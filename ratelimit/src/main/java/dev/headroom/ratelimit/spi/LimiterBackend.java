package dev.headroom.ratelimit.spi;

import dev.headroom.core.health.Health;
import dev.headroom.ratelimit.Decision;
import java.util.concurrent.CompletableFuture;

/**
 * What a backend (memory, Redis) does: decide. Everything else a {@code RateLimiter} promises
 * (argument checks, shadow mode, decision meters, waiting for permits, closing) is added once, the
 * same way for every backend, by {@link dev.headroom.ratelimit.RateLimiters}. Not exported: users
 * never implement or name it.
 */
public interface LimiterBackend extends AutoCloseable {

  /**
   * Takes {@code permits} for {@code key} if every limit allows them now; never waits beyond one
   * backend decision. The arguments were checked by the caller (key non-empty, permits from 1 to
   * the smallest limit).
   */
  Decision tryAcquire(String key, long permits);

  /** One permit; see {@link #tryAcquire(String, long)}. */
  default Decision tryAcquire(String key) {
    return tryAcquire(key, 1);
  }

  /** Like {@link #tryAcquire}, without blocking; the future never fails for a backend outage. */
  CompletableFuture<Decision> tryAcquireAsync(String key, long permits);

  /** The backend's health; never blocks. */
  Health health();

  /**
   * Releases what the backend holds (its keys' state, its deny cache); never the shared connector.
   */
  @Override
  void close();
}
