package dev.headroom.batch;

import org.jspecify.annotations.Nullable;

/**
 * The base of every exception a batcher completes a load with; carries the batcher's name.
 * Unchecked.
 */
public abstract class BatchException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final String batcherName;

  BatchException(String batcherName, String message, @Nullable Throwable cause) {
    super("batcher '" + batcherName + "': " + message, cause);
    this.batcherName = batcherName;
  }

  /** The name of the batcher that failed the load. */
  public String batcherName() {
    return batcherName;
  }
}
