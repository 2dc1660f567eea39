package dev.headroom.ratelimit.memory;

import dev.headroom.ratelimit.Decision;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.BucketState;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.TimeMeter;
import io.github.bucket4j.VerboseResult;
import io.github.bucket4j.local.LocalBucketBuilder;
import java.math.BigInteger;

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
    BucketState state = r.getState();
    for (int i = 0; i < ctx.permits.length; i++) {
      long l = ctx.permits[i];
      long w = ctx.windowNanos[i];
      // Bucket4j holds tokens + roundingError / w exactly (l tokens are added per w nanoseconds):
      // waits come from that, not from the whole tokens, which would overstate them by up to one
      // token's period
      long tokens = state.getCurrentSize(i);
      long fraction = state.getRoundingError(i);
      long toFull = nanosFor(l - tokens, w, fraction, l);
      if (p.isConsumed()) {
        b.allowedCandidate(i, tokens, toFull);
      } else if (tokens < permits) {
        b.deniedCandidate(i, tokens, toFull, nanosFor(permits - tokens, w, fraction, l));
      }
    }
    return ctx.decision(b, now);
  }

  /**
   * The nanoseconds until a bucket refilled at {@code l} tokens per {@code w} nanoseconds, which
   * holds {@code fraction / w} of a token beyond its whole ones, has {@code tokens} more whole
   * tokens: {@code ceil((tokens * w - fraction) / l)}, exactly (the product may exceed a long).
   */
  static long nanosFor(long tokens, long w, long fraction, long l) {
    if (tokens <= 0) {
      return 0;
    }
    long high = Math.multiplyHigh(tokens, w);
    long low = tokens * w;
    if (high == 0 && low >= 0) {
      long n = low - fraction;
      return n <= 0 ? 0 : -Math.floorDiv(-n, l);
    }
    BigInteger[] qr =
        BigInteger.valueOf(tokens)
            .multiply(BigInteger.valueOf(w))
            .subtract(BigInteger.valueOf(fraction))
            .divideAndRemainder(BigInteger.valueOf(l));
    return qr[0].add(qr[1].signum() > 0 ? BigInteger.ONE : BigInteger.ZERO).longValueExact();
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
