package dev.headroom.ratelimit.memory;

import static org.assertj.core.api.Assertions.assertThat;

import dev.headroom.core.time.ManualTimeSource;
import dev.headroom.ratelimit.Algorithm;
import dev.headroom.ratelimit.Decision;
import dev.headroom.ratelimit.Limit;
import dev.headroom.ratelimit.RateLimiter;
import dev.headroom.ratelimit.RateLimiterConfig;
import dev.headroom.ratelimit.RateLimiters;
import dev.headroom.ratelimit.Reference;
import java.time.Duration;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

/**
 * Invariants over random arrival traces: the sliding log admits exactly what a plain reference
 * model admits; the sliding counter decides by its documented estimate and stays within its bound;
 * a denied request consumes nothing, under every algorithm and any number of limits.
 */
class RateLimiterPropertiesTest {

  /** One arrival: the gap since the previous one and the permits asked for. */
  record Arrival(long gapMillis, int permits) {}

  @Provide
  Arbitrary<List<Arrival>> traces() {
    Arbitrary<Long> gaps =
        Arbitraries.frequencyOf(
            Tuple.of(2, Arbitraries.just(0L)),
            Tuple.of(5, Arbitraries.longs().between(1, 500)),
            Tuple.of(2, Arbitraries.longs().between(500, 5_000)),
            Tuple.of(1, Arbitraries.longs().between(5_000, 30_000)));
    return Combinators.combine(gaps, Arbitraries.integers().between(1, 3))
        .as(Arrival::new)
        .list()
        .ofMaxSize(120);
  }

  @Provide
  Arbitrary<List<Limit>> limits() {
    Arbitrary<Limit> limit =
        Combinators.combine(Arbitraries.longs().between(3, 12), Arbitraries.longs().between(1, 20))
            .as((permits, seconds) -> Limit.of(permits, Duration.ofSeconds(seconds)));
    return limit.list().ofMinSize(1).ofMaxSize(3).uniqueElements(Limit::window);
  }

  private static RateLimiter limiter(
      Algorithm algorithm, List<Limit> limits, ManualTimeSource time) {
    RateLimiterConfig.Builder b = RateLimiterConfig.builder().algorithm(algorithm).timeSource(time);
    limits.forEach(b::limit);
    return RateLimiters.inMemory("prop", b.build());
  }

  private static int cap(Arrival a, List<Limit> limits) {
    long smallest = limits.stream().mapToLong(Limit::permits).min().orElseThrow();
    return (int) Math.min(a.permits(), smallest);
  }

  @Property(tries = 300)
  void slidingLogAdmitsExactlyWhatTheReferenceModelAdmits(
      @ForAll("traces") List<Arrival> trace, @ForAll("limits") List<Limit> limits) {
    ManualTimeSource time = ManualTimeSource.create();
    RateLimiter limiter = limiter(Algorithm.SLIDING_LOG, limits, time);
    long[] permits = limits.stream().mapToLong(Limit::permits).toArray();
    long[] windows = limits.stream().mapToLong(Limit::windowNanos).toArray();
    Reference model = new Reference();
    for (Arrival a : trace) {
      time.advance(Duration.ofMillis(a.gapMillis()));
      long now = time.nanoTime();
      int p = cap(a, limits);
      boolean expected = model.logAdmits(now, p, permits, windows);
      assertThat(limiter.tryAcquire("k", p).allowed())
          .as("at %d ns asking %d", now, p)
          .isEqualTo(expected);
      if (expected) {
        model.admit(now, p);
      }
    }
  }

  @Property(tries = 300)
  void slidingCounterDecidesByItsEstimateAndStaysWithinItsBound(
      @ForAll("traces") List<Arrival> trace, @ForAll("limits") List<Limit> limits) {
    Limit limit = limits.get(0);
    ManualTimeSource time = ManualTimeSource.create();
    RateLimiter limiter = limiter(Algorithm.SLIDING_COUNTER, List.of(limit), time);
    long w = limit.windowNanos();
    long l = limit.permits();
    Reference model = new Reference();
    for (Arrival a : trace) {
      time.advance(Duration.ofMillis(a.gapMillis()));
      long now = time.nanoTime();
      int p = cap(a, List.of(limit));
      boolean expected = model.counterAdmits(now, p, l, w);
      assertThat(limiter.tryAcquire("k", p).allowed()).isEqualTo(expected);
      if (expected) {
        model.admit(now, p);
        long idx = Math.floorDiv(now, w);
        long prev = model.alignedCount(idx - 1, w);
        long d = now - idx * w;
        // the documented bound: an aligned window never exceeds the limit; a sliding one exceeds it
        // by at most the previous window's count times the elapsed fraction of the current one
        assertThat(model.alignedCount(idx, w)).isLessThanOrEqualTo(l);
        assertThat((double) model.slidingCount(now, w))
            .isLessThanOrEqualTo(l + (double) prev * d / w + 1e-9);
        assertThat(model.slidingCount(now, w)).isLessThan(2 * l);
      }
    }
  }

