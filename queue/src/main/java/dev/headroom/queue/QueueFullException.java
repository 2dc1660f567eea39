package dev.headroom.queue;

/**
 * An in-memory queue holds its {@linkplain JobQueueConfig#capacity() capacity} of unfinished jobs;
 * nothing was enqueued.
 */
public class QueueFullException extends QueueException {

  private static final long serialVersionUID = 1L;

  private final long capacity;

  /** An exception for queue {@code queueName} at {@code capacity} unfinished jobs. */
  public QueueFullException(String queueName, long capacity, int asked) {
    super(
        queueName,
        "full: it holds its capacity of "
            + capacity
            + " unfinished jobs (waiting, delayed or active)"
            + (asked > 1 ? "; none of the " + asked + " jobs was enqueued" : ""),
        null);
    this.capacity = capacity;
  }

  /** The capacity that was reached. */
  public long capacity() {
    return capacity;
  }
}
