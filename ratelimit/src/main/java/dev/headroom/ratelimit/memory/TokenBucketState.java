package dev.headroom.ratelimit.memory;

import dev.headroom.ratelimit.Decision;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.TimeMeter;
import io.github.bucket4j.VerboseResult;
import io.github.bucket4j.local.LocalBucketBuilder;

/**
 * A token bucket per key, delegated to a Bucket4j local lock-free bucket with one greedy-refill
 * bandwidth per limit (capacity {@code limit}, refilled at {@code limit} per {@code window}); a
 * bucket with several bandwidths consumes from all or none.
 */
final class TokenBucketState extends KeyState {

  private final Bucket bucket;

  TokenBucketState(InMemoryRateLimiter ctx) {
    LocalBucketBuilder builder = Bucket.builder();
    for (int i = 0; i < ctx.permits.length; i++) {
      long l = ctx.permits[i];
      long w = ctx.windowNanos[i];
      builder.addLimit(
          limit ->
              limit.capacity(l).refillGreedy(l, java.time.Duration.ofNanos(w)).initialTokens(l));
    }
    this.bucket = builder.withCustomTimePrecision(new Meter(ctx)).build();
  }

  /**
   * Bucket4j rounds its wait down by up to a nanosecond; one more makes the retry-after sufficient.
   */
  @Override
  Decision decide(long permits, long now, InMemoryRateLimiter ctx) {
    ReportedLimit b = new ReportedLimit();
    if (ctx.permits.length == 1) {
      ConsumptionProbe p = bucket.tryConsumeAndReturnRemaining(permits);
      if (p.isConsumed()) {
        b.allowedCandidate(0, p.getRemainingTokens(), p.getNanosToWaitForReset());
      } else {
        b.deniedCandidate(
            0, p.getRemainingTokens(), p.getNanosToWaitForReset(), p.getNanosToWaitForRefill() + 1);
      }
      return ctx.decision(b, now);
    }
    VerboseResult<ConsumptionProbe> r = bucket.asVerbose().tryConsumeAndReturnRemaining(permits);
    ConsumptionProbe p = r.getValue();
    for (int i = 0; i < ctx.permits.length; i++) {
      long l = ctx.permits[i];
      long w = ctx.windowNanos[i];
      long tokens = r.getState().getCurrentSize(i);
      long toFull = ceilDiv((l - tokens) * (double) w, l);
      if (p.isConsumed()) {
        b.allowedCandidate(i, tokens, toFull);
      } else if (tokens < permits) {
        b.deniedCandidate(i, tokens, toFull, ceilDiv((permits - tokens) * (double) w, l));
      }
    }
    if (b.denied) {
      b.retryAfter = Math.max(b.retryAfter, p.getNanosToWaitForRefill() + 1);
    }
    return ctx.decision(b, now);
  }

  private static long ceilDiv(double a, long b) {
    return (long) Math.ceil(a / b);
  }

  /** Bucket4j's clock, read from the limiter's time source. */
  private static final class Meter implements TimeMeter {
    private final InMemoryRateLimiter ctx;

    Meter(InMemoryRateLimiter ctx) {
      this.ctx = ctx;
    }

    @Override
    public long currentTimeNanos() {
      return ctx.nanoTime();
    }

    @Override
    public boolean isWallClockBased() {
      return false;
    }
  }
}
