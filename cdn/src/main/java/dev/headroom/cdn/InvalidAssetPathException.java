package dev.headroom.cdn;

/**
 * An asset path was rejected as unsafe or malformed. The message quotes the path and names the rule
 * it broke; {@link #path()} and {@link #rule()} give them separately.
 */
public final class InvalidAssetPathException extends IllegalArgumentException {

  private static final long serialVersionUID = 1L;

  private final String path;
  private final String rule;

  /** Creates the exception for {@code path}, which broke {@code rule}. */
  public InvalidAssetPathException(String path, String rule) {
    super("asset path '" + printable(path) + "' is rejected: " + rule);
    this.path = path;
    this.rule = rule;
  }

  /** The rejected path, as given. */
  public String path() {
    return path;
  }

  /** The rule the path broke, as a sentence fragment. */
  public String rule() {
    return rule;
  }

  /**
   * The path with control characters shown as {@code \\uXXXX}, so messages stay one readable line.
   */
  private static String printable(String path) {
    String shown = path.length() > 200 ? path.substring(0, 200) + "..." : path;
    StringBuilder out = new StringBuilder(shown.length());
    for (int i = 0; i < shown.length(); i++) {
      char c = shown.charAt(i);
      if (Character.isISOControl(c)) {
        out.append(String.format("\\u%04x", (int) c));
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }
}
