package dev.headroom.spring.boot;

import org.jspecify.annotations.Nullable;

/**
 * A {@code headroom.*} property whose value Headroom refuses; startup fails with it. The message
 * names the property, the value and the rule: {@code headroom.cache.caches.users.maximum-size=0 is
 * invalid: maximumSize must be at least 1, was 0}.
 */
public final class InvalidHeadroomPropertyException extends IllegalArgumentException {

  private static final long serialVersionUID = 1L;

  private final String property;
  private final @Nullable String value;
  private final String rule;

  /** A refusal of {@code property} set to {@code value}, breaking {@code rule}. */
  public InvalidHeadroomPropertyException(String property, @Nullable Object value, String rule) {
    super(property + "=" + value + " is invalid: " + rule);
    this.property = property;
    this.value = value == null ? null : String.valueOf(value);
    this.rule = rule;
  }

  /** The full property name, such as {@code headroom.cache.caches.users.maximum-size}. */
  public String property() {
    return property;
  }

  /** The refused value, as text. */
  public @Nullable String value() {
    return value;
  }

  /** The rule the value breaks. */
  public String rule() {
    return rule;
  }
}
