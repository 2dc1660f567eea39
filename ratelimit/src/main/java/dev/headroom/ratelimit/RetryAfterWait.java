package dev.headroom.ratelimit;

import dev.headroom.core.time.Cancellable;
import dev.headroom.core.time.TimeSource;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/**
 * One wait for permits: checks, and after each denial schedules the next check on the limiter's
 * time source at the denial's retry-after, until a check is allowed or the next one would fall past
 * the deadline. No thread waits and nothing spins; with a manual time source the retries run as the
 * test advances time. Cancelling the result cancels the pending retry.
 */
final class RetryAfterWait {

  private final RateLimiter limiter;
  private final TimeSource time;
  private final String key;
  private final long permits;
  private final long deadline;
  private final CompletableFuture<Decision> result = new CompletableFuture<>();
  private volatile @Nullable Cancellable pending;

  private RetryAfterWait(
      RateLimiter limiter, TimeSource time, String key, long permits, long timeoutNanos) {
    this.limiter = limiter;
    this.time = time;
    this.key = key;
    this.permits = permits;
    this.deadline = time.nanoTime() + Math.min(timeoutNanos, Long.MAX_VALUE / 4);
  }

  /**
   * Starts waiting for {@code permits} of {@code key}, at most {@code timeoutNanos} on {@code
   * time}.
   */
  static CompletableFuture<Decision> start(
      RateLimiter limiter, TimeSource time, String key, long permits, long timeoutNanos) {
    RetryAfterWait wait = new RetryAfterWait(limiter, time, key, permits, timeoutNanos);
    // The stage whenComplete returns only mirrors result.
    var unused = wait.result.whenComplete((d, failure) -> wait.cancelPending());
    wait.attempt();
    return wait.result;
  }

  private void attempt() {
    if (result.isDone()) {
      return;
    }
    CompletableFuture<Decision> decision;
    try {
      decision = limiter.tryAcquireAsync(key, permits);
    } catch (RuntimeException e) { // closed meanwhile: the wait ends with it
      result.completeExceptionally(e);
      return;
    }
    // decided() fails the wait on any error of its own, so the stage whenComplete returns carries
    // nothing.
    var unused = decision.whenComplete(this::decided);
  }

  /** The limiter answered: the wait ends, or the next check is scheduled at the retry-after. */
  private void decided(@Nullable Decision d, @Nullable Throwable failure) {
    if (failure != null) {
      result.completeExceptionally(failure);
      return;
    }
    try {
      Decision decision = Objects.requireNonNull(d, "the limiter answered a null decision");
      long wait = Math.max(1, decision.retryAfter().toNanos());
      if (decision.allowed() || time.nanoTime() + wait - deadline > 0) {
        result.complete(decision);
        return;
      }
      pending = time.schedule(this::attempt, wait);
    } catch (RuntimeException e) { // say the time source refuses to schedule: the wait ends with it
      result.completeExceptionally(e);
      return;
    }
    if (result.isDone()) {
      cancelPending();
    }
  }

  private void cancelPending() {
    Cancellable c = pending;
    if (c != null) {
      c.cancel();
    }
  }
}
