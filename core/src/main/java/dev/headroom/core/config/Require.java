package dev.headroom.core.config;

import java.time.Duration;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Checks for builders and factories. Each failure is an {@link IllegalArgumentException} (or a
 * {@link NullPointerException} for a missing value) whose message names the field, the value and
 * the rule, such as {@code "maxBatchSize must be at least 1, was 0"}.
 */
public final class Require {

  private Require() {}

  /**
   * {@code value} itself, or a {@link NullPointerException} that says {@code field must not be
   * null}.
   */
  public static <T> T nonNull(String field, @Nullable T value) {
    return Objects.requireNonNull(value, () -> field + " must not be null");
  }

  /** {@code value} if it is at least 1. */
  public static int positive(String field, int value) {
    return atLeast(field, value, 1);
  }

  /** {@code value} if it is at least 1. */
  public static long positive(String field, long value) {
    if (value < 1) {
      throw fail(field, value, "be at least 1");
    }
    return value;
  }

  /** {@code value} if it is at least 0. */
  public static int nonNegative(String field, int value) {
    return atLeast(field, value, 0);
  }

  /** {@code value} if it is at least 0. */
  public static long nonNegative(String field, long value) {
    if (value < 0) {
      throw fail(field, value, "be at least 0");
    }
    return value;
  }

  /** {@code value} if it is at least {@code min}. */
  public static int atLeast(String field, int value, int min) {
    if (value < min) {
      throw fail(field, value, "be at least " + min);
    }
    return value;
  }

  /** {@code value} if it lies in {@code [min, max]}. */
  public static int inRange(String field, int value, int min, int max) {
    if (value < min || value > max) {
      throw fail(field, value, "be between " + min + " and " + max);
    }
    return value;
  }

  /** {@code value} if it is finite and lies in {@code [min, max]}. */
  public static double inRange(String field, double value, double min, double max) {
    if (!(value >= min && value <= max)) {
      throw fail(field, value, "be between " + min + " and " + max);
    }
    return value;
  }

  /** {@code value} if it is non-null and longer than zero. */
  public static Duration positive(String field, @Nullable Duration value) {
    Duration v = nonNull(field, value);
    if (v.isNegative() || v.isZero()) {
      throw fail(field, v, "be positive");
    }
    return v;
  }

  /** {@code value} if it is non-null and not negative. */
  public static Duration nonNegative(String field, @Nullable Duration value) {
    Duration v = nonNull(field, value);
    if (v.isNegative()) {
      throw fail(field, v, "not be negative");
    }
    return v;
  }

  /** {@code value} if it is non-null and has a character other than white space. */
  public static String notBlank(String field, @Nullable String value) {
    String v = nonNull(field, value);
    if (v.isBlank()) {
      throw fail(field, "'" + v + "'", "not be blank");
    }
    return v;
  }

  /** Throws with {@code rule} (such as {@code "be at most maxSize"}) unless {@code ok}. */
  public static void that(boolean ok, String field, @Nullable Object value, String rule) {
    if (!ok) {
      throw fail(field, value, rule);
    }
  }

  /** The exception {@link #that} throws: {@code "<field> must <rule>, was <value>"}. */
  public static IllegalArgumentException fail(String field, @Nullable Object value, String rule) {
    return new IllegalArgumentException(field + " must " + rule + ", was " + value);
  }
}
