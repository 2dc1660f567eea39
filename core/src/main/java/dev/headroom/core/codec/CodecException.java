package dev.headroom.core.codec;

/**
 * A value could not be encoded or decoded. The message names the direction, the target type and the
 * size of the input; the cause is the underlying parser or mapper error.
 */
public final class CodecException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /** Creates the exception. */
  public CodecException(String message, Throwable cause) {
    super(message, cause);
  }
}
