package dev.headroom.cache.redis;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The bookkeeping of changes that did not reach Redis, on its own. */
class PendingRepairsTest {

  private final PendingRepairs pending = new PendingRepairs();

  @Test
  void aKeyBeingChangedOrPendingIsCoveredUntilSettled() {
    assertThat(pending.coversNothing()).isTrue();
    pending.sending(List.of("a"));
    assertThat(pending.covers("a")).isTrue();
    assertThat(pending.isEmpty()).as("being sent is not pending").isTrue();
    pending.addKeys(List.of("a"));
    pending.sent(List.of("a"));
    assertThat(pending.covers("a")).isTrue();
    assertThat(pending.covers("b")).isFalse();
    PendingRepairs.Snapshot todo = pending.snapshot();
    assertThat(todo.keys()).containsExactly("a");
    pending.settledKeys(todo.keys(), todo.upTo());
    assertThat(pending.covers("a")).isFalse();
    assertThat(pending.coversNothing()).isTrue();
  }

  @Test
  void aFailureDuringARepairStaysPending() {
    pending.addKeys(List.of("a"));
    PendingRepairs.Snapshot todo = pending.snapshot();
    pending.addKeys(List.of("a"));
    pending.settledKeys(todo.keys(), todo.upTo());
    assertThat(pending.covers("a")).as("failed again after the repair started").isTrue();
  }

  @Test
  void aSuccessfulWriteSettlesOnlyOlderFailures() {
    long since = pending.now();
    pending.addKeys(List.of("a"));
    pending.settledKeys(List.of("a"), since);
    assertThat(pending.covers("a")).isTrue();
    pending.settledKeys(List.of("a"), pending.now());
    assertThat(pending.covers("a")).isFalse();
  }

  @Test
  void prefixesCoverTheirKeysAndSettleWhatIsUnderThem() {
    pending.addPrefix("user:");
    pending.addKeys(List.of("user:1", "item:1"));
    assertThat(pending.covers("user:42")).isTrue();
    assertThat(pending.covers("item:2")).isFalse();
    pending.settledPrefix("user:", pending.now());
    assertThat(pending.covers("user:1")).isFalse();
    assertThat(pending.covers("item:1")).isTrue();
  }

  @Test
  void overflowMakesTheWholeCachePending() {
    pending.addKeys(
        IntStream.range(0, PendingRepairs.MAX_KEYS + 1).mapToObj(i -> "k" + i).toList());
    assertThat(pending.snapshot().everything()).isTrue();
    assertThat(pending.covers("anything")).isTrue();
    pending.settledPrefix("", pending.now());
    assertThat(pending.isEmpty()).isTrue();
    for (int i = 0; i <= PendingRepairs.MAX_PREFIXES; i++) {
      pending.addPrefix("p" + i + ":");
    }
    assertThat(pending.snapshot().everything()).isTrue();
  }
}
