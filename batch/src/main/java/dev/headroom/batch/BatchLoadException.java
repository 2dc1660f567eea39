package dev.headroom.batch;

import org.jspecify.annotations.Nullable;

/**
 * The loader could not produce a key's value: the whole loader call failed (thrown, failed stage,
 * {@code null} answer, a list of the wrong size), or the loader reported an error for that key
 * alone. The cause is the loader's error. {@link #attempts()} says how many loader calls were made
 * for the key, retries included.
 */
public class BatchLoadException extends BatchException {

  private static final long serialVersionUID = 1L;

  private final int attempts;

  BatchLoadException(String batcherName, String message, int attempts, @Nullable Throwable cause) {
    super(batcherName, message, cause);
    this.attempts = attempts;
  }

  /** Loader calls made for the key, the first try included. */
  public int attempts() {
    return attempts;
  }
}
