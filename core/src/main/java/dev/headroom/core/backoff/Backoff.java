package dev.headroom.core.backoff;

import java.time.Duration;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.concurrent.ThreadLocalRandom;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;

/**
 * An immutable exponential backoff policy: the delay before retry {@code n} (1-based) is {@code
 * min(cap, base * multiplier^(n-1))}, randomized by a {@link Jitter}, for at most {@link
 * #maxAttempts()} attempts in all (the first try plus {@code maxAttempts - 1} retries).
 *
 * <pre>{@code
 * Backoff backoff = Backoff.exponential(Duration.ofMillis(100), Duration.ofSeconds(30))
 *     .jitter(Jitter.FULL).maxAttempts(5).build();
 * Backoff.Schedule schedule = backoff.schedule();
 * while (!tryIt()) {
 *   OptionalLong delay = schedule.nextDelayMillis();
 *   if (delay.isEmpty()) break;          // give up: attempts exhausted
 *   sleepOrSchedule(delay.getAsLong());
 * }
 * }</pre>
 *
 * <p>The policy is thread-safe and can be shared. Randomness comes from {@link ThreadLocalRandom}
 * unless a generator is given to {@link #schedule(RandomGenerator)} or {@link #delayMillis(int,
 * long, RandomGenerator)}: a seeded generator makes delays deterministic for tests.
 */
public final class Backoff {

  /** Default multiplier between consecutive delays. */
  public static final double DEFAULT_MULTIPLIER = 2.0;

  /** Default number of attempts in all (first try included). */
  public static final int DEFAULT_MAX_ATTEMPTS = 5;

  private final long baseMillis;
  private final long capMillis;
  private final double multiplier;
  private final Jitter jitter;
  private final int maxAttempts;

  private Backoff(Builder b) {
    this.baseMillis = b.baseMillis;
    this.capMillis = b.capMillis;
    this.multiplier = b.multiplier;
    this.jitter = b.jitter;
    this.maxAttempts = b.maxAttempts;
  }

  /**
   * A builder for an exponential backoff from {@code base} up to {@code cap}, with full jitter and
   * {@value #DEFAULT_MAX_ATTEMPTS} attempts unless set otherwise.
   *
   * @throws IllegalArgumentException if {@code base} is not positive or {@code cap < base}
   */
  public static Builder exponential(Duration base, Duration cap) {
    return new Builder(base, cap);
  }

  /** A builder starting from this policy's values. */
  public Builder toBuilder() {
    return new Builder(Duration.ofMillis(baseMillis), Duration.ofMillis(capMillis))
        .multiplier(multiplier)
        .jitter(jitter)
        .maxAttempts(maxAttempts);
  }

  /** The first delay before jitter. */
  public Duration base() {
    return Duration.ofMillis(baseMillis);
  }

  /** The largest delay. */
  public Duration cap() {
    return Duration.ofMillis(capMillis);
  }

  /** Growth factor between delays. */
  public double multiplier() {
    return multiplier;
  }

  /** The jitter kind. */
  public Jitter jitter() {
    return jitter;
  }

  /** Attempts in all, first try included; {@link Integer#MAX_VALUE} means unlimited. */
  public int maxAttempts() {
    return maxAttempts;
  }

  /** Whether another attempt is allowed after {@code attemptsMade} attempts. */
  public boolean canRetry(int attemptsMade) {
    return attemptsMade < maxAttempts;
  }

  /**
   * The delay before jitter for retry {@code retry} (1-based): {@code min(cap, base *
   * multiplier^(retry-1))}.
   */
  public long exponentialMillis(int retry) {
    if (retry < 1) {
      throw new IllegalArgumentException("retry must be >= 1, was " + retry);
    }
    double exp = baseMillis * Math.pow(multiplier, retry - 1);
    return exp >= capMillis || Double.isInfinite(exp) ? capMillis : (long) exp;
  }

  /**
   * The delay in milliseconds before retry {@code retry} (1-based), given the previous delay (used
   * by {@link Jitter#DECORRELATED} only; pass 0 before the first retry). Ignores {@link
   * #maxAttempts()}: callers that count attempts themselves use {@link #canRetry(int)}.
   */
  public long delayMillis(int retry, long previousDelayMillis, RandomGenerator random) {
    long exp = exponentialMillis(retry);
    return switch (jitter) {
      case NONE -> exp;
      case FULL -> random.nextLong(exp + 1);
      case EQUAL -> {
        long half = exp / 2;
        yield half + random.nextLong(exp - half + 1);
      }
      case DECORRELATED -> {
        long previous = Math.max(baseMillis, previousDelayMillis);
        long upper = previous > capMillis / 3 ? capMillis : Math.max(baseMillis, previous * 3);
        yield Math.min(capMillis, baseMillis + random.nextLong(upper - baseMillis + 1));
      }
    };
  }

