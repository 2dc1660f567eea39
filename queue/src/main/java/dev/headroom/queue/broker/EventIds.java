package dev.headroom.queue.broker;

/**
 * Event ids as Redis streams write them: {@code <ms>-<n>}, or {@code <ms>} alone for {@code
 * <ms>-0}.
 */
public final class EventIds {

  private EventIds() {}

  /**
   * The two numbers of an id.
   *
   * @throws IllegalArgumentException if it is not an event id
   */
  public static long[] parse(String id) {
    int dash = id.indexOf('-');
    try {
      long ms = Long.parseLong(dash < 0 ? id : id.substring(0, dash));
      long n = dash < 0 ? 0 : Long.parseLong(id.substring(dash + 1));
      if (ms < 0 || n < 0) {
        throw new NumberFormatException("negative");
      }
      return new long[] {ms, n};
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "an event id is <ms>-<n> with two non-negative numbers (or \"0\"), was '" + id + "'", e);
    }
  }

  /** Compares two parsed ids. */
  public static int compare(long[] a, long[] b) {
    return a[0] != b[0] ? Long.compare(a[0], b[0]) : Long.compare(a[1], b[1]);
  }
}
