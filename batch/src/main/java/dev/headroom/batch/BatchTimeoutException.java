package dev.headroom.batch;

/**
 * The loader did not answer within the configured {@linkplain BatcherConfig#loaderTimeout() loader
 * timeout}; every key of that call fails (or is retried) with it.
 */
public final class BatchTimeoutException extends BatchLoadException {

  private static final long serialVersionUID = 1L;

  BatchTimeoutException(String batcherName, String message, int attempts) {
    super(batcherName, message, attempts, null);
  }
}
