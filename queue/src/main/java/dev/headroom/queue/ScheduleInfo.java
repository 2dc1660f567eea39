package dev.headroom.queue;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A stored schedule as the store sees it now, for listings and an operator's page.
 *
 * @param name the schedule's name
 * @param type the name of its jobs' type
 * @param timing when it ticks, for people: {@code every PT5M} or {@code 0 3 * * * (Europe/Berlin)}
 * @param missedTicks what happens to missed ticks
 * @param missedAfter how late a tick may fire before it counts as missed
 * @param nextTick the next tick not fired yet (in the past while it is due and not fired)
 * @param lastTick the last tick fired, if any (a {@link MissedTicks#RUN_ONCE} catch-up counts as
 *     its tick)
 */
public record ScheduleInfo(
    String name,
    String type,
    String timing,
    MissedTicks missedTicks,
    Duration missedAfter,
    Instant nextTick,
    @Nullable Instant lastTick) {

  /** Checks for nulls. */
  public ScheduleInfo {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(timing, "timing");
    Objects.requireNonNull(missedTicks, "missedTicks");
    Objects.requireNonNull(missedAfter, "missedAfter");
    Objects.requireNonNull(nextTick, "nextTick");
  }

  /** The last tick fired, if any. */
  public Optional<Instant> last() {
    return Optional.ofNullable(lastTick);
  }
}
