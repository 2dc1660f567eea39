package dev.headroom.batch;

/**
 * A load was refused because the batcher already holds its {@linkplain
 * BatcherConfig#maxPendingKeys() maximum of pending keys}: thrown by {@code load} under {@link
 * Overflow#failFast()}, or the failure of the returned future under {@link Overflow#reject()} and
 * after the wait of {@link Overflow#block(java.time.Duration)}.
 */
public final class BatcherFullException extends BatchException {

  private static final long serialVersionUID = 1L;

  BatcherFullException(String batcherName, String message) {
    super(batcherName, message, null);
  }
}
