package dev.headroom.queue;

import dev.headroom.queue.broker.Broker;
import dev.headroom.queue.broker.ClaimedJob;
import dev.headroom.queue.broker.Exchange;
import dev.headroom.queue.broker.Settlement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.jspecify.annotations.Nullable;

/**
 * Flat combining of the worker slots' exchanges with a remote broker: each slot posts its request
 * (an answer, a wish for a job, or both); a slot that finds no exchange in flight (at most {@value
 * #MAX_IN_FLIGHT}) takes every posted request (up to {@value #MAX_BATCH}) into one {@link
 * Broker#exchangeAsync} and parks like the others. Under load one round trip answers and claims for
 * many slots; a lone slot pays nothing extra.
 *
 * <p>The reply is handed out by the thread that completes the call (the client's I/O thread), which
 * wakes each slot of the batch directly: no leader thread has to be scheduled first. A completed
 * call wakes the oldest posted request, whose slot then sends it (a 1 ms park bounds any miss). Two
 * calls in flight were measured too: the batches split (three times the calls, each with its fixed
 * cost in Redis, for the same jobs) with no gain in throughput.
 */
final class ExchangeCombiner {

  static final int MAX_BATCH = 128;
  static final int MAX_IN_FLIGHT = 1;
  private static final long PARK_NANOS = 1_000_000;

  private final Broker broker;
  private final String workerId;
  private final long leaseMillis;
  private final AtomicLong calls = new AtomicLong();
  private final ConcurrentLinkedQueue<Request> pending = new ConcurrentLinkedQueue<>();
  private final AtomicInteger inFlight = new AtomicInteger();

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
      int n = inFlight.get();
      if (n < MAX_IN_FLIGHT && !pending.isEmpty() && inFlight.compareAndSet(n, n + 1)) {
        send();
      } else if (!r.done) {
        LockSupport.parkNanos(this, PARK_NANOS);
      }
    }
    if (r.failure != null) {
      throw r.failure;
    }
    return r;
  }

  /** Sends the posted requests as one exchange (holding one of the in-flight permits). */
  private void send() {
    List<Request> batch = new ArrayList<>();
    Request q;
    while (batch.size() < MAX_BATCH && (q = pending.poll()) != null) {
      batch.add(q);
    }
    if (batch.isEmpty()) {
      inFlight.decrementAndGet();
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
    CompletableFuture<Exchange> call;
    try {
      call =
          broker.exchangeAsync(
              settlements, claims, workerId + ":" + calls.incrementAndGet() + ":", leaseMillis);
    } catch (RuntimeException e) {
      call = CompletableFuture.failedFuture(e);
    }
    // finish never throws: nothing is lost by not keeping the dependent future
    var unused = call.whenComplete((ex, e) -> finish(batch, ex, e));
  }

  /** Hands each request of a batch its part of the reply (or the failure) and wakes its slot. */
  private void finish(List<Request> batch, @Nullable Exchange ex, @Nullable Throwable error) {
    if (ex != null) {
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
    } else {
      Throwable t = error;
      while (t instanceof CompletionException && t.getCause() != null) {
        t = t.getCause();
      }
      RuntimeException failure =
          t instanceof RuntimeException re ? re : new IllegalStateException("exchange failed", t);
      for (Request req : batch) {
        req.failure = failure;
      }
    }
    inFlight.decrementAndGet();
    for (Request req : batch) {
      req.done = true;
      LockSupport.unpark(req.thread);
    }
    // a request posted while every permit was taken is sent by its own thread, woken here
    Request next = pending.peek();
    if (next != null) {
      LockSupport.unpark(next.thread);
    }
  }
}
