package dev.headroom.queue;

import org.jspecify.annotations.Nullable;

/** A queue operation failed; the message and {@link #queueName()} name the queue. */
public class QueueException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final String queueName;

  /** An exception for queue {@code queueName}. */
  public QueueException(String queueName, String message, @Nullable Throwable cause) {
    super("queue '" + queueName + "': " + message, cause);
    this.queueName = queueName;
  }

  /** The queue the operation was on. */
  public String queueName() {
    return queueName;
  }
}
