package dev.headroom.batch;

import dev.headroom.core.time.Cancellable;
import dev.headroom.core.time.TimeSource;
import java.lang.ref.WeakReference;
import org.jspecify.annotations.Nullable;

/*
 * Design.
 *
 * One timer serving many deadlines that come in order (every window of a batcher lingers as long,
 * every loader call has the same timeout), so scheduling one task per deadline, the expensive part
 * of a small window, is not needed: the timer is armed for the earliest deadline that matters and
 * re-armed by its owner when it fires. Arming for a deadline not earlier than the armed one
 * schedules nothing.
 *
 * The timer holds its owner weakly while nothing waits on it (idle): a batcher dropped by its user
 * can be collected before that timer fires. While a window is open or a call is in flight the task
 * holds the owner strongly, so keys are never stranded: arming marks the task busy again.
 *
 * Not thread-safe on its own: every method but the task's run is called under the owner's lock,
 * and the owner's fire() takes that lock and claims the task (claim answers false for a task that
 * was cancelled or replaced after it was already due) before acting.
 */
/**
 * A timer that serves many ordered deadlines with one scheduled task; guarded by its owner's lock.
 */
final class CoalescedTimer {

  /** What the owner does when the timer fires; it takes its lock and {@link #claim}s the task. */
  @FunctionalInterface
  interface Owner {
    void fire(Task task);
  }

  private final TimeSource time;
  private final Owner owner;
  private @Nullable Task task;
  private @Nullable Cancellable handle;

  CoalescedTimer(TimeSource time, Owner owner) {
    this.time = time;
    this.owner = owner;
  }

  /**
   * Makes sure the timer fires by {@code deadline} (on the time source's clock, read as {@code
   * now}): schedules it unless armed for no later, and marks it busy.
   */
  void arm(long deadline, long now) {
    Task armed = task;
    if (armed != null) {
      if (armed.deadline - deadline <= 0) {
        if (armed.strong == null) {
          armed.strong = this;
        }
        return;
      }
      cancel();
    }
    Task t = new Task(this, deadline);
    task = t;
    handle = time.schedule(t, deadline - now);
  }

  /** Cancels the armed task, if any. */
  void cancel() {
    Cancellable h = handle;
    task = null;
    handle = null;
    if (h != null) {
      h.cancel();
    }
  }

  /** Nothing waits on the timer now: it stays armed, holding its owner weakly. */
  void idle() {
    Task armed = task;
    if (armed != null) {
      armed.strong = null;
    }
  }

  /** Whether {@code t} is the armed task (not a cancelled or replaced one); disarms if so. */
  boolean claim(Task t) {
    if (task != t) {
      return false;
    }
    task = null;
    handle = null;
    return true;
  }

  /** Whether a task is armed. */
  boolean armed() {
    return task != null;
  }

  /** Whether the armed task holds its owner strongly (something waits on it). */
  boolean busy() {
    Task t = task;
    return t != null && t.strong != null;
  }

  /**
   * The time source's time, but not before {@code deadline}: a task runs no earlier than its delay,
   * so its own deadline has passed when it runs, whatever the clock says.
   */
  long nowAtLeast(long deadline) {
    long now = time.nanoTime();
    return now - deadline < 0 ? deadline : now;
  }

  /**
   * The scheduled task: holds the timer (hence its owner) strongly while busy, weakly when idle.
   */
  static final class Task implements Runnable {
    final long deadline;
    private final WeakReference<CoalescedTimer> weak;
    volatile @Nullable CoalescedTimer strong;

    Task(CoalescedTimer timer, long deadline) {
      this.deadline = deadline;
      this.weak = new WeakReference<>(timer);
      this.strong = timer;
    }

    @Override
    public void run() {
      CoalescedTimer timer = strong;
      if (timer == null) {
        timer = weak.get();
      }
      if (timer != null) {
        timer.owner.fire(this);
      }
    }
  }
}
