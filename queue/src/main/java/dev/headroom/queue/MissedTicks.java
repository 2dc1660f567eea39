package dev.headroom.queue;

/**
 * What a {@link Schedule} does with ticks that no process fired in time: a tick counts as missed
 * once it is more than {@link Schedule#missedAfter()} late (every process was down, or the store
 * unreachable). Ticks less late than that are still fired, one job each.
 */
public enum MissedTicks {

  /** Missed ticks enqueue nothing; the schedule goes on with its next tick after now. */
  SKIP,

  /**
   * Missed ticks enqueue one job between them, at once, carrying the first missed tick's time; the
   * schedule goes on with its next tick after now. The default.
   */
  RUN_ONCE
}
