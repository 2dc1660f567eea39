package dev.headroom.queue;

import dev.headroom.core.config.Require;
import java.time.Duration;
import java.time.ZoneId;

/**
 * When a schedule ticks: {@link #nextAfter} answers the first tick strictly after a time, the same
 * on every process, so any of them can compute and fire a tick. Stored as {@link #spec()}.
 */
interface Timing {

  /** Answered by {@link #nextAfter} when there is no later tick. */
  long NEVER = Long.MAX_VALUE;

  /** The first tick strictly after {@code epochMillis}, or {@link #NEVER}. */
  long nextAfter(long epochMillis);

  /** How it is stored: {@code every <ms>} or {@code cron <zone> <expression>}. */
  String spec();

  /** For people: {@code every PT5M} or {@code 0 3 * * * (Europe/Berlin)}. */
  String describe();

  /** A fixed interval: ticks at whole multiples of {@code interval} since the epoch. */
  static Timing every(Duration interval) {
    Require.nonNull("every", interval);
    Require.that(interval.toMillis() >= 10, "every", interval, "be at least 10 ms");
    long ms = interval.toMillis();
    return new Timing() {
      @Override
      public long nextAfter(long epochMillis) {
        return Math.floorDiv(epochMillis, ms) * ms + ms;
      }

      @Override
      public String spec() {
        return "every " + ms;
      }

      @Override
      public String describe() {
        return "every " + Duration.ofMillis(ms);
      }
    };
  }

  /**
   * A cron expression in a time zone, parsed by cron-utils.
   *
   * @throws IllegalArgumentException if the expression is not valid
   * @throws IllegalStateException if cron-utils is not on the class path
   */
  static Timing cron(String expression, ZoneId zone) {
    Require.nonNull("cron", expression);
    Require.nonNull("zone", zone);
    try {
      return CronTiming.parse(expression, zone);
    } catch (NoClassDefFoundError e) {
      throw new IllegalStateException(
          "cron schedules need cron-utils on the class path (com.cronutils:cron-utils, an optional"
              + " dependency of headroom-queue): add it, or use an interval schedule"
              + " (Schedule.Builder.every)",
          e);
    }
  }

  /** Reads a {@link #spec()} back. */
  static Timing parse(String spec) {
    if (spec.startsWith("every ")) {
      return every(Duration.ofMillis(Long.parseLong(spec.substring(6))));
    }
    if (spec.startsWith("cron ")) {
      int space = spec.indexOf(' ', 5);
      return cron(spec.substring(space + 1), ZoneId.of(spec.substring(5, space)));
    }
    throw new IllegalArgumentException("not a schedule timing: '" + spec + "'");
  }
}
