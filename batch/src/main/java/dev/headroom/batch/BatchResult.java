package dev.headroom.batch;

import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What one loader call answers: a value for some keys, an error for others; a requested key in
 * neither is <em>absent</em> (the batcher answers it as its absent contract says: an empty {@code
 * Optional}, a default, or {@link MissingValueException}). Keys that were not requested are
 * ignored. Immutable.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public final class BatchResult<K, V> {

  // Built from the aligned arrays on first use when the result was made by aligned(...).
  private volatile @Nullable Map<K, V> values;
  private final Map<K, Throwable> failures;
  // For aligned(...): the caller's key list (compared by identity only), its keys (an array at
  // least as long as the values) and the values.
  private final @Nullable List<K> alignedTo;
  private final Object @Nullable [] alignedKeys;
  private final Object @Nullable [] alignedValues;

  private BatchResult(Map<K, V> values, Map<K, Throwable> failures) {
    this.values = values;
    this.failures = failures;
    this.alignedTo = null;
    this.alignedKeys = null;
    this.alignedValues = null;
  }

  private BatchResult(List<K> alignedTo, Object[] alignedKeys, Object[] alignedValues) {
    this.values = null;
    this.failures = Map.of();
    this.alignedTo = alignedTo;
    this.alignedKeys = alignedKeys;
    this.alignedValues = alignedValues;
  }

  /**
   * Values by key; a key missing from the map (or mapped to {@code null}) is absent. The map is
   * copied.
   */
  public static <K, V> BatchResult<K, V> of(Map<? extends K, ? extends @Nullable V> values) {
    Objects.requireNonNull(values, "values");
    Map<K, V> copy = new HashMap<>(Math.max(4, values.size() * 4 / 3 + 1));
    for (Map.Entry<? extends K, ? extends @Nullable V> e : values.entrySet()) {
      V v = e.getValue();
      if (v != null) {
        copy.put(e.getKey(), v);
      }
    }
    return new BatchResult<>(copy, Map.of());
  }

  /**
   * Values aligned with the keys: {@code values.get(i)} belongs to {@code keys.get(i)}; a {@code
   * null} element means absent.
   *
   * @throws IllegalArgumentException if the sizes differ: no value is assigned to any key then
   */
  public static <K, V> BatchResult<K, V> aligned(List<K> keys, List<? extends @Nullable V> values) {
    Objects.requireNonNull(keys, "keys");
    Objects.requireNonNull(values, "values");
    if (keys.size() != values.size()) {
      throw new IllegalArgumentException(
          "the loader returned "
              + values.size()
              + " values for "
              + keys.size()
              + " keys; a list result must have exactly one element per key, in the keys' order");
    }
    // Kept as arrays: the batcher reads them by position; the map is built only if asked for.
    // The batcher's own key list is never changed: its array needs no copy.
    Object[] keyArray = keys instanceof KeyList<K> own ? own.elements() : keys.toArray();
    return new BatchResult<>(keys, keyArray, values.toArray());
  }

  /** A builder for a result with values and per-key errors. */
  public static <K, V> Builder<K, V> builder() {
    return new Builder<>();
  }

  /** The values by key (unmodifiable). */
  public Map<K, V> values() {
    return Collections.unmodifiableMap(map());
  }

  private Map<K, V> map() {
    Map<K, V> map = values;
    if (map == null) {
      map = alignedMap();
      values = map;
    }
    return map;
  }

  @SuppressWarnings("unchecked")
  private Map<K, V> alignedMap() {
    Object[] keys = Objects.requireNonNull(alignedKeys);
    Object[] vals = Objects.requireNonNull(alignedValues);
    Map<K, V> map = new HashMap<>(Math.max(4, keys.length * 4 / 3 + 1));
    for (int i = 0; i < vals.length; i++) {
      Object v = vals[i];
      if (v != null) {
        map.put((K) keys[i], (V) v);
      }
    }
    return map;
  }

  /** The per-key errors by key (unmodifiable). */
  public Map<K, Throwable> failures() {
    return Collections.unmodifiableMap(failures);
  }

  @Nullable V value(K key) {
    return map().get(key);
  }

  /**
   * The value of {@code key}, the {@code i}-th of {@code requested} (the keys the loader was
   * given).
   */
  @SuppressWarnings("unchecked")
  @Nullable V valueAt(List<K> requested, int i, K key) {
    Object[] vals = alignedValues;
    if (vals != null && requested == alignedTo && i < vals.length) {
      return (V) vals[i];
    }
    return map().get(key);
  }

  /** Whether any key failed. */
  boolean hasFailures() {
    return !failures.isEmpty();
  }

  @Nullable Throwable failure(K key) {
    return failures.isEmpty() ? null : failures.get(key);
  }

  @Override
  public String toString() {
    return "BatchResult[" + map().size() + " values, " + failures.size() + " failures]";
  }

  /**
   * Collects values and per-key errors; a later call for the same key replaces the earlier one. Not
   * thread-safe.
   *
   * @param <K> the key type
   * @param <V> the value type
   */
  public static final class Builder<K, V> {
    private final Map<K, V> values = new HashMap<>();
    private final Map<K, Throwable> failures = new HashMap<>();

    private Builder() {}

    /** The value of {@code key}. */
    public Builder<K, V> value(K key, V value) {
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(value, "value");
      failures.remove(key);
      values.put(key, value);
      return this;
    }

    /**
     * An error for {@code key} alone: that key fails (or is retried), the others are unaffected.
     */
    public Builder<K, V> failure(K key, Throwable error) {
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(error, "error");
      values.remove(key);
      failures.put(key, error);
      return this;
    }

    /** The immutable result. */
    public BatchResult<K, V> build() {
      return new BatchResult<>(
          new HashMap<>(values), failures.isEmpty() ? Map.of() : new HashMap<>(failures));
    }
  }
}
