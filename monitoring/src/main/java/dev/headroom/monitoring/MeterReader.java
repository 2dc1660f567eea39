package dev.headroom.monitoring;

import dev.headroom.core.metrics.HeadroomMeters;
import io.micrometer.core.instrument.Measurement;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.search.Search;
import java.util.Collection;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.OptionalDouble;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/** Reads the snapshot sections from the meters named in {@link HeadroomMeters}. Stateless. */
final class MeterReader {

  private MeterReader() {}

  static HealthSnapshot.@Nullable Queue queue(MeterRegistry r) {
    Collection<Meter> waiting = r.find(HeadroomMeters.QUEUE_JOBS_WAITING).meters();
    Collection<Meter> workers = r.find(HeadroomMeters.QUEUE_WORKERS).meters();
    if (waiting.isEmpty() && workers.isEmpty()) {
      return null;
    }
    return new HealthSnapshot.Queue(Math.round(sum(waiting)), Math.round(sum(workers)));
  }

  static HealthSnapshot.@Nullable Cache cache(MeterRegistry r) {
    Collection<Meter> ours = r.find(HeadroomMeters.CACHE_GETS).meters();
    Set<String> ourCaches = new HashSet<>();
    for (Meter m : ours) {
      String cache = m.getId().getTag(HeadroomMeters.TAG_CACHE);
      if (cache != null) {
        ourCaches.add(cache);
      }
    }
    List<Meter> standard =
        r.find(HeadroomMeters.MICROMETER_CACHE_GETS).meters().stream()
            .filter(m -> !ourCaches.contains(m.getId().getTag(HeadroomMeters.TAG_CACHE)))
            .toList();
    if (ours.isEmpty() && standard.isEmpty()) {
      return null;
    }
    double hits =
        sumResult(ours, HeadroomMeters.RESULT_HIT) + sumResult(standard, HeadroomMeters.RESULT_HIT);
    double misses =
        sumResult(ours, HeadroomMeters.RESULT_MISS)
            + sumResult(standard, HeadroomMeters.RESULT_MISS);
    return new HealthSnapshot.Cache(Math.round(hits), Math.round(misses));
  }

  static HealthSnapshot.@Nullable RateLimit rateLimit(MeterRegistry r) {
    Collection<Meter> decisions = r.find(HeadroomMeters.RATELIMIT_DECISIONS).meters();
    if (decisions.isEmpty()) {
      return null;
    }
    return new HealthSnapshot.RateLimit(
        Math.round(sumTag(decisions, HeadroomMeters.TAG_RESULT, HeadroomMeters.OUTCOME_ALLOWED)),
        Math.round(sumTag(decisions, HeadroomMeters.TAG_RESULT, HeadroomMeters.OUTCOME_DENIED)),
        Math.round(
            sumTag(decisions, HeadroomMeters.TAG_RESULT, HeadroomMeters.OUTCOME_SHADOW_DENIED)));
  }

  static HealthSnapshot.@Nullable Pools pools(MeterRegistry r) {
    Collection<Meter> active = r.find(HeadroomMeters.POOL_ACTIVE).meters();
    Collection<Meter> idle = r.find(HeadroomMeters.POOL_IDLE).meters();
    Collection<Meter> pending = r.find(HeadroomMeters.POOL_PENDING).meters();
    if (active.isEmpty() && idle.isEmpty() && pending.isEmpty()) {
      return null;
    }
    return new HealthSnapshot.Pools(
        Math.round(sum(active)), Math.round(sum(idle)), Math.round(sum(pending)));
  }

  /** The sum over the meters with this name and tags; empty when there is none or all read NaN. */
  static OptionalDouble meter(MeterRegistry r, String name, List<String> tags) {
    Search search = r.find(name);
    if (!tags.isEmpty()) {
      search = search.tags(tags.toArray(String[]::new));
    }
    double total = 0;
    boolean any = false;
    for (Meter m : search.meters()) {
      double v = value(m);
      if (!Double.isNaN(v)) {
        total += v;
        any = true;
      }
    }
    return any ? OptionalDouble.of(total) : OptionalDouble.empty();
  }

  private static double sumResult(Collection<Meter> meters, String result) {
    return sumTag(meters, HeadroomMeters.TAG_RESULT, result);
  }

  private static double sumTag(Collection<Meter> meters, String key, String value) {
    return sum(meters.stream().filter(m -> value.equals(m.getId().getTag(key))).toList());
  }

  private static double sum(Collection<Meter> meters) {
    double total = 0;
    for (Meter m : meters) {
      double v = value(m);
      if (!Double.isNaN(v)) {
        total += v;
      }
    }
    return total;
  }

  /** A meter's first measurement: a gauge's value, a counter's count. */
  private static double value(Meter m) {
    Iterator<Measurement> it = m.measure().iterator();
    return it.hasNext() ? it.next().getValue() : Double.NaN;
  }
}
