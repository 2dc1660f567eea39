package dev.headroom.core.config;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Where configuration is read from: the process environment in production, a map in tests. This is
 * the only place in Headroom that reads {@code System.getenv}. A variable that is set but blank
 * reads as absent.
 */
@FunctionalInterface
public interface Environment {

  /** The raw value of a variable, if it is set to something other than blank text. */
  Optional<String> get(String name);

  /** The process environment. */
  static Environment system() {
    return name -> nonBlank(System.getenv(name));
  }

  /**
   * A fixed environment, for tests and for configuration that comes from elsewhere. The map is
   * copied.
   */
  static Environment of(Map<String, String> variables) {
    Map<String, String> copy = Map.copyOf(Objects.requireNonNull(variables, "variables"));
    return name -> nonBlank(copy.get(name));
  }

  private static Optional<String> nonBlank(@Nullable String value) {
    return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.strip());
  }
}
