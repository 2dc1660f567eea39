package dev.headroom.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.headroom.core.codec.Codec;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Schedules without a backend: validation, when cron and interval schedules tick (daylight-saving
 * gaps and overlaps in Europe/Berlin included), and the plan for missed ticks.
 */
class ScheduleTest {

  private static final JobType<String> TEXT = JobType.of("text", Codec.utf8());
  private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");

  private static Schedule<String> cron(String expression) {
    return Schedule.builder("c", TEXT, "x").cron(expression, BERLIN).build();
  }

  private static List<Instant> ticks(Schedule<?> s, String from, int n) {
    List<Instant> out = new ArrayList<>();
    Instant t = Instant.parse(from);
    for (int i = 0; i < n; i++) {
      t = s.nextTick(t).orElseThrow();
      out.add(t);
    }
    return out;
  }

  private static List<Instant> at(String... instants) {
    List<Instant> out = new ArrayList<>();
    for (String s : instants) {
      out.add(Instant.parse(s));
    }
    return out;
  }

  @Test
  void aDailyTimeInTheSkippedHourFiresOnceAtTheEndOfTheGap() {
    // 2026-03-29: Berlin goes from 02:00 CET to 03:00 CEST at 01:00Z; 02:30 does not exist
    assertThat(ticks(cron("30 2 * * *"), "2026-03-28T12:00:00Z", 3))
        .isEqualTo(at("2026-03-29T01:00:00Z", "2026-03-30T00:30:00Z", "2026-03-31T00:30:00Z"));
  }

  @Test
  void ticksInTheSkippedHourMergeWithTheTickAtItsEnd() {
    assertThat(ticks(cron("0 * * * *"), "2026-03-28T23:30:00Z", 3))
        .as("01:00 CET, then 02:00 (skipped) and 03:00 CEST as one tick, then 04:00 CEST")
        .isEqualTo(at("2026-03-29T00:00:00Z", "2026-03-29T01:00:00Z", "2026-03-29T02:00:00Z"));
    assertThat(ticks(cron("*/15 * * * *"), "2026-03-29T00:40:00Z", 3))
        .isEqualTo(at("2026-03-29T00:45:00Z", "2026-03-29T01:00:00Z", "2026-03-29T01:15:00Z"));
  }

  @Test
  void aDailyTimeInTheRepeatedHourFiresOnlyAtItsFirstOccurrence() {
    // 2026-10-25: Berlin goes from 03:00 CEST back to 02:00 CET at 01:00Z; 02:30 happens twice
    assertThat(ticks(cron("30 2 * * *"), "2026-10-24T12:00:00Z", 2))
        .isEqualTo(at("2026-10-25T00:30:00Z", "2026-10-26T01:30:00Z"));
    assertThat(cron("30 2 * * *").nextTick(Instant.parse("2026-10-25T01:10:00Z")))
        .as("asked during the repeated hour, after the first 02:30")
        .contains(Instant.parse("2026-10-26T01:30:00Z"));
  }

  @Test
  void anHourlyScheduleDoesNotFireAgainWhileTheHourRepeats() {
    assertThat(ticks(cron("0 * * * *"), "2026-10-24T23:30:00Z", 3))
        .as("02:00 CEST, then 03:00 CET: nothing at 02:00 CET")
        .isEqualTo(at("2026-10-25T00:00:00Z", "2026-10-25T02:00:00Z", "2026-10-25T03:00:00Z"));
  }

  @Test
  void sixFieldsStartWithSeconds() {
    assertThat(ticks(cron("*/10 * * * * *"), "2026-01-01T00:00:00Z", 2))
        .isEqualTo(at("2026-01-01T00:00:10Z", "2026-01-01T00:00:20Z"));
  }

  @Test
  void intervalsTickAtWholeMultiplesSinceTheEpoch() {
    Schedule<String> s = Schedule.builder("i", TEXT, "x").every(Duration.ofMinutes(5)).build();
    assertThat(ticks(s, "2026-01-01T00:07:30Z", 2))
        .isEqualTo(at("2026-01-01T00:10:00Z", "2026-01-01T00:15:00Z"));
    assertThat(s.nextTick(Instant.parse("2026-01-01T00:10:00Z")))
        .contains(Instant.parse("2026-01-01T00:15:00Z"));
  }

