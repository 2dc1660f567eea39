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
    assertThat(l1.get("k").value).isEqualTo("v");
  }

  @Test
  void aDropBetweenStampAndInstallWins() {
    long stamp = l1.stamp("k");
    l1.drop("k");
    assertThat(l1.installIf("k", entry("old", Duration.ofMinutes(1)), stamp)).isFalse();
    assertThat(l1.get("k")).isNull();
  }

  @Test
  void aPutBetweenStampAndInstallWins() {
    long stamp = l1.stamp("k");
    l1.put("k", entry("new", Duration.ofMinutes(1)));
    assertThat(l1.installIf("k", entry("old", Duration.ofMinutes(1)), stamp)).isFalse();
    assertThat(l1.get("k").value).isEqualTo("new");
  }

  @Test
  void aPrefixOrClearMovesEveryStamp() {
    long[] stamps = l1.stamps(List.of("user:1", "other"));
    l1.put("user:1", entry("a", Duration.ofMinutes(1)));
    l1.put("other", entry("b", Duration.ofMinutes(1)));
    long[] afterPuts = l1.stamps(List.of("user:1", "other"));
    l1.dropPrefix("user:");
    assertThat(l1.get("user:1")).isNull();
    assertThat(l1.get("other").value).isEqualTo("b");
    assertThat(l1.installIf("other", entry("late", Duration.ofMinutes(1)), afterPuts[1])).isFalse();
    l1.dropAll();
    assertThat(l1.get("other")).isNull();
    assertThat(l1.installIf("user:1", entry("late", Duration.ofMinutes(1)), stamps[0])).isFalse();
  }

  @Test
  void entriesExpireAtTheirOwnHardExpiryOnTheTimeSource() {
    l1.put("short", entry("s", Duration.ofSeconds(1)));
    l1.put("long", entry("l", Duration.ofSeconds(10)));
    time.advance(Duration.ofSeconds(2));
    assertThat(l1.get("short")).isNull();
    assertThat(l1.get("long").value).isEqualTo("l");
  }

  @Test
  void withoutL1NothingIsHeldButStampsStillDecide() {
    EpochGuardedL1<String> none = new EpochGuardedL1<>(0, -1, null, time, evictions);
    long stamp = none.stamp("k");
    assertThat(none.installIf("k", entry("v", Duration.ofMinutes(1)), stamp)).isTrue();
    assertThat(none.get("k")).isNull();
    none.drop("k");
    assertThat(none.installIf("k", entry("v", Duration.ofMinutes(1)), stamp)).isFalse();
    assertThat(none.size()).isZero();
  }
}