  /** One step of a trace on a large limit: where to land and what share of the limit to ask. */
  record EdgeStep(int where, long offset, int share) {}

  @Provide
  Arbitrary<Limit> largeLimits() {
    Arbitrary<Long> permits =
        Arbitraries.oneOf(
            Arbitraries.of(10_000L, 1_000_000L, Limit.MAX_PERMITS),
            Arbitraries.longs().between(1, Limit.MAX_PERMITS));
    Arbitrary<Duration> windows =
        Arbitraries.oneOf(
            Arbitraries.of(Duration.ofHours(1), Duration.ofDays(1), Limit.MAX_WINDOW),
            Arbitraries.longs().between(1, 366 * 86_400L).map(Duration::ofSeconds));
    return Combinators.combine(permits, windows).as(Limit::of);
  }

  @Provide
  Arbitrary<List<EdgeStep>> edgeSteps() {
    return Combinators.combine(
            Arbitraries.integers().between(0, 3),
            Arbitraries.longs().between(1, 2_000),
            Arbitraries.integers().between(0, 4))
        .as(EdgeStep::new)
        .list()
        .ofMinSize(1)
        .ofMaxSize(40);
  }

  @Property(tries = 400)
  void slidingCounterIsExactForLargeLimitsAndWindowsNearWindowEdges(
      @ForAll("largeLimits") Limit limit, @ForAll("edgeSteps") List<EdgeStep> steps) {
    ManualTimeSource time = ManualTimeSource.create();
    RateLimiter limiter = limiter(Algorithm.SLIDING_COUNTER, List.of(limit), time);
    long w = limit.windowNanos();
    long l = limit.permits();
    Reference model = new Reference();
    for (EdgeStep step : steps) {
      long now = time.nanoTime();
      long edge = (Math.floorDiv(now, w) + 1) * w; // the next window's start
      long target =
          switch (step.where()) {
            case 0 -> edge - step.offset(); // just before a window edge
            case 1 -> edge + step.offset() - 1; // at or just after it
            case 2 -> now + step.offset(); // a little later
            default -> now;
          };
      if (target > now) {
        time.advance(Duration.ofNanos(target - now));
      }
      now = time.nanoTime();
      long p =
          switch (step.share()) {
            case 0 -> 1;
            case 1 -> Math.max(1, l - 1);
            case 2 -> Math.max(1, l / 2);
            case 3 -> l;
            default -> Math.max(1, Math.min(l, step.offset()));
          };
      boolean expected = model.counterAdmits(now, p, l, w);
      long left = model.counterLeft(now, l, w);
      Decision d = limiter.tryAcquire("k", p);
      assertThat(d.allowed()).as("%s asking %d at %d ns", limit, p, now).isEqualTo(expected);
      if (expected) {
        model.admit(now, p);
        assertThat(d.remaining()).isEqualTo(left - p);
      } else {
        assertThat(d.remaining()).isEqualTo(Math.max(0, left));
        // the retry-after is exact: the estimate admits then, and not a nanosecond earlier
        long retry = d.retryAfter().toNanos();
        assertThat(model.counterAdmits(now + retry, p, l, w)).as("at the retry-after").isTrue();
        assertThat(model.counterAdmits(now + retry - 1, p, l, w)).as("just before").isFalse();
      }
    }
  }

  @Property(tries = 200)
  void aDeniedRequestConsumesNothing(
      @ForAll("traces") List<Arrival> trace,
      @ForAll("limits") List<Limit> limits,
      @ForAll Algorithm algorithm) {
    // Feed one limiter every arrival and a twin only the admitted ones, at the same instants:
    // if denials consumed anything, the twin would admit something the first one denied.
    ManualTimeSource time = ManualTimeSource.create();
    RateLimiter all = limiter(algorithm, limits, time);
    RateLimiter twin = limiter(algorithm, limits, time);
    for (Arrival a : trace) {
      time.advance(Duration.ofMillis(a.gapMillis()));
      int p = cap(a, limits);
      Decision d = all.tryAcquire("k", p);
      if (d.allowed()) {
        assertThat(twin.tryAcquire("k", p).allowed()).isTrue();
      }
    }
  }
}
