package dev.headroom.queue.web;

import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One recurring schedule as the operator page shows it.
 *
 * @param name the schedule's name
 * @param spec what it follows, such as a cron expression with its time zone or an interval
 * @param nextTick when it fires next; null if unknown or never again
 * @param lastTick when it last fired; null if never
 */
public record ScheduleView(
    String name, String spec, @Nullable Instant nextTick, @Nullable Instant lastTick) {

  /** Checks for nulls. */
  public ScheduleView {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(spec, "spec");
  }
}
