package dev.headroom.batch;

import dev.headroom.core.time.ManualTimeSource;
import java.time.Duration;
import java.util.PriorityQueue;

/**
 * A scheduler that runs nothing until a test moves time with {@link #advance(Duration)}; tasks
 * then run in due order on the test's thread, each with the clock set to its due time.
 */
final class ManualScheduler implements Scheduler {

  private final ManualTimeSource time;
  private final PriorityQueue<Task> tasks = new PriorityQueue<>();
  private long sequence;

  ManualScheduler(ManualTimeSource time) {
    this.time = time;
  }

  ManualTimeSource time() {
    return time;
  }

  @Override
  public long nanoTime() {
    return time.nanoTime();
  }

  @Override
  public synchronized Cancellable schedule(Runnable runnable, long delayNanos) {
    Task task = new Task(time.nanoTime() + Math.max(0, delayNanos), sequence++, runnable);
    tasks.add(task);
    return () -> cancel(task);
  }

  private synchronized void cancel(Task task) {
    tasks.remove(task);
  }

  /** Moves time forward by {@code amount}, running every task that falls due on the way. */
  void advance(Duration amount) {
    long target = time.nanoTime() + amount.toNanos();
    while (true) {
      Task next;
      synchronized (this) {
        next = tasks.peek();
        if (next == null || next.due > target) {
          break;
        }
        tasks.poll();
      }
      long now = time.nanoTime();
      if (next.due > now) {
        time.advance(Duration.ofNanos(next.due - now));
      }
      next.runnable.run();
    }
    long now = time.nanoTime();
    if (target > now) {
      time.advance(Duration.ofNanos(target - now));
    }
  }

  /** Runs the tasks due now without moving time. */
  void runDue() {
    advance(Duration.ZERO);
  }

  synchronized int scheduled() {
    return tasks.size();
  }

  private static final class Task implements Comparable<Task> {
    final long due;
    final long seq;
    final Runnable runnable;

    Task(long due, long seq, Runnable runnable) {
      this.due = due;
      this.seq = seq;
      this.runnable = runnable;
    }

    @Override
    public int compareTo(Task o) {
      int c = Long.compare(due, o.due);
      return c != 0 ? c : Long.compare(seq, o.seq);
    }
  }
}
