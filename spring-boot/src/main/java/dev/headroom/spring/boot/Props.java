package dev.headroom.spring.boot;

import org.jspecify.annotations.Nullable;

/** Applies one property to a Headroom builder, naming the property when its value is refused. */
final class Props {

  private Props() {}

  /**
   * Runs {@code setter} when {@code value} is set; a refusal is rethrown naming {@code property},
   * the value and the rule (from Headroom's own message).
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

  /** The key space {@code <headroom.redis.namespace>:<kind>}. */
  static dev.headroom.core.key.KeySpace keySpace(
      org.springframework.core.env.Environment environment, String kind) {
    String ns = environment.getProperty("headroom.redis.namespace", "headroom");
    try {
      return dev.headroom.core.key.KeySpace.of(ns, kind);
    } catch (RuntimeException e) {
      throw invalid("headroom.redis.namespace", ns, e.getMessage());
    }
  }

  /**
   * The failure for a Headroom config refusing a value after the properties were applied: its
   * message ({@code "maximumSize must be at least 1, was 0"}) names the field, which becomes the
   * property under {@code prefix} ({@code headroom.cache.caches.users.maximum-size}).
   */
  static InvalidHeadroomPropertyException refused(String prefix, RuntimeException e) {
    String message = String.valueOf(e.getMessage());
    int space = message.indexOf(' ');
    String field = space > 0 ? message.substring(0, space) : "";
    int was = message.lastIndexOf(", was ");
    String value = was >= 0 ? message.substring(was + 6) : null;
    String property =
        field.matches("[a-z][A-Za-z0-9]*")
            ? prefix + "." + field.replaceAll("([A-Z])", "-$1").toLowerCase(java.util.Locale.ROOT)
            : prefix;
    return invalid(property, value, message);
  }

  /** The failure for a refused property: its name, its value and the rule. */
  static InvalidHeadroomPropertyException invalid(
      String property, @Nullable Object value, @Nullable String rule) {
    return new InvalidHeadroomPropertyException(property, value, String.valueOf(rule));
  }
}
