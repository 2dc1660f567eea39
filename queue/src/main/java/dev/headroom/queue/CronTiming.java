package dev.headroom.queue;

import com.cronutils.model.Cron;
import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;
import dev.headroom.core.config.Require;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.zone.ZoneOffsetTransition;
import java.util.Optional;

/*
 * A cron expression in a time zone. cron-utils parses the expression and finds the next matching
 * wall-clock time; this class alone maps wall-clock times to instants, so daylight-saving changes
 * behave by one rule that is ours and tested, not by the library's handling of zones:
 *
 *   - matching runs on the zone's local date-time as if it were UTC (no gaps, no repeats);
 *   - a local time that does not exist (the hour skipped when clocks go forward) fires at the end
 *     of the gap, the first instant after the change; every such time, and a tick at the gap's end
 *     itself, become one tick (instants of a schedule strictly increase);
 *   - a local time that exists twice (the hour repeated when clocks go back) fires once, at its
 *     first occurrence (the earlier offset): while the clock repeats the hour, nothing fires again.
 *
 * Only this class names cron-utils, so it is loaded only for cron schedules; the dependency is
 * optional and Timing.cron turns its absence into a clear error.
 */
final class CronTiming implements Timing {

  private static final CronParser UNIX =
      new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX));
  private static final CronParser WITH_SECONDS =
      new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.SPRING53));

  private final String expression;
  private final ZoneId zone;
  private final ExecutionTime execution;

  private CronTiming(String expression, ZoneId zone, ExecutionTime execution) {
    this.expression = expression;
    this.zone = zone;
    this.execution = execution;
  }

  static CronTiming parse(String expression, ZoneId zone) {
    String normalized = expression.trim().replaceAll("\\s+", " ");
    int fields = normalized.isEmpty() ? 0 : normalized.split(" ").length;
    CronParser parser = fields == 5 ? UNIX : fields == 6 ? WITH_SECONDS : null;
    if (parser == null) {
      throw Require.fail(
          "cron",
          expression,
          "have 5 fields (minute hour day-of-month month day-of-week) or 6 (seconds first)");
    }
    Cron cron;
    try {
      cron = parser.parse(normalized).validate();
    } catch (IllegalArgumentException e) {
      throw Require.fail("cron", expression, "be a valid cron expression (" + e.getMessage() + ")");
    }
    return new CronTiming(normalized, zone, ExecutionTime.forCron(cron));
  }

  @Override
  public long nextAfter(long epochMillis) {
    LocalDateTime local = Instant.ofEpochMilli(epochMillis).atZone(zone).toLocalDateTime();
    // a few rounds at most: each one moves local time forward to the next match
    for (int round = 0; round < 1000; round++) {
      Optional<ZonedDateTime> match = execution.nextExecution(local.atZone(ZoneOffset.UTC));
      if (match.isEmpty()) {
        return NEVER;
      }
      LocalDateTime next = match.get().toLocalDateTime();
      if (!next.isAfter(local)) {
        next = local.plusNanos(1_000_000);
        local = next;
        continue;
      }
      long at = instant(next);
      if (at > epochMillis) {
        return at;
      }
      local = next;
    }
    return NEVER;
  }

  /** Gap: the end of the gap; overlap: the earlier offset; else the one instant. */
  private long instant(LocalDateTime local) {
    ZoneOffsetTransition change = zone.getRules().getTransition(local);
    if (change != null && change.isGap()) {
      return change.getInstant().toEpochMilli();
    }
    return local.atZone(zone).toInstant().toEpochMilli();
  }

  @Override
  public String spec() {
    return "cron " + zone.getId() + " " + expression;
  }

  @Override
  public String describe() {
    return expression + " (" + zone.getId() + ")";
  }
}
