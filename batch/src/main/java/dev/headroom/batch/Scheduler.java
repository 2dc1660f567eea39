package dev.headroom.batch;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs a task once after a delay: the timers of batchers (linger, loader timeout, retry delay)
 * and debouncers. Tasks must be short; they hand real work to an executor.
 *
 * <p>Implementations must be thread-safe. Use {@link #system()} in production; tests use a
 * scheduler driven by a manual time source so they move time instead of sleeping.
 */
@FunctionalInterface
public interface Scheduler {

  /**
   * Runs {@code task} once, no earlier than {@code delayNanos} from now (a delay of zero or less
   * runs it as soon as possible, never on the calling thread's stack).
   *
   * @return a handle that cancels the task if it has not started
   */
  Cancellable schedule(Runnable task, long delayNanos);

  /**
   * The time on the clock this scheduler measures its delays on, in nanoseconds from an arbitrary
   * origin: {@link System#nanoTime()} unless overridden. A scheduler driven by a manual time source
   * answers that source's time. Batchers read it to share one timer among many deadlines.
   */
  default long nanoTime() {
    return System.nanoTime();
  }

  /** Like {@link #schedule(Runnable, long)} with a {@link Duration}. */
  default Cancellable schedule(Runnable task, Duration delay) {
    return schedule(task, delay.toNanos());
  }

  /**
   * One process-wide daemon thread, started on first use. Shared by every batcher and debouncer
   * that is not given a scheduler of its own.
   */
  static Scheduler system() {
    return SystemScheduler.INSTANCE;
  }

  /** Schedules on {@code executor}; the caller owns it and shuts it down. */
  static Scheduler of(ScheduledExecutorService executor) {
    Objects.requireNonNull(executor, "executor");
    return (task, delayNanos) -> {
      ScheduledFuture<?> f = executor.schedule(task, Math.max(0, delayNanos), TimeUnit.NANOSECONDS);
      return () -> f.cancel(false);
    };
  }

  /** A scheduled task's handle. */
  @FunctionalInterface
  interface Cancellable {
    /** Cancels the task if it has not started; does nothing otherwise. Idempotent. */
    void cancel();
  }
}
