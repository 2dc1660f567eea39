package dev.headroom.cache.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.headroom.core.time.ManualTimeSource;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The L2 value format, the invalidation message format and the circuit breaker's states. */
class RedisTierFormatsTest {

  @Test
  void storedValuesRoundTripAndBadBytesAreRefused() {
    StoredValue v = new StoredValue(false, 10, 20, 30, "hello".getBytes(StandardCharsets.UTF_8));
    byte[] bytes = v.encode();
    assertThat(bytes).hasSize(StoredValue.HEADER_BYTES + 5);
    assertThat(bytes[0]).isEqualTo(StoredValue.FORMAT);
    assertThat(StoredValue.decode(bytes)).isEqualTo(v);
    StoredValue absent = StoredValue.absent(5, 6);
    assertThat(StoredValue.decode(absent.encode()))
        .isEqualTo(absent)
        .matches(StoredValue::negative);
    assertThatThrownBy(() -> StoredValue.decode(new byte[3]))
        .hasMessageContaining("shorter than the 26-byte header");
    bytes[0] = 9;
    assertThatThrownBy(() -> StoredValue.decode(bytes))
        .hasMessageContaining("unknown value format 9");
  }

  @Test
  void aCheckedHeaderIsReadInPlaceAsDecodeReadsIt() {
    long far = 0x7F01_0203_0405_0607L;
    byte[] bytes = new StoredValue(false, -1, far, Long.MIN_VALUE + 1, new byte[] {42}).encode();
    StoredValue.checkHeader(bytes);
    assertThat(StoredValue.isNegative(bytes)).isFalse();
    assertThat(StoredValue.freshUntilMillis(bytes)).isEqualTo(-1);
    assertThat(StoredValue.staleUntilMillis(bytes)).isEqualTo(far);
    assertThat(StoredValue.hardUntilMillis(bytes)).isEqualTo(Long.MIN_VALUE + 1);
    assertThat(bytes[StoredValue.HEADER_BYTES]).isEqualTo((byte) 42);
    assertThat(StoredValue.isNegative(StoredValue.absent(1, 2).encode())).isTrue();
    assertThatThrownBy(() -> StoredValue.checkHeader(new byte[StoredValue.HEADER_BYTES - 1]))
        .hasMessageContaining("shorter than the 26-byte header");
    bytes[0] = 2;
    assertThatThrownBy(() -> StoredValue.checkHeader(bytes))
        .isInstanceOf(StoredValue.UnknownFormatException.class);
  }

  @Test
  void invalidationMessagesRoundTripWithAnyCharactersInKeys() {
    List<String> keys = List.of("a", "b|c", "3:x", "ünï|çødé:", "");
    Invalidation m = new Invalidation("pub-1", 7, Invalidation.Op.KEYS, keys, "");
    assertThat(Invalidation.decode(m.encode())).isEqualTo(m);
    Invalidation p = new Invalidation("pub-1", 8, Invalidation.Op.PREFIX, List.of(), "user:42:");
    assertThat(Invalidation.decode(p.encode())).isEqualTo(p);
    Invalidation c = new Invalidation("pub-1", 9, Invalidation.Op.CLEAR, List.of(), "");
    assertThat(Invalidation.decode(c.encode())).isEqualTo(c);
    for (String bad : List.of("", "2|p|1|K|", "1|p|x|K|", "1|p|1|Z|", "1|p|1|K|9:short")) {
      assertThatThrownBy(() -> Invalidation.decode(bad))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("not an invalidation message");
    }
  }

  /** A breaker open for one second that notes "open" and "close" in {@code events}. */
  private static CircuitBreaker breaker(int threshold, ManualTimeSource time, List<String> events) {
    return new CircuitBreaker(
        threshold,
        Duration.ofSeconds(1).toNanos(),
        time,
        new CircuitBreaker.Listener() {
          @Override
          public void onOpen() {
            events.add("open");
          }

          @Override
          public void onClose() {
            events.add("close");
          }
        });
  }

  @Test
  void theBreakerOpensAfterConsecutiveFailuresAndProbesAfterTheOpenTime() {
    ManualTimeSource time = ManualTimeSource.create();
    List<String> events = new ArrayList<>();
    CircuitBreaker b = breaker(3, time, events);
    b.onFailure();
    b.onFailure();
    b.onSuccess();
    b.onFailure();
    b.onFailure();
    assertThat(b.state()).isEqualTo(CircuitBreaker.State.CLOSED);
    b.onFailure();
    assertThat(b.state()).isEqualTo(CircuitBreaker.State.OPEN);
    assertThat(b.allow()).isFalse();
    time.advance(Duration.ofSeconds(1));
    assertThat(b.allow()).as("the probe").isTrue();
    assertThat(b.state()).isEqualTo(CircuitBreaker.State.HALF_OPEN);
    assertThat(b.allow()).as("one probe at a time").isFalse();
    b.onFailure();
    assertThat(b.state()).isEqualTo(CircuitBreaker.State.OPEN);
    time.advance(Duration.ofSeconds(1));
    assertThat(b.allow()).isTrue();
    b.onSuccess();
    assertThat(b.state()).isEqualTo(CircuitBreaker.State.CLOSED);
    assertThat(b.allow()).isTrue();
    assertThat(events).containsExactly("open", "close");
  }

  @Test
  void aLateSuccessWhileOpenDoesNotCloseTheBreaker() {
    ManualTimeSource time = ManualTimeSource.create();
    List<String> events = new ArrayList<>();
    CircuitBreaker b = breaker(1, time, events);
    b.onFailure();
    b.onSuccess();
    assertThat(b.state())
        .as("the answer of a call sent before it opened")
        .isEqualTo(CircuitBreaker.State.OPEN);
    assertThat(b.allow()).isFalse();
    time.advance(Duration.ofSeconds(1));
    assertThat(b.allow()).as("the probe").isTrue();
    b.onSuccess();
    assertThat(b.state()).isEqualTo(CircuitBreaker.State.CLOSED);
    assertThat(events).containsExactly("open", "close");
  }

  @Test
  void aProbeThatNeverReportsIsReplaced() {
    ManualTimeSource time = ManualTimeSource.create();
    AtomicInteger opened = new AtomicInteger();
    CircuitBreaker b =
        new CircuitBreaker(
            1,
            100,
            time,
            new CircuitBreaker.Listener() {
              @Override
              public void onOpen() {
                opened.incrementAndGet();
              }

              @Override
              public void onClose() {}
            });
    b.onFailure();
    time.advance(Duration.ofNanos(100));
    assertThat(b.allow()).isTrue();
    time.advance(Duration.ofNanos(100));
    assertThat(b.allow()).isTrue();
    assertThat(opened).hasValue(1);
  }

  @Test
  void evictionPoliciesAreExplainedAtStart() {
    assertThat(RedisTier.describeEvictionPolicy("noeviction"))
        .contains("OOM")
        .contains("CacheInvalidationException");
    assertThat(RedisTier.describeEvictionPolicy("allkeys-lru"))
        .contains("nothing invalidated comes back");
    assertThat(RedisTier.describeEvictionPolicy("volatile-ttl")).contains("evicts cache keys");
    assertThat(RedisTier.describeEvictionPolicy("something-new")).contains("unknown");
  }
}
