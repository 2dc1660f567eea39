package dev.headroom.spring.boot;

import org.jspecify.annotations.Nullable;

/** Applies one property to a Headroom builder, naming the property when its value is refused. */
final class Props {

  private Props() {}

  /**
   * Runs {@code setter} when {@code value} is set; a refusal is rethrown naming {@code property}, the
   * value and the rule (from Headroom's own message).
   */
  static <T> void apply(String property, @Nullable T value, java.util.function.Consumer<T> setter) {
    if (value == null) {
      return;
    }
    try {
      setter.accept(value);
    } catch (RuntimeException e) {
      throw invalid(property, value, e.getMessage());
    }
  }

  /** The failure for a refused property: its name, its value and the rule. */
  static InvalidHeadroomPropertyException invalid(
      String property, @Nullable Object value, @Nullable String rule) {
    return new InvalidHeadroomPropertyException(property, value, String.valueOf(rule));
  }
}
