package dev.headroom.cache.redis;

import dev.headroom.core.concurrent.Failures;
import dev.headroom.core.health.Outage;
import dev.headroom.core.redis.RedisConnector;
import dev.headroom.core.time.TimeSource;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.LongAdder;
import org.jspecify.annotations.Nullable;

/**
 * How the Redis tier of one cache sends a command and accounts for its outcome: the circuit breaker
 * asked first ({@link #allow()}, a refusal counted as skipped), bounded waits on the caller's
 * thread, and {@link #record} of every outcome. Every failure counts as an L2 error, but only
 * unavailability (a lost connection, a timeout) feeds the breaker and the {@link Outage}: an error
 * reply (OOM, WRONGTYPE, a script error) proves Redis is there, and opening the breaker on it would
 * take L2 away from every key. Nothing here throws because of Redis. Thread-safe.
 */
final class RedisCalls {

  private final CircuitBreaker breaker;
  private final Outage outage;
  private final Duration timeout;
  private final long timeoutNanos;
  private final LongAdder errors = new LongAdder();
  private final LongAdder skipped = new LongAdder();
  private volatile boolean answered;

  RedisCalls(
      String cacheName,
      Duration timeout,
      int breakerFailures,
      Duration breakerOpen,
      TimeSource time,
      CircuitBreaker.Listener listener) {
    this.timeout = timeout;
    this.timeoutNanos = timeout.toNanos();
    this.outage = new Outage("cache '" + cacheName + "': Redis L2", time);
    this.breaker = new CircuitBreaker(breakerFailures, breakerOpen.toNanos(), time, listener);
  }

  /** Whether a command may be sent now; a refusal is counted as skipped. */
  boolean allow() {
    if (breaker.allow()) {
      return true;
    }
    skipped.increment();
    return false;
  }

  /** Records a command's outcome: null for success. */
  void record(@Nullable Throwable failure) {
    if (failure == null) {
      succeeded();
      return;
    }
    Throwable cause = Failures.unwrap(failure);
    if (cause instanceof TimeoutException) {
      timedOut();
      return;
    }
    errors.increment();
    if (RedisConnector.isUnavailability(cause)) {
      outage.unavailable(cause);
      breaker.onFailure();
    }
  }

  void succeeded() {
    breaker.onSuccess();
    outage.available();
    if (!answered) {
      answered = true;
    }
  }

  /** Forgets that Redis answered: the invalidation channel went down. */
  void forgetAnswers() {
    answered = false;
  }

  /** Whether a command succeeded since {@link #forgetAnswers()} (or since the start). */
  boolean answeredSinceChannelDown() {
    return answered;
  }

  /**
   * Records that Redis could not be reached for something other than a command (a subscription).
   */
  void unavailable(Throwable cause) {
    outage.unavailable(cause);
  }

  /** Records a command that did not answer within the timeout. */
  void timedOut() {
    errors.increment();
    outage.unavailable(new TimeoutException("no answer within " + timeout));
    breaker.onFailure();
  }

  /**
   * Waits at most the timeout for a future that records its own outcome, so records nothing itself.
   */
  <T> @Nullable T await(CompletableFuture<T> f, @Nullable T onTimeout) {
    try {
      return f.get(timeoutNanos, TimeUnit.NANOSECONDS);
    } catch (TimeoutException | ExecutionException e) {
      return onTimeout;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return onTimeout;
    }
  }

  /** Waits at most the timeout for a future and records its outcome; null on any failure. */
  <T> @Nullable T awaitRecorded(CompletableFuture<T> f) {
    Object[] out = new Object[1];
    if (!awaitInto(f, out)) {
      return null;
    }
    @SuppressWarnings("unchecked")
    T t = (T) out[0];
    return t;
  }

  /**
   * Like {@link #awaitRecorded} for a future whose answer may be null: answers whether it answered.
   */
  boolean awaitInto(CompletableFuture<?> f, Object[] out) {
    try {
      out[0] = f.get(timeoutNanos, TimeUnit.NANOSECONDS);
      succeeded();
      return true;
    } catch (TimeoutException e) {
      timedOut();
      return false;
    } catch (ExecutionException e) {
      record(e.getCause() == null ? e : e.getCause());
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  long timeoutNanos() {
    return timeoutNanos;
  }

  CircuitBreaker.State breakerState() {
    return breaker.state();
  }

  /** Adds the outage's start and last error while one is open. */
  void addTo(Map<String, Object> details) {
    outage.addTo(details);
  }

  long errors() {
    return errors.sum();
  }

  long skipped() {
    return skipped.sum();
  }
}
