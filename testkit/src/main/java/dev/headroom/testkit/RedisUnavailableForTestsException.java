package dev.headroom.testkit;

import java.util.Objects;

/** No Redis could be had for a test: the message says what was tried and how to get one. */
public final class RedisUnavailableForTestsException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  RedisUnavailableForTestsException(String message, Throwable cause) {
    super(message, cause);
  }

  RedisUnavailableForTestsException(String message) {
    super(message);
  }

  /** The message; never null, as every constructor takes one. */
  @Override
  public String getMessage() {
    return Objects.requireNonNull(super.getMessage(), "message");
  }
}
