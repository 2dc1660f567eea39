package dev.headroom.core.time;

/** A scheduled task's handle. */
@FunctionalInterface
public interface Cancellable {

  /** Cancels the task if it has not started; does nothing otherwise. Idempotent. */
  void cancel();
}