  @Test
  void buildChecksEveryValueAndNamesIt() {
    assertThatThrownBy(() -> cron("61 * * * *"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("cron")
        .hasMessageContaining("61 * * * *");
    assertThatThrownBy(() -> cron("* * *"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("5 fields");
    assertThatThrownBy(() -> Schedule.builder("n", TEXT, "x").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("timing");
    assertThatThrownBy(() -> Schedule.builder("n", TEXT, "x").every(Duration.ofMillis(5)).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("every")
        .hasMessageContaining("at least 10 ms");
    assertThatThrownBy(
            () ->
                Schedule.builder("n", TEXT, "x")
                    .every(Duration.ofMinutes(1))
                    .options(JobOptions.builder().jobId("fixed").build())
                    .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("options.jobId");
    assertThatThrownBy(
            () -> Schedule.builder("a".repeat(151), TEXT, "x").every(Duration.ofMinutes(1)).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("schedule name");
    assertThatThrownBy(
            () ->
                Schedule.builder("n", TEXT, "x")
                    .every(Duration.ofMinutes(1))
                    .missedAfter(Duration.ZERO)
                    .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("missedAfter");
  }

  @Test
  void toBuilderKeepsEverything() {
    Schedule<String> s =
        Schedule.builder("n", TEXT, "x")
            .cron("0 3 * * *", BERLIN)
            .missedTicks(MissedTicks.SKIP)
            .missedAfter(Duration.ofMinutes(5))
            .options(JobOptions.priority(3))
            .build();
    Schedule<String> copy = s.toBuilder().build();
    assertThat(copy.cron()).contains("0 3 * * *");
    assertThat(copy.zone()).contains(BERLIN);
    assertThat(copy.interval()).isEmpty();
    assertThat(copy.missedTicks()).isEqualTo(MissedTicks.SKIP);
    assertThat(copy.missedAfter()).isEqualTo(Duration.ofMinutes(5));
    assertThat(copy.options().priority()).isEqualTo(3);
    assertThat(s.toBuilder().every(Duration.ofMinutes(1)).build().cron()).isEmpty();
  }

  @Test
  void aTickJobIdNamesItsScheduleAndTime() {
    ScheduledTick tick = new ScheduledTick("a:b", Instant.ofEpochMilli(1_767_225_600_000L));
    assertThat(tick.jobId()).isEqualTo("schedule:a:b:1767225600000");
    assertThat(ScheduledTick.of(tick.jobId())).contains(tick);
    assertThat(ScheduledTick.of("other-id")).isEmpty();
    assertThat(ScheduledTick.of("schedule:x:notanumber")).isEmpty();
    assertThat(ScheduledTick.of("schedule::1")).isEmpty();
  }

  // ---- the plan for due ticks (epoch ms; interval 10 s, so ticks at multiples of 10 000) ----

  private static final Timing TEN_SECONDS = Timing.every(Duration.ofSeconds(10));

  private static List<Long> plan(MissedTicks policy, long afterMillis, long next, long now) {
    List<Long> out = new ArrayList<>();
    for (long t :
        QueueSchedules.plan(
            TEN_SECONDS, new QueueSchedules.Missed(policy, afterMillis), next, now)) {
      out.add(t);
    }
    return out;
  }

  @Test
  void ticksLessLateThanMissedAfterEachGetAJob() {
    assertThat(plan(MissedTicks.SKIP, 60_000, 10_000, 35_000))
        .as("ticks 10, 20, 30 s, then next 40 s")
        .containsExactly(10_000L, 20_000L, 30_000L, 40_000L);
  }

  @Test
  void missedTicksAreSkippedOrRunOnceWithTheFirstMissedTick() {
    // at 100 s with missedAfter 25 s: ticks up to 70 s are missed, 80 and 90 s are late but on time
    assertThat(plan(MissedTicks.SKIP, 25_000, 10_000, 100_000))
        .containsExactly(80_000L, 90_000L, 100_000L, 110_000L);
    assertThat(plan(MissedTicks.RUN_ONCE, 25_000, 10_000, 100_000))
        .containsExactly(10_000L, 80_000L, 90_000L, 100_000L, 110_000L);
    assertThat(plan(MissedTicks.SKIP, 1, 10_000, 100_000))
        .as("only the tick due this very millisecond is on time")
        .containsExactly(100_000L, 110_000L);
  }

  @Test
  void aPlanHasAtMostMaxTicks() {
    List<Long> p = plan(MissedTicks.SKIP, Long.MAX_VALUE / 4, 10_000, 10_000L * 5000);
    assertThat(p).hasSize(QueueSchedules.MAX_TICKS + 1);
    assertThat(p.get(p.size() - 1)).isEqualTo(10_000L * 5001);
  }
}
