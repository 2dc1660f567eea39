package dev.headroom.core.config;

import java.util.List;

/**
 * The configuration is invalid. The message lists every problem found, each naming the variable,
 * its value (secrets masked) and what was expected; {@link #problems()} lists them one by one.
 */
public final class ConfigException extends IllegalStateException {

  private static final long serialVersionUID = 1L;

  private final List<String> problems;

  /** Creates the exception from one or more problems. */
  public ConfigException(List<String> problems) {
    super(
        problems.size() == 1
            ? "invalid configuration: " + problems.get(0)
            : "invalid configuration ("
                + problems.size()
                + " problems): "
                + String.join("; ", problems));
    this.problems = List.copyOf(problems);
  }

  /** Each problem, as a sentence. */
  public List<String> problems() {
    return problems;
  }
}
