package dev.headroom.monitoring;

import dev.headroom.core.time.TimeSource;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;
import org.HdrHistogram.Recorder;
import org.jspecify.annotations.Nullable;

/*
 * Sliding windows of request durations for one endpoint and method.
 *
 * Time is cut into slices of equal length (10 s by default), numbered floor(nanoTime / slice).
 * A window of W covers the current slice and the W / slice - 1 before it, so a window always holds
 * between W - slice and W of history, and max, mean and every percentile are read from the same
 * merged histogram: they can never disagree about which requests they describe.
 *
 * Writing. Requests go into an HdrHistogram Recorder (wait-free for writers, several writers at
 * once) in microseconds with two significant digits (a bucket is at most 1/128 of its value wide,
 * and readings report a bucket's midpoint, so a duration is off by at most 0.4 %). 4xx and 5xx
 * counts go into LongAdders. A writer reads the time once; only when it sees that the current
 * slice has ended does it take the lock and roll (below), so the hot path is a volatile read, a
 * Recorder write and, for errors, one add.
 *
 * Rolling (under the lock). The Recorder's interval histogram and the error adders are harvested
 * into the current slice; if the slice has ended, it is frozen into a sparse, immutable Slice
 * (value and count pairs of the non-empty buckets only) in a ring sized for the longest window,
 * and a new current slice begins. Readers roll first, so a reading is never older than the moment
 * it is taken, and a quiet endpoint ages out: its slices simply fall out of the window.
 * A write that races a roll lands in the neighbouring slice, never nowhere.
 *
 * Memory is bounded per series: one Recorder (two auto-resizing histograms), one dense current
 * slice, and at most longestWindow / slice sparse slices of at most one entry per bucket.
 * Durations above HIGHEST_MICROS (one hour) are recorded as one hour.
 */
final class EndpointSeries {

  static final long HIGHEST_MICROS = 3_600_000_000L;
  static final int DIGITS = 2;

  final String endpoint;
  final String method;

  /**
   * The histogram timers of this pair by status class (index status / 100 - 1), made on first use.
   */
  final AtomicReferenceArray<io.micrometer.core.instrument.@Nullable Timer> timers =
      new AtomicReferenceArray<>(5);

  private final TimeSource time;
  private final long sliceNanos;
  private final Recorder recorder = new Recorder(DIGITS);
  private final LongAdder clientErrors = new LongAdder();
  private final LongAdder serverErrors = new LongAdder();
  private volatile long sliceEndNanos;

  // Guarded by this.
  private long currentIndex;
  private final Histogram current = newHistogram();
  private long currentClient;
  private long currentServer;
  private final @Nullable Slice[] ring;
  private @Nullable Histogram recycled;
  private long totalCount;
  private long totalClient;
  private long totalServer;

  EndpointSeries(String endpoint, String method, TimeSource time, long sliceNanos, int ringSize) {
    this.endpoint = endpoint;
    this.method = method;
    this.time = time;
    this.sliceNanos = sliceNanos;
    this.ring = new Slice[ringSize];
    long now = time.nanoTime();
    this.currentIndex = Math.floorDiv(now, sliceNanos);
    this.sliceEndNanos = (currentIndex + 1) * sliceNanos;
  }

  static Histogram newHistogram() {
    return new Histogram(DIGITS);
  }

  /**
   * Records one request ending at {@code nowNanos} (a reading of the time source); {@code micros}
   * >= 0.
   */
  void record(long micros, int status, long nowNanos) {
    if (nowNanos - sliceEndNanos >= 0) {
      roll();
    }
    recorder.recordValue(Math.min(micros, HIGHEST_MICROS));
    if (status >= 500) {
      serverErrors.increment();
    } else if (status >= 400) {
      clientErrors.increment();
    }
  }

  private synchronized void roll() {
    harvest(time.nanoTime());
  }

  /** Moves what the writers recorded into the current slice and closes slices that have ended. */
  private void harvest(long now) {
    Histogram interval =
        recycled == null
            ? recorder.getIntervalHistogram()
            : recorder.getIntervalHistogram(recycled);
    long client = clientErrors.sumThenReset();
    long server = serverErrors.sumThenReset();
    current.add(interval);
    totalCount += interval.getTotalCount();
    currentClient += client;
    currentServer += server;
    totalClient += client;
    totalServer += server;
    recycled = interval;
    long index = Math.floorDiv(now, sliceNanos);
    if (index != currentIndex) {
      ring[slot(currentIndex)] =
          current.getTotalCount() == 0 && currentClient == 0 && currentServer == 0
              ? null
              : Slice.freeze(currentIndex, current, currentClient, currentServer);
      current.reset();
      currentClient = 0;
      currentServer = 0;
      currentIndex = index;
      sliceEndNanos = (index + 1) * sliceNanos;
    }
  }

  private int slot(long index) {
    return (int) Math.floorMod(index, (long) ring.length);
  }

  /**
   * Adds the last {@code slices} slices (the current one included) to {@code target} and their
   * error counts to {@code errors[0]} (4xx) and {@code errors[1]} (5xx).
   */
  synchronized void addWindowTo(int slices, Histogram target, long[] errors) {
    harvest(time.nanoTime());
    target.add(current);
    errors[0] += currentClient;
    errors[1] += currentServer;
    for (int back = 1; back < slices; back++) {
      long index = currentIndex - back;
      Slice slice = ring[slot(index)];
      if (slice != null && slice.index == index) {
        slice.addTo(target, errors);
      }
    }
  }

  /** Requests recorded since this series began. */
  synchronized long totalCount() {
    harvest(time.nanoTime());
    return totalCount;
  }

  /** 4xx responses recorded since this series began. */
  synchronized long totalClientErrors() {
    harvest(time.nanoTime());
    return totalClient;
  }

  /** 5xx responses recorded since this series began. */
  synchronized long totalServerErrors() {
    harvest(time.nanoTime());
    return totalServer;
  }

  /** A closed slice: the non-empty buckets of its histogram and its error counts. Immutable. */
  private static final class Slice {
    final long index;
    final long[] values;
    final long[] counts;
    final long clientErrors;
    final long serverErrors;

    private Slice(long index, long[] values, long[] counts, long clientErrors, long serverErrors) {
      this.index = index;
      this.values = values;
      this.counts = counts;
      this.clientErrors = clientErrors;
      this.serverErrors = serverErrors;
    }

    static Slice freeze(long index, Histogram h, long clientErrors, long serverErrors) {
      int n = 0;
      for (HistogramIterationValue ignored : h.recordedValues()) {
        n++;
      }
      long[] values = new long[n];
      long[] counts = new long[n];
      int i = 0;
      for (HistogramIterationValue v : h.recordedValues()) {
        values[i] = v.getValueIteratedTo();
        counts[i] = v.getCountAtValueIteratedTo();
        i++;
      }
      return new Slice(index, values, counts, clientErrors, serverErrors);
    }

    void addTo(Histogram target, long[] errors) {
      for (int i = 0; i < values.length; i++) {
        target.recordValueWithCount(values[i], counts[i]);
      }
      errors[0] += clientErrors;
      errors[1] += serverErrors;
    }
  }
}
