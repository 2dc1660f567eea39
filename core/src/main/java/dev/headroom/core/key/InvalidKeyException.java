package dev.headroom.core.key;

/** A key or key-space part that cannot be used: empty, too long, or with forbidden characters. */
public final class InvalidKeyException extends IllegalArgumentException {

  private static final long serialVersionUID = 1L;

  /** Creates the exception with a message that names the key, the value and the rule. */
  public InvalidKeyException(String message) {
    super(message);
  }
}
