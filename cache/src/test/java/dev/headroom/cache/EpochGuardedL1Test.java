package dev.headroom.cache;

import static org.assertj.core.api.Assertions.assertThat;

import dev.headroom.core.time.ManualTimeSource;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.Test;

/**
 * The epoch-guarded L1 on its own: a read or load that began before an invalidation never installs
 * after it.
 */
class EpochGuardedL1Test {

  private final ManualTimeSource time = ManualTimeSource.create();
  private final LongAdder evictions = new LongAdder();
  private final EpochGuardedL1<String> l1 = new EpochGuardedL1<>(100, -1, null, time, evictions);

  private Entry<String> entry(String value, Duration life) {
    long nanos = life.toNanos();
    return Entry.of(value, time.nanoTime(), nanos, nanos, nanos, Long.MAX_VALUE);
  }

  @Test
  void aLoadInstallsWhenNothingHappenedSinceItsStamp() {
    long stamp = l1.stamp("k");
    assertThat(l1.installIf("k", entry("v", Duration.ofMinutes(1)), stamp)).isTrue();
    assertThat(l1.valueOf(l1.lookup("k"))).isEqualTo("v");
  }

  @Test
  void aDropBetweenStampAndInstallWins() {
    long stamp = l1.stamp("k");
    l1.drop("k");
    assertThat(l1.installIf("k", entry("old", Duration.ofMinutes(1)), stamp)).isFalse();
    assertThat(l1.lookup("k")).isNull();
  }

  @Test
  void aPutBetweenStampAndInstallWins() {
    long stamp = l1.stamp("k");
    l1.put("k", entry("new", Duration.ofMinutes(1)));
    assertThat(l1.installIf("k", entry("old", Duration.ofMinutes(1)), stamp)).isFalse();
    assertThat(l1.valueOf(l1.lookup("k"))).isEqualTo("new");
  }

  @Test
  void aPrefixOrClearMovesEveryStamp() {
    long[] stamps = l1.stamps(List.of("user:1", "other"));
    l1.put("user:1", entry("a", Duration.ofMinutes(1)));
    l1.put("other", entry("b", Duration.ofMinutes(1)));
    long[] afterPuts = l1.stamps(List.of("user:1", "other"));
    l1.dropPrefix("user:");
    assertThat(l1.lookup("user:1")).isNull();
    assertThat(l1.valueOf(l1.lookup("other"))).isEqualTo("b");
    assertThat(l1.installIf("other", entry("late", Duration.ofMinutes(1)), afterPuts[1])).isFalse();
    l1.dropAll();
    assertThat(l1.lookup("other")).isNull();
    assertThat(l1.installIf("user:1", entry("late", Duration.ofMinutes(1)), stamps[0])).isFalse();
  }

  @Test
  void entriesExpireAtTheirOwnHardExpiryOnTheTimeSource() {
    l1.put("short", entry("s", Duration.ofSeconds(1)));
    l1.put("long", entry("l", Duration.ofSeconds(10)));
    time.advance(Duration.ofSeconds(2));
    assertThat(l1.lookup("short")).isNull();
    assertThat(l1.valueOf(l1.lookup("long"))).isEqualTo("l");
  }

  @Test
  void withoutL1NothingIsHeldButStampsStillDecide() {
    EpochGuardedL1<String> none = new EpochGuardedL1<>(0, -1, null, time, evictions);
    long stamp = none.stamp("k");
    assertThat(none.installIf("k", entry("v", Duration.ofMinutes(1)), stamp)).isTrue();
    assertThat(none.lookup("k")).isNull();
    none.drop("k");
    assertThat(none.installIf("k", entry("v", Duration.ofMinutes(1)), stamp)).isFalse();
    assertThat(none.size()).isZero();
  }

  @Test
  void aValueWithoutStaleWindowsIsHeldBareAndStillExpiresAtItsOwnHardExpiry() {
    long stamp = l1.stamp("loaded");
    assertThat(l1.installIf("loaded", entry("x", Duration.ofSeconds(3)), stamp)).isTrue();
    l1.put("put", entry("y", Duration.ofSeconds(1)));
    assertThat(l1.lookup("loaded")).isEqualTo("x");
    assertThat(l1.lookup("put")).isEqualTo("y");
    time.advance(Duration.ofSeconds(2));
    assertThat(l1.lookup("put")).isNull();
    assertThat(l1.lookup("loaded")).isEqualTo("x");
    time.advance(Duration.ofSeconds(2));
    assertThat(l1.lookup("loaded")).isNull();
  }

  @Test
  void anEntryWithStaleWindowsOrAnAbsenceIsHeldAsItsEntry() {
    long now = time.nanoTime();
    long fresh = Duration.ofSeconds(1).toNanos();
    long hard = Duration.ofSeconds(5).toNanos();
    l1.put("swr", Entry.of("s", now, fresh, hard, hard, Long.MAX_VALUE));
    l1.put("absent", Entry.<String>of(null, now, hard, hard, hard, Long.MAX_VALUE));
    assertThat(l1.lookup("swr")).isInstanceOf(Entry.class);
    assertThat(l1.valueOf(l1.lookup("swr"))).isEqualTo("s");
    assertThat(l1.lookup("absent")).isInstanceOf(Entry.class);
    assertThat(l1.valueOf(l1.lookup("absent"))).isNull();
    time.advance(Duration.ofSeconds(6));
    assertThat(l1.lookup("swr")).isNull();
    assertThat(l1.lookup("absent")).isNull();
  }

  @Test
  void aRefusedInstallOfTheSameValueObjectKeepsTheHeldOnesExpiry() {
    String value = "same";
    long stamp = l1.stamp("k");
    l1.put("k", entry(value, Duration.ofSeconds(1)));
    assertThat(l1.installIf("k", entry(value, Duration.ofMinutes(1)), stamp)).isFalse();
    time.advance(Duration.ofSeconds(2));
    assertThat(l1.lookup("k")).isNull();
  }

  @Test
  void aWeigherWeighsTheValueWhetherHeldBareOrInItsEntry() {
    EpochGuardedL1<String> weighed =
        new EpochGuardedL1<>(-1, 10, (k, v) -> v.length(), time, evictions);
    long now = time.nanoTime();
    long fresh = Duration.ofSeconds(1).toNanos();
    long hard = Duration.ofSeconds(5).toNanos();
    weighed.put("bare", entry("12345", Duration.ofMinutes(1)));
    weighed.put("entry", Entry.of("1234", now, fresh, hard, hard, Long.MAX_VALUE));
    weighed.put("absent", Entry.<String>of(null, now, hard, hard, hard, Long.MAX_VALUE));
    assertThat(weighed.size()).isEqualTo(3);
  }
}
