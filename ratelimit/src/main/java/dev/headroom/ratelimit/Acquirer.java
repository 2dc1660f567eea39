package dev.headroom.ratelimit;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/** Waits for permits by rescheduling a check after each denial's retry-after, without spinning. */
final class Acquirer {

  private Acquirer() {}

  static CompletableFuture<Decision> acquire(RateLimiter limiter, String key, long permits, Duration timeout) {
    Objects.requireNonNull(timeout, "timeout");
    if (timeout.isNegative()) {
      throw new IllegalArgumentException("policy '" + limiter.policy().name() + "': timeout must not be negative, was "
          + timeout);
    }
    long deadline = System.nanoTime() + Math.min(timeout.toNanos(), Long.MAX_VALUE / 4);
    CompletableFuture<Decision> result = new CompletableFuture<>();
    attempt(limiter, key, permits, deadline, result);
    return result;
  }

  private static void attempt(RateLimiter limiter, String key, long permits, long deadline,
      CompletableFuture<Decision> result) {
    if (result.isDone()) {
      return;
    }
    limiter.tryAcquireAsync(key, permits).whenComplete((d, failure) -> {
      if (failure != null) {
        result.completeExceptionally(failure);
        return;
      }
      long wait = Math.max(1, d.retryAfter().toNanos());
      if (d.allowed() || System.nanoTime() + wait - deadline > 0) {
        result.complete(d);
        return;
      }
      Executor later = CompletableFuture.delayedExecutor(wait, TimeUnit.NANOSECONDS);
      later.execute(() -> attempt(limiter, key, permits, deadline, result));
    });
  }

  static RuntimeException rethrow(Throwable t) {
    if (t instanceof RuntimeException re) {
      return re;
    }
    if (t instanceof Error e) {
      throw e;
    }
    return new IllegalStateException(t);
  }
}
