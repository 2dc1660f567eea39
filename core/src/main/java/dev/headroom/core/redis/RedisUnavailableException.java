package dev.headroom.core.redis;

import org.jspecify.annotations.Nullable;

/**
 * Redis could not be reached or did not answer in time. Primitives catch it to apply their failure
 * mode (serve L1, fail open, fall back to a local limiter…); the message names the endpoint (with
 * the password masked) and what failed.
 */
public final class RedisUnavailableException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /** Creates the exception. */
  public RedisUnavailableException(String message, @Nullable Throwable cause) {
    super(message, cause);
  }
}
