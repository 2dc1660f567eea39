package dev.headroom.batch;

/**
 * The loader returned no value for a key of a batcher made by {@link Batchers#createRequired},
 * where every key must have one.
 */
public final class MissingValueException extends BatchException {

  private static final long serialVersionUID = 1L;

  MissingValueException(String batcherName, String message) {
    super(batcherName, message, null);
  }
}
