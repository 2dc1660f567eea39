package dev.headroom.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The open-addressing dedupe index of one window, on its own. */
class KeyWindowTest {

  /** A key whose hash code is chosen, so tests can force collisions. */
  record Key(String name, int hash) {
    @Override
    public int hashCode() {
      return hash;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Key k && k.name.equals(name);
    }
  }

  private static int add(KeyWindow w, Object key, Object slot, int max) {
    return w.add(key, key.hashCode(), slot, max);
  }

  @Test
  void keysKeepTheirFirstRequestOrderAndTheirSlots() {
    KeyWindow w = new KeyWindow(8);
    assertThat(add(w, "b", "slot-b", 100)).isZero();
    assertThat(add(w, "a", "slot-a", 100)).isEqualTo(1);
    assertThat(add(w, "c", "slot-c", 100)).isEqualTo(2);

    assertThat(w.size()).isEqualTo(3);
    assertThat(w.keys()).startsWith("b", "a", "c");
    assertThat(w.slots()).startsWith("slot-b", "slot-a", "slot-c");
    assertThat(w.indexOf("a", "a".hashCode())).isEqualTo(1);
    assertThat(w.slot(1)).isEqualTo("slot-a");
    w.slot(1, "replaced");
    assertThat(w.slots()[1]).isEqualTo("replaced");
  }

  @Test
  void aMissingKeyIsMinusOne() {
    KeyWindow w = new KeyWindow(8);
    assertThat(w.indexOf("x", "x".hashCode())).isEqualTo(-1);
    add(w, "y", 1, 8);
    assertThat(w.indexOf("x", "x".hashCode())).isEqualTo(-1);
  }

  @Test
  void keysWithOneHashCodeAreToldApartByEquals() {
    KeyWindow w = new KeyWindow(8);
    for (int i = 0; i < 8; i++) {
      add(w, new Key("k" + i, 42), i, 8);
    }
    for (int i = 0; i < 8; i++) {
      assertThat(w.indexOf(new Key("k" + i, 42), 42)).isEqualTo(i);
    }
    assertThat(w.indexOf(new Key("other", 42), 42)).isEqualTo(-1);
  }

  @Test
  void growsFromItsFirstCapacityUpToTheMaximumAndKeepsEveryKey() {
    KeyWindow w = new KeyWindow(1);
    for (int i = 0; i < 1000; i++) {
      add(w, i, "s" + i, 1000);
    }
    assertThat(w.size()).isEqualTo(1000);
    assertThat(w.keys()).hasSize(1000);
    for (int i = 0; i < 1000; i++) {
      assertThat(w.indexOf(i, Integer.hashCode(i))).isEqualTo(i);
      assertThat(w.slot(i)).isEqualTo("s" + i);
    }
    assertThatThrownBy(() -> add(w, 1000, "over", 1000)).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void agreesWithAHashMapOnRandomKeys() {
    Random random = new Random(7);
    KeyWindow w = new KeyWindow(8);
    Map<Integer, Integer> positions = new HashMap<>();
    List<Integer> order = new ArrayList<>();
    for (int n = 0; n < 5000; n++) {
      int key = random.nextInt(3000) - 1500;
      int at = w.indexOf(key, Integer.hashCode(key));
      Integer expected = positions.get(key);
      assertThat(at).isEqualTo(expected == null ? -1 : expected);
      if (expected == null) {
        positions.put(key, add(w, key, key, Integer.MAX_VALUE));
        order.add(key);
      }
    }
    assertThat(w.size()).isEqualTo(order.size());
    for (int i = 0; i < order.size(); i++) {
      assertThat(w.keys()[i]).isEqualTo(order.get(i));
    }
  }

  @Test
  void aReopenedWindowForgetsTheKeysOfTheSealedOneAndLeavesTheirArraysAlone() {
    KeyWindow w = new KeyWindow(8);
    for (int i = 0; i < 20; i++) {
      add(w, i, "s" + i, 20);
    }
    Object[] sealedKeys = w.keys();
    Object[] sealedSlots = w.slots();
    w.release();
    assertThat(w.size()).isZero();

    for (int capacity : new int[] {20, 4, 64}) {
      w.reopen(capacity);
      assertThat(w.size()).isZero();
      for (int i = 0; i < 20; i++) {
        assertThat(w.indexOf(i, Integer.hashCode(i))).isEqualTo(-1);
      }
      for (int i = 0; i < 30; i++) {
        assertThat(add(w, 100 + i, "t" + i, 30)).isEqualTo(i);
      }
      for (int i = 0; i < 30; i++) {
        assertThat(w.indexOf(100 + i, Integer.hashCode(100 + i))).isEqualTo(i);
        assertThat(w.slot(i)).isEqualTo("t" + i);
      }
      assertThat(w.indexOf(5, Integer.hashCode(5))).isEqualTo(-1);
      assertThat(w.keys()).isNotSameAs(sealedKeys);
      w.release();
    }
    for (int i = 0; i < 20; i++) {
      assertThat(sealedKeys[i]).isEqualTo(i);
      assertThat(sealedSlots[i]).isEqualTo("s" + i);
    }
  }
}
