package dev.headroom.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.headroom.cache.redis.StoredValue;
import dev.headroom.core.codec.Codec;
import dev.headroom.core.time.ManualTimeSource;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/** Entry lifetimes on their own: TTL, stale windows, the negative TTL, l1Ttl and the L2 header. */
class EntryLifetimesTest {

  private final ManualTimeSource time = ManualTimeSource.create();
  private final LongAdder tooLarge = new LongAdder();
  private final List<String> corrupt = new ArrayList<>();

  private EntryLifetimes<String> lifetimes(CacheConfig.Builder<String> config, boolean twoLevel) {
    return new EntryLifetimes<>(
        "users",
        config.timeSource(time).jitter(0).build(),
        twoLevel,
        tooLarge,
        (key, e) -> corrupt.add(key));
  }

  @Test
  void aValueIsFreshForItsTtlThenServableForTheStaleWindowsThenGone() {
    EntryLifetimes<String> l =
        lifetimes(
            CacheConfig.builder(Codec.utf8())
                .staleWhileRevalidate(Duration.ofSeconds(5))
                .staleIfError(Duration.ofSeconds(20)),
            false);
    Map<String, @Nullable StoredValue> toL2 = new HashMap<>();
    Entry<String> e = l.prepare("k", "v", Duration.ofSeconds(10), toL2);
    long start = time.nanoTime();
    assertThat(toL2).as("L1 only: nothing for L2").isEmpty();
    assertThat(e.isFreshAt(start + Duration.ofSeconds(9).toNanos())).isTrue();
    assertThat(e.isFreshAt(start + Duration.ofSeconds(10).toNanos())).isFalse();
    assertThat(e.isServableStaleAt(start + Duration.ofSeconds(14).toNanos())).isTrue();
    assertThat(e.isServableStaleAt(start + Duration.ofSeconds(15).toNanos())).isFalse();
    assertThat(e.isAliveAt(start + Duration.ofSeconds(29).toNanos())).isTrue();
    assertThat(e.isAliveAt(start + Duration.ofSeconds(30).toNanos())).isFalse();
  }

  @Test
  void l2GetsTheSameInstantsOnTheWallClockAndL1EntriesReadBackKeepThem() {
    EntryLifetimes<String> l =
        lifetimes(
            CacheConfig.builder(Codec.utf8()).staleWhileRevalidate(Duration.ofSeconds(5)), true);
    Map<String, @Nullable StoredValue> toL2 = new HashMap<>();
    l.prepare("k", "v", Duration.ofSeconds(10), toL2);
    long wall = time.currentTimeMillis();
    StoredValue sv = toL2.get("k");
    assertThat(sv.freshUntilMillis()).isEqualTo(wall + 10_000);
    assertThat(sv.staleUntilMillis()).isEqualTo(wall + 15_000);
    assertThat(sv.hardUntilMillis()).isEqualTo(wall + 15_000);
    time.advance(Duration.ofSeconds(4));
    Entry<String> back = l.fromStored("k", sv);
    assertThat(back.value).isEqualTo("v");
    assertThat(back.isFreshAt(time.nanoTime() + Duration.ofSeconds(5).toNanos())).isTrue();
    assertThat(back.isFreshAt(time.nanoTime() + Duration.ofSeconds(6).toNanos())).isFalse();
    time.advance(Duration.ofSeconds(12));
    assertThat(l.fromStored("k", sv)).as("past its hard expiry").isNull();
  }

  @Test
  void l1TtlCapsTheL1Entry() {
    EntryLifetimes<String> l =
        lifetimes(CacheConfig.builder(Codec.utf8()).l1Ttl(Duration.ofSeconds(2)), false);
    Entry<String> e = l.prepare("k", "v", Duration.ofSeconds(10), new HashMap<>());
    assertThat(e.isAliveAt(time.nanoTime() + Duration.ofSeconds(2).toNanos())).isFalse();
  }

  @Test
  void absenceLivesForTheNegativeTtlOrIsNotCached() {
    EntryLifetimes<String> l =
        lifetimes(CacheConfig.builder(Codec.utf8()).negativeTtl(Duration.ofSeconds(3)), true);
    Map<String, @Nullable StoredValue> toL2 = new HashMap<>();
    Entry<String> e = l.prepare("k", null, Duration.ofSeconds(10), toL2);
    assertThat(e.value).isNull();
    assertThat(e.isAliveAt(time.nanoTime() + Duration.ofSeconds(3).toNanos())).isFalse();
    assertThat(toL2.get("k").negative()).isTrue();
    assertThat(l.cachesAbsence()).isTrue();
    assertThat(
            lifetimes(CacheConfig.builder(Codec.utf8()).negativeTtl(Duration.ZERO), true)
                .cachesAbsence())
        .isFalse();
  }

  @Test
  void aValueTooLargeForL2IsDeletedThereAndCounted() {
    EntryLifetimes<String> l =
        lifetimes(CacheConfig.builder(Codec.utf8()).maxL2ValueBytes(4), true);
    Map<String, @Nullable StoredValue> toL2 = new HashMap<>();
    l.prepare("k", "12345", Duration.ofSeconds(10), toL2);
    assertThat(toL2).containsEntry("k", null);
    assertThat(tooLarge.sum()).isEqualTo(1);
  }

  @Test
  void anUndecodableL2ValueIsReportedCorrupt() {
    Codec<String> failing =
        new Codec<>() {
          @Override
          public byte[] encode(String value) {
            return value.getBytes(StandardCharsets.UTF_8);
          }

          @Override
          public String decode(byte[] bytes) {
            throw new IllegalArgumentException("bad");
          }
        };
    EntryLifetimes<String> l = lifetimes(CacheConfig.builder(failing), true);
    long wall = time.currentTimeMillis();
    assertThat(
            l.fromStored(
                "k", new StoredValue(false, wall + 1000, wall + 1000, wall + 1000, new byte[] {1})))
        .isNull();
    assertThat(corrupt).containsExactly("k");
  }

  @Test
  void jitterSpreadsWithinItsFractionAndPutTtlsAreChecked() {
    EntryLifetimes<String> l =
        new EntryLifetimes<>(
            "users",
            CacheConfig.builder(Codec.utf8()).timeSource(time).jitter(0.1).build(),
            false,
            tooLarge,
            (k, e) -> {});
    for (int i = 0; i < 100; i++) {
      assertThat(l.jittered(Duration.ofSeconds(100)))
          .isBetween(Duration.ofSeconds(90).toNanos(), Duration.ofSeconds(110).toNanos());
    }
    assertThatThrownBy(() -> l.checkTtl(Duration.ZERO))
        .hasMessage("cache 'users': ttl must be positive, was PT0S");
    assertThatThrownBy(() -> l.checkTtl(Duration.ofDays(8)))
        .hasMessageContaining("exceeds the cache's maxTtl PT168H");
  }
}
