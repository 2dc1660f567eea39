package dev.headroom.queue;

import dev.headroom.queue.broker.Broker;
import dev.headroom.queue.broker.ClaimedJob;
import dev.headroom.queue.broker.Exchange;
import dev.headroom.queue.broker.Settlement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.jspecify.annotations.Nullable;

/**
 * Flat combining of the worker slots' exchanges with a remote broker: each slot posts its request
 * (an answer, a wish for a job, or both); whichever slot finds no exchange in flight takes every
 * posted request (up to {@value #MAX_BATCH}) into one {@link Broker#exchange} and hands each slot
 * its part. Under load one round trip answers and claims for many slots; a lone slot pays nothing
 * extra. Waiting slots park until served; a leader that finishes wakes the next waiting slot so a
 * request posted during its call is served too (a 1 ms park bounds any miss).
 */
final class ExchangeCombiner {

  static final int MAX_BATCH = 128;
  private static final long PARK_NANOS = 1_000_000;

  private final Broker broker;
  private final String workerId;
  private final long leaseMillis;
  private final AtomicLong calls = new AtomicLong();
  private final ConcurrentLinkedQueue<Request> pending = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean busy = new AtomicBoolean();

  ExchangeCombiner(Broker broker, String workerId, long leaseMillis) {
    this.broker = broker;
    this.workerId = workerId;
    this.leaseMillis = leaseMillis;
  }

  /** One slot's part of an exchange. */
  static final class Request {
    final @Nullable Settlement settlement;
    final boolean claim;
    final Thread thread;
    volatile boolean done;
    boolean accepted;
    @Nullable ClaimedJob job;
    long nextDueMillis = -1;
    long epoch;
    @Nullable RuntimeException failure;

    Request(@Nullable Settlement settlement, boolean claim, Thread thread) {
      this.settlement = settlement;
      this.claim = claim;
      this.thread = thread;
    }

    /** What an idle slot needs for {@link Broker#awaitWork}. */
    Exchange asExchange() {
      return new Exchange(new boolean[0], List.of(), nextDueMillis, epoch);
    }
  }

  /**
   * Answers {@code settlement} (if any) and claims a job if {@code claim}, combined with other
   * slots' requests; throws what the broker threw.
   */
  Request exchange(@Nullable Settlement settlement, boolean claim) {
    Request r = new Request(settlement, claim, Thread.currentThread());
    pending.add(r);
    while (!r.done) {
      if (busy.compareAndSet(false, true)) {
        try {
          combine();
        } finally {
          busy.set(false);
        }
        Request next = pending.peek();
        if (next != null) {
          LockSupport.unpark(next.thread);
        }
      } else {
        LockSupport.parkNanos(this, PARK_NANOS);
      }
    }
    if (r.failure != null) {
      throw r.failure;
    }
    return r;
  }

  private void combine() {
    List<Request> batch = new ArrayList<>();
    Request q;
    while (batch.size() < MAX_BATCH && (q = pending.poll()) != null) {
      batch.add(q);
    }
    if (batch.isEmpty()) {
      return;
    }
    List<Settlement> settlements = new ArrayList<>(batch.size());
    int claims = 0;
    for (Request req : batch) {
      if (req.settlement != null) {
        settlements.add(req.settlement);
      }
      claims += req.claim ? 1 : 0;
    }
    try {
      Exchange ex =
          broker.exchange(
              settlements, claims, workerId + ":" + calls.incrementAndGet() + ":", leaseMillis);
      int s = 0;
      int c = 0;
      for (Request req : batch) {
        if (req.settlement != null) {
          req.accepted = ex.accepted()[s++];
        }
        if (req.claim && c < ex.claimed().size()) {
          req.job = ex.claimed().get(c++);
        }
        req.nextDueMillis = ex.nextDueMillis();
        req.epoch = ex.wakeEpoch();
      }
    } catch (RuntimeException e) {
      for (Request req : batch) {
        req.failure = e;
      }
    }
    Thread self = Thread.currentThread();
    for (Request req : batch) {
      req.done = true;
      if (req.thread != self) {
        LockSupport.unpark(req.thread);
      }
    }
  }
}
