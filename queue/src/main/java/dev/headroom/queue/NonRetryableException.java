package dev.headroom.queue;

import org.jspecify.annotations.Nullable;

/**
 * Thrown by a handler (or extended by the handler's exception) to send its job straight to the dead
 * letters without further attempts: the input is wrong, and retrying cannot help. A job type can
 * also list other exception classes as non-retryable ({@link JobType.Builder#nonRetryable}).
 */
public class NonRetryableException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /** With a message. */
  public NonRetryableException(String message) {
    super(message);
  }

  /** With a message and a cause. */
  public NonRetryableException(String message, @Nullable Throwable cause) {
    super(message, cause);
  }
}
