package dev.headroom.batch;

import java.util.Arrays;

/*
 * Design.
 *
 * The distinct keys of one open window in first-request order, each with its hash code and a slot
 * (what the batcher keeps per key: its callers' futures), in three parallel arrays, plus an
 * open-addressing index for dedupe: linear probing in an int table at most half full, holding
 * position + 1 (0 is empty), homed by a Fibonacci hash of the key's hash code. Keys are never
 * removed, so probing needs no tombstones. The arrays start at the size the caller expects (the
 * previous window's) and double up to a maximum, re-indexing once per growth.
 *
 * Sealing a window hands the key and slot arrays to the loader call as they are, so nothing is
 * copied per key; the window then lets go of them (release) and may be reopened for the next
 * window, which gets key and slot arrays of its own but keeps the hash and index arrays (cleared),
 * since only an open window reads them. Not thread-safe: the batcher's lock guards it.
 */
/** The keys of one window with their slots, and an open-addressing index from key to position. */
final class KeyWindow {

  /** The smallest capacity; a window grows when it fills before its maximum. */
  static final int MIN_CAPACITY = 8;

  private Object[] keys;
  private Object[] slots;
  private int[] hashes;
  private int[] index;
  private int shift;
  private int size;

  private static final Object[] NONE = {};

  /** An empty window with room for {@code capacity} keys before it grows. */
  KeyWindow(int capacity) {
    int c = Math.max(1, capacity);
    keys = new Object[c];
    slots = new Object[c];
    hashes = new int[c];
    index = new int[indexLength(c)];
    shift = Integer.numberOfLeadingZeros(index.length) + 1;
  }

  private static int indexLength(int capacity) {
    return Integer.highestOneBit(Math.max(MIN_CAPACITY, capacity) * 2 - 1) << 1;
  }

  private void sizeIndex(int capacity) {
    index = new int[indexLength(capacity)];
    shift = Integer.numberOfLeadingZeros(index.length) + 1;
  }

  /**
   * Lets go of the key and slot arrays (handed to a batch by a sealed window) and empties the
   * window; {@link #reopen} makes it usable again.
   */
  void release() {
    keys = NONE;
    slots = NONE;
    size = 0;
  }

  /**
   * Makes a released window an empty one with room for {@code capacity} keys before it grows: new
   * key and slot arrays, the hash and index arrays reused (the index cleared) when they fit.
   */
  void reopen(int capacity) {
    int c = Math.max(1, capacity);
    keys = new Object[c];
    slots = new Object[c];
    size = 0;
    if (hashes.length < c) {
      hashes = new int[c];
    }
    int length = indexLength(c);
    if (index.length == length) {
      Arrays.fill(index, 0);
    } else {
      sizeIndex(c);
    }
  }

  private int home(int hash) {
    return (hash * 0x9E3779B9) >>> shift;
  }

  /** The position of {@code key} (whose hash code is {@code hash}), or -1. */
  int indexOf(Object key, int hash) {
    int mask = index.length - 1;
    for (int i = home(hash); ; i = (i + 1) & mask) {
      int p = index[i] - 1;
      if (p < 0) {
        return -1;
      }
      if (hashes[p] == hash && key.equals(keys[p])) {
        return p;
      }
    }
  }

  /**
   * Adds a key known to be absent at the next position, growing up to {@code maxCapacity}.
   *
   * @return its position
   */
  int add(Object key, int hash, Object slot, int maxCapacity) {
    if (size == keys.length) {
      grow((int) Math.min(2L * keys.length, maxCapacity));
    }
    int p = size++;
    keys[p] = key;
    hashes[p] = hash;
    slots[p] = slot;
    place(p);
    return p;
  }

  private void place(int p) {
    int mask = index.length - 1;
    int i = home(hashes[p]);
    while (index[i] != 0) {
      i = (i + 1) & mask;
    }
    index[i] = p + 1;
  }

  private void grow(int capacity) {
    if (capacity <= keys.length) {
      throw new IllegalStateException("the window is full at " + keys.length + " keys");
    }
    keys = Arrays.copyOf(keys, capacity);
    slots = Arrays.copyOf(slots, capacity);
    if (hashes.length < capacity) {
      hashes = Arrays.copyOf(hashes, capacity);
    }
    sizeIndex(capacity);
    for (int p = 0; p < size; p++) {
      place(p);
    }
  }

  /** The number of keys. */
  int size() {
    return size;
  }

  /** The slot at {@code position}. */
  Object slot(int position) {
    return slots[position];
  }

  /** Replaces the slot at {@code position}. */
  void slot(int position, Object slot) {
    slots[position] = slot;
  }

  /** The keys array, shared (its first {@link #size()} elements are the keys). */
  Object[] keys() {
    return keys;
  }

  /** The slots array, shared, aligned with {@link #keys()}. */
  Object[] slots() {
    return slots;
  }
}