  /** Like {@link #delayMillis(int, long, RandomGenerator)} with {@link ThreadLocalRandom}. */
  public Duration delay(int retry, Duration previousDelay) {
    return Duration.ofMillis(
        delayMillis(retry, previousDelay.toMillis(), ThreadLocalRandom.current()));
  }

  /** A fresh schedule for one operation's retries, using {@link ThreadLocalRandom}. */
  public Schedule schedule() {
    return new Schedule(this, null);
  }

  /** A fresh schedule drawing from {@code random}: a seeded generator makes it deterministic. */
  public Schedule schedule(RandomGenerator random) {
    return new Schedule(this, Objects.requireNonNull(random, "random"));
  }

  /**
   * The retries of one operation: each call to {@link #nextDelayMillis()} counts a failed attempt
   * and answers the delay before the next one, or empty when attempts are exhausted. Not
   * thread-safe: one schedule per operation.
   */
  public static final class Schedule {
    private final Backoff backoff;
    private final @Nullable RandomGenerator random;
    private int attempts = 1;
    private long previous;

    private Schedule(Backoff backoff, @Nullable RandomGenerator random) {
      this.backoff = backoff;
      this.random = random;
    }

    /** Records a failed attempt; answers the delay before the next, or empty if none is allowed. */
    public OptionalLong nextDelayMillis() {
      if (!backoff.canRetry(attempts)) {
        return OptionalLong.empty();
      }
      RandomGenerator r = random == null ? ThreadLocalRandom.current() : random;
      previous = backoff.delayMillis(attempts, previous, r);
      attempts++;
      return OptionalLong.of(previous);
    }

    /** Attempts made so far, counting the first try. */
    public int attempts() {
      return attempts;
    }
  }

  @Override
  public String toString() {
    return "Backoff[base="
        + baseMillis
        + "ms, cap="
        + capMillis
        + "ms, multiplier="
        + multiplier
        + ", jitter="
        + jitter
        + ", maxAttempts="
        + (maxAttempts == Integer.MAX_VALUE ? "unlimited" : maxAttempts)
        + "]";
  }

  /** Builds a {@link Backoff}; each setter checks its value at once. */
  public static final class Builder {
    private final long baseMillis;
    private final long capMillis;
    private double multiplier = DEFAULT_MULTIPLIER;
    private Jitter jitter = Jitter.FULL;
    private int maxAttempts = DEFAULT_MAX_ATTEMPTS;

    private Builder(Duration base, Duration cap) {
      Objects.requireNonNull(base, "base");
      Objects.requireNonNull(cap, "cap");
      if (base.isNegative() || base.isZero() || base.toMillis() == 0) {
        throw new IllegalArgumentException("backoff base must be at least 1 ms, was " + base);
      }
      if (cap.compareTo(base) < 0) {
        throw new IllegalArgumentException(
            "backoff cap (" + cap + ") must not be less than base (" + base + ")");
      }
      this.baseMillis = base.toMillis();
      this.capMillis = cap.toMillis();
    }

    /** Growth factor between delays; must be at least 1.0. */
    public Builder multiplier(double multiplier) {
      if (!(multiplier >= 1.0) || Double.isInfinite(multiplier)) {
        throw new IllegalArgumentException(
            "backoff multiplier must be a finite number >= 1.0, was " + multiplier);
      }
      this.multiplier = multiplier;
      return this;
    }

    /** The jitter kind (default {@link Jitter#FULL}). */
    public Builder jitter(Jitter jitter) {
      this.jitter = Objects.requireNonNull(jitter, "jitter");
      return this;
    }

    /** Attempts in all, first try included; must be at least 1. */
    public Builder maxAttempts(int maxAttempts) {
      if (maxAttempts < 1) {
        throw new IllegalArgumentException(
            "backoff maxAttempts must be >= 1 (the first try counts), was " + maxAttempts);
      }
      this.maxAttempts = maxAttempts;
      return this;
    }

    /** No limit on attempts. */
    public Builder unlimitedAttempts() {
      this.maxAttempts = Integer.MAX_VALUE;
      return this;
    }

    /** The immutable policy. */
    public Backoff build() {
      return new Backoff(this);
    }
  }
}
