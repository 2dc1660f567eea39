package dev.headroom.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/** One command to a test server, and polling a condition on servers the testkit started. */
final class Poll {

  private Poll() {}

  /** Sends one command on a fresh connection; I/O and Redis errors throw unchecked. */
  static @Nullable Object call(RedisServer node, String... args) {
    try (Resp r = new Resp(node.host(), node.port(), 5000)) {
      return r.call(args);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "'" + String.join(" ", args) + "' on port " + node.port() + ": " + e.getMessage(), e);
    }
  }

  /**
   * Polls {@code done} every 50 ms until it is true; a poll that throws counts as false. Throws
   * with {@code what} once {@code timeout} has passed.
   */
  static void until(Duration timeout, Supplier<String> what, BooleanSupplier done) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      boolean ok;
      try {
        ok = done.getAsBoolean();
      } catch (UncheckedIOException | IllegalStateException e) {
        ok = false;
      }
      if (ok) {
        return;
      }
      if (System.nanoTime() > deadline) {
        String detail;
        try {
          detail = what.get();
        } catch (RuntimeException e) {
          detail = "(" + e.getMessage() + ")";
        }
        throw new IllegalStateException("timed out after " + timeout + " waiting for " + detail);
      }
      RedisServer.pause(50);
    }
  }
}
