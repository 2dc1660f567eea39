package dev.headroom.ratelimit.memory;

import dev.headroom.core.time.TimeSource;

/*
 * One clock reading per decision. A decision needs the monotonic time for its algorithm and a
 * wall-clock timestamp for its Decision; on virtualized hosts one clock read costs 20-30 ns, as much
 * as the rest of a decision. So the limiter reads the monotonic clock once and derives the wall
 * clock from an anchor, a (monotonic, wall) pair re-read at most every 100 ms of monotonic time: a
 * wall-clock adjustment shows in decision timestamps within 100 ms.
 */
final class AnchoredWallClock {

  private static final long ANCHOR_REFRESH_NANOS = 100_000_000L;

  private final TimeSource time;
  private volatile Anchor anchor;

  AnchoredWallClock(TimeSource time) {
    this.time = time;
    this.anchor = new Anchor(time.nanoTime(), time.currentTimeMillis());
  }

  long nanoTime() {
    return time.nanoTime();
  }

  /** The wall-clock time of monotonic reading {@code now}, in epoch milliseconds. */
  long wallClockMillis(long now) {
    Anchor a = anchor;
    long age = now - a.nanos;
    if (age < 0 || age > ANCHOR_REFRESH_NANOS) {
      a = new Anchor(now, time.currentTimeMillis());
      anchor = a;
      age = 0;
    }
    return a.millis + age / 1_000_000;
  }

  private static final class Anchor {
    final long nanos;
    final long millis;

    Anchor(long nanos, long millis) {
      this.nanos = nanos;
      this.millis = millis;
    }
  }
}
