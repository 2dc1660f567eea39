package dev.headroom.batch;

import java.util.AbstractList;
import java.util.Arrays;
import java.util.Objects;
import java.util.RandomAccess;

/** An unmodifiable list over the first {@code size} elements of an array nobody changes again. */
final class KeyList<E> extends AbstractList<E> implements RandomAccess {
  private final Object[] elements;
  private final int size;

  KeyList(Object[] elements, int size) {
    this.elements = elements;
    this.size = size;
  }

  @Override
  @SuppressWarnings("unchecked")
  public E get(int i) {
    Objects.checkIndex(i, size);
    return (E) elements[i];
  }

  @Override
  public int size() {
    return size;
  }

  /** The backing array, shared: its first {@link #size()} elements are this list's. */
  Object[] elements() {
    return elements;
  }

  @Override
  public Object[] toArray() {
    return Arrays.copyOf(elements, size, Object[].class);
  }
}
