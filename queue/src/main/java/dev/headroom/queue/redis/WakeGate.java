package dev.headroom.queue.redis;

import java.util.concurrent.TimeUnit;

/**
 * The local half of idle waiting: one thread of the process (the watcher) blocks on Redis, the
 * others wait here; a wake-up is passed on one thread at a time. The epoch changes on every
 * wake-up, so a thread that read it before claiming nothing does not sleep through a wake-up that
 * came in between.
 */
final class WakeGate {

  private long epoch;
  private boolean watching;
  private volatile int waiters;

  synchronized long epoch() {
    return epoch;
  }

  /**
   * Answers true if the caller became the watcher (it must call {@link #watcherDone()}); otherwise
   * waits here at most {@code millis} (not at all if the epoch moved since {@code seen}) and
   * answers false.
   */
  synchronized boolean becomeWatcher(long seen, long millis) throws InterruptedException {
    if (epoch != seen) {
      return false;
    }
    if (!watching) {
      watching = true;
      return true;
    }
    waiters++;
    try {
      TimeUnit.MILLISECONDS.timedWait(this, millis);
    } finally {
      waiters--;
    }
    return false;
  }

  synchronized void watcherDone() {
    watching = false;
    epoch++;
    if (waiters > 0) {
      notify();
    }
  }

  /** A thread claimed work: wake one more waiter, which may find more. */
  void passOn() {
    if (waiters == 0) {
      return;
    }
    synchronized (this) {
      if (waiters > 0) {
        epoch++;
        notify();
      }
    }
  }

  synchronized void wakeAll() {
    epoch++;
    notifyAll();
  }
}
