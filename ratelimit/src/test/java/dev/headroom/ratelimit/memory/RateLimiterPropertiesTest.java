package dev.headroom.ratelimit.memory;

import static org.assertj.core.api.Assertions.assertThat;

import dev.headroom.core.time.ManualTimeSource;
import dev.headroom.ratelimit.Algorithm;
import dev.headroom.ratelimit.Decision;
import dev.headroom.ratelimit.Limit;
import dev.headroom.ratelimit.RateLimitPolicy;
import dev.headroom.ratelimit.RateLimiter;
import dev.headroom.ratelimit.RateLimiterOptions;
import dev.headroom.ratelimit.RateLimiters;
import java.time.Duration;
import java.util.ArrayList;
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
 * model admits; the sliding counter decides by its documented estimate and stays within its
 * bound; a denied request consumes nothing, under every algorithm and any number of limits.
 */
class RateLimiterPropertiesTest {

  /** One arrival: the gap since the previous one and the permits asked for. */
  record Arrival(long gapMillis, int permits) {}

  /** What was admitted, when. */
  record Admitted(long nanos, int permits) {}

  @Provide
  Arbitrary<List<Arrival>> traces() {
    Arbitrary<Long> gaps = Arbitraries.frequencyOf(
        Tuple.of(2, Arbitraries.just(0L)),
        Tuple.of(5, Arbitraries.longs().between(1, 500)),
        Tuple.of(2, Arbitraries.longs().between(500, 5_000)),
        Tuple.of(1, Arbitraries.longs().between(5_000, 30_000)));
    return Combinators.combine(gaps, Arbitraries.integers().between(1, 3)).as(Arrival::new).list().ofMaxSize(120);
  }

  @Provide
  Arbitrary<List<Limit>> limits() {
    Arbitrary<Limit> limit = Combinators.combine(Arbitraries.longs().between(3, 12), Arbitraries.longs().between(1, 20))
        .as((permits, seconds) -> Limit.of(permits, Duration.ofSeconds(seconds)));
    return limit.list().ofMinSize(1).ofMaxSize(3).uniqueElements(Limit::window);
  }

  private static RateLimiter limiter(Algorithm algorithm, List<Limit> limits, ManualTimeSource time) {
    RateLimitPolicy.Builder b = RateLimitPolicy.builder("prop").algorithm(algorithm);
    limits.forEach(b::limit);
    return RateLimiters.inMemory(b.build(), RateLimiterOptions.builder().timeSource(time).build());
  }

  private static int cap(Arrival a, List<Limit> limits) {
    long smallest = limits.stream().mapToLong(Limit::permits).min().orElseThrow();
    return (int) Math.min(a.permits(), smallest);
  }

  @Property(tries = 300)
  void slidingLogAdmitsExactlyWhatTheReferenceModelAdmits(@ForAll("traces") List<Arrival> trace,
      @ForAll("limits") List<Limit> limits) {
    ManualTimeSource time = ManualTimeSource.create();
    RateLimiter limiter = limiter(Algorithm.SLIDING_LOG, limits, time);
    List<Admitted> admitted = new ArrayList<>();
    for (Arrival a : trace) {
      time.advance(Duration.ofMillis(a.gapMillis()));
      long now = time.nanoTime();
      int p = cap(a, limits);
      boolean expected = true;
      for (Limit l : limits) {
        long inWindow = admitted.stream().filter(x -> now - x.nanos() < l.windowNanos()).mapToLong(Admitted::permits).sum();
        expected &= inWindow + p <= l.permits();
      }
      Decision d = limiter.tryAcquire("k", p);
      assertThat(d.allowed()).as("at %d ns asking %d with %s", now, p, admitted).isEqualTo(expected);
      if (expected) {
        admitted.add(new Admitted(now, p));
      }
    }
  }

  @Property(tries = 300)
  void slidingCounterDecidesByItsEstimateAndStaysWithinItsBound(@ForAll("traces") List<Arrival> trace,
      @ForAll("limits") List<Limit> limits) {
    Limit limit = limits.get(0);
    ManualTimeSource time = ManualTimeSource.create();
    RateLimiter limiter = limiter(Algorithm.SLIDING_COUNTER, List.of(limit), time);
    long w = limit.windowNanos();
    long l = limit.permits();
    List<Admitted> admitted = new ArrayList<>();
    for (Arrival a : trace) {
      time.advance(Duration.ofMillis(a.gapMillis()));
      long now = time.nanoTime();
      long idx = Math.floorDiv(now, w);
      long d = now - idx * w;
      int p = cap(a, List.of(limit));
      long curr = admitted.stream().filter(x -> Math.floorDiv(x.nanos(), w) == idx).mapToLong(Admitted::permits).sum();
      long prev = admitted.stream().filter(x -> Math.floorDiv(x.nanos(), w) == idx - 1).mapToLong(Admitted::permits).sum();
      boolean expected = (double) (curr + p) + (double) prev * (double) (w - d) / (double) w <= (double) l;
      Decision decision = limiter.tryAcquire("k", p);
      assertThat(decision.allowed()).isEqualTo(expected);
      if (decision.allowed()) {
        admitted.add(new Admitted(now, p));
        long sliding = admitted.stream().filter(x -> now - x.nanos() < w).mapToLong(Admitted::permits).sum();
        // the documented bound: an aligned window never exceeds the limit; a sliding one exceeds it
        // by at most the previous window's count times the elapsed fraction of the current one
        assertThat(curr + p).isLessThanOrEqualTo(l);
        assertThat((double) sliding).isLessThanOrEqualTo(l + (double) prev * d / w + 1e-9);
        assertThat(sliding).isLessThan(2 * l);
      }
    }
  }

  @Property(tries = 200)
  void aDeniedRequestConsumesNothing(@ForAll("traces") List<Arrival> trace, @ForAll("limits") List<Limit> limits,
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
