package dev.headroom.ratelimit.memory;

/** A count per limit for the current aligned window: snapshot {@code [windowIndex, count]} per limit. */
final class FixedWindowState extends CasState {

  FixedWindowState(int limits) {
    super(limits, 2);
  }

  @Override
  void step(long[] cur, long[] next, int at, long now, long permits, long limit, long w, int i, Binding b) {
    long idx = Math.max(Math.floorDiv(now, w), cur[at]);
    long count = cur[at] == idx ? cur[at + 1] : 0;
    long untilEnd = (idx + 1) * w - now;
    if (count + permits > limit) {
      b.deniedCandidate(i, limit - count, count > 0 ? untilEnd : 0, untilEnd);
    } else {
      b.allowedCandidate(i, limit - count - permits, untilEnd);
    }
    next[at] = idx;
    next[at + 1] = count + permits;
  }
}
