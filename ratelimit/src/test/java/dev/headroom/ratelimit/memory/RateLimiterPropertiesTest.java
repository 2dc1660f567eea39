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
