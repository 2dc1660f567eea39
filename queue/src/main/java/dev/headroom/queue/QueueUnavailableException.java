package dev.headroom.queue;

import org.jspecify.annotations.Nullable;

/**
 * Redis could not be reached, or did not answer within the command timeout. Thrown by {@link
 * JobQueue#enqueue enqueue} instead of reporting success: a job is accepted only once Redis stored
 * it. After a timeout the job may or may not be stored; enqueue again with the same {@linkplain
 * JobOptions.Builder#jobId(String) job id} to make the retry safe.
 */
public class QueueUnavailableException extends QueueException {

  private static final long serialVersionUID = 1L;

  /** An exception for queue {@code queueName}. */
  public QueueUnavailableException(String queueName, String message, @Nullable Throwable cause) {
    super(queueName, message, cause);
  }
}
