package dev.headroom.core.time;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.PriorityQueue;
import org.jspecify.annotations.Nullable;

/**
 * A time source that moves only when told to, for tests and simulations. Both readings advance
 * together with {@link #advance(Duration)}; the wall clock alone can be set with {@link
 * #setWallClock(Instant)} to simulate a clock adjustment. Thread-safe.
 *
 * <p>Scheduled tasks run on the thread that calls {@link #advance(Duration)}, in deadline order
 * (ties in scheduling order), each with the clock set to its own deadline; a task scheduled while
 * the clock advances runs in the same call if it falls due before the target. Tasks due now (a
 * delay of zero or less) run at the next {@link #advance(Duration)} or {@link #runDueTasks()}.
 */
public final class ManualTimeSource implements TimeSource {

  private record Timer(long deadline, long seq, Runnable task) {}

  private final Object lock = new Object();
  private final PriorityQueue<Timer> timers =
      new PriorityQueue<>(
          (a, b) ->
              a.deadline != b.deadline
                  ? Long.compare(a.deadline, b.deadline)
                  : Long.compare(a.seq, b.seq));
  private volatile long nanos;

  /** The wall clock in epoch nanoseconds minus {@link #nanos}: both move together in any step. */
  private volatile long wallOffsetNanos;

  private long seq;

  private ManualTimeSource(long nanos, Instant wallClock) {
    this.nanos = nanos;
    this.wallOffsetNanos = epochNanos(wallClock) - nanos;
  }

  private static long epochNanos(Instant instant) {
    return Math.addExact(
        Math.multiplyExact(instant.getEpochSecond(), 1_000_000_000L), instant.getNano());
  }

  /** Starts at wall-clock time {@code 2026-01-01T00:00:00Z} and an arbitrary nano origin. */
  public static ManualTimeSource create() {
    return startingAt(Instant.parse("2026-01-01T00:00:00Z"));
  }

  /** Starts at the given wall-clock time. */
  public static ManualTimeSource startingAt(Instant wallClock) {
    Objects.requireNonNull(wallClock, "wallClock");
    return new ManualTimeSource(1_000_000_000L, wallClock);
  }

  /**
   * Moves both readings forward, running every task that falls due on the way.
   *
   * @throws IllegalArgumentException if {@code amount} is negative: monotonic time never goes back
   */
  public ManualTimeSource advance(Duration amount) {
    Objects.requireNonNull(amount, "amount");
    if (amount.isNegative()) {
      throw new IllegalArgumentException("amount must not be negative, was " + amount);
    }
    long target;
    synchronized (lock) {
      target = nanos + amount.toNanos();
    }
    while (true) {
      Timer due;
      synchronized (lock) {
        Timer head = timers.peek();
        if (head == null || head.deadline > target) {
          nanos = Math.max(nanos, target);
          return this;
        }
        due = timers.poll();
        nanos = Math.max(nanos, due.deadline);
      }
      due.task.run();
    }
  }

  /** Runs the tasks already due at the current time; answers how many ran. */
  public int runDueTasks() {
    int ran = 0;
    while (true) {
      Timer due;
      synchronized (lock) {
        Timer head = timers.peek();
        if (head == null || head.deadline > nanos) {
          return ran;
        }
        due = timers.poll();
      }
      due.task.run();
      ran++;
    }
  }

  /** How many scheduled tasks have not run or been cancelled yet. */
  public int pendingTasks() {
    synchronized (lock) {
      return timers.size();
    }
  }

  /** Sets the wall clock only (monotonic time is unaffected), as a clock adjustment would. */
  public ManualTimeSource setWallClock(Instant wallClock) {
    Objects.requireNonNull(wallClock, "wallClock");
    synchronized (lock) {
      wallOffsetNanos = epochNanos(wallClock) - nanos;
    }
    return this;
  }

  @Override
  public long nanoTime() {
    return nanos;
  }

  @Override
  public long currentTimeMillis() {
    return Math.floorDiv(nanos + wallOffsetNanos, 1_000_000L);
  }

  @Override
  public Cancellable schedule(Runnable task, long delayNanos) {
    Objects.requireNonNull(task, "task");
    Timer t;
    synchronized (lock) {
      t = new Timer(nanos + Math.max(0, delayNanos), seq++, task);
      timers.add(t);
    }
    Timer scheduled = t;
    return () -> {
      synchronized (lock) {
        timers.remove(scheduled);
      }
    };
  }

  /** The deadline of the next scheduled task, in this source's nanoseconds, if any. */
  public @Nullable Long nextDeadlineNanos() {
    synchronized (lock) {
      Timer head = timers.peek();
      return head == null ? null : head.deadline;
    }
  }

  @Override
  public String toString() {
    return "ManualTimeSource[" + now() + "]";
  }
}
