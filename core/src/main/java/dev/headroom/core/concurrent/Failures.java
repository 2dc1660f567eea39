package dev.headroom.core.concurrent;

import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/** Helpers for failures that come back wrapped from futures. */
public final class Failures {

  private Failures() {}

  /**
   * The cause a {@link CompletionException} or {@link ExecutionException} wraps (through any number
   * of such wrappers), or {@code failure} itself when it is not such a wrapper or has no cause.
   */
  public static Throwable unwrap(Throwable failure) {
    Throwable cur = failure;
    while ((cur instanceof CompletionException || cur instanceof ExecutionException)
        && cur.getCause() != null) {
      cur = cur.getCause();
    }
    return cur;
  }
}
