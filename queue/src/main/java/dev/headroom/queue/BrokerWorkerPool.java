package dev.headroom.queue;

import dev.headroom.core.backoff.Backoff;
import dev.headroom.core.backoff.Jitter;
import dev.headroom.core.codec.Codec;
import dev.headroom.core.codec.JsonCodec;
import dev.headroom.core.concurrent.Failures;
import dev.headroom.core.time.TimeSource;
import dev.headroom.queue.WorkerBuilder.Handler;
import dev.headroom.queue.broker.Broker;
import dev.headroom.queue.broker.ClaimedJob;
import dev.headroom.queue.broker.Exchange;
import dev.headroom.queue.broker.RetrySpec;
import dev.headroom.queue.broker.Settlement;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A worker pool: {@code concurrency} slot threads, each looping "answer the last job and claim the
 * next" in one broker exchange, running the handler on its own thread, and waiting in {@link
 * Broker#awaitWork} when idle. On a remote store the slots' exchanges are combined ({@link
 * ExchangeCombiner}): one round trip serves every slot that is between two jobs. A maintenance task
 * renews the leases of running jobs every third of the lease. When the store is unreachable a slot
 * keeps its pending answer and retries with exponential backoff (the job's lease may expire
 * meanwhile: it then runs again elsewhere, and this answer is refused and counted as stale).
 */
final class BrokerWorkerPool implements WorkerPool {

  private static final Logger log = LoggerFactory.getLogger(BrokerWorkerPool.class);
  private static final Codec<Object> PROGRESS_JSON = JsonCodec.of(Object.class);
  private static final String PROCESS =
      ManagementFactory.getRuntimeMXBean().getName().replace(':', '.');
  // numbers the pools of this process: an in-memory store is never shared with another process
  private static final AtomicLong POOLS = new AtomicLong();

  private final BrokerJobQueue queue;
  private final Broker broker;
  private final Map<String, Handler<?>> handlers;
  private final int concurrency;
  private final ScheduledExecutorService maintenance;
  private final long leaseMillis;
  private final long pollMillis;
  private final boolean rateLimited;
  private final String workerId;
  private final String tokenBase;
  private final AtomicLong claims = new AtomicLong();
  private final Slot[] slots;
  private final @Nullable ExchangeCombiner combiner;
  private final CountDownLatch exited;
  private final Backoff outageBackoff =
      Backoff.exponential(Duration.ofMillis(50), Duration.ofSeconds(5))
          .jitter(Jitter.EQUAL)
          .unlimitedAttempts()
          .build();
  private volatile boolean accepting = true;
  private volatile boolean abandon;
  private @Nullable ScheduledFuture<?> renewal;
  private boolean shutDown;
  private int givenBack;

  BrokerWorkerPool(
      BrokerJobQueue queue,
      Map<String, Handler<?>> handlers,
      int concurrency,
      ScheduledExecutorService maintenance) {
    this.queue = queue;
    this.broker = queue.broker;
    this.handlers = handlers;
    this.concurrency = concurrency;
    this.maintenance = maintenance;
    this.leaseMillis = queue.options.lease().toMillis();
    this.pollMillis = queue.options.pollInterval().toMillis();
    // the claim's next-start time is on the store's clock: waiting it out is right only when that
    // clock is real time (not a test's manual clock, whose moves wake nobody)
    this.rateLimited =
        queue.options.rateLimit().isPresent()
            && ((queue.remote && queue.options.serverTime())
                || queue.options.timeSource() == TimeSource.system());
    this.workerId =
        PROCESS + "." + Long.toString(ThreadLocalRandom.current().nextLong() >>> 24, 36);
    // used without a combiner, that is in memory, where no other process claims: the pool's number
    // makes its tokens unique, and a short token is cheaper to make than one with the worker id
    this.tokenBase = Long.toString(POOLS.incrementAndGet(), 36) + ":";
    this.slots = new Slot[concurrency];
    this.combiner = queue.remote ? new ExchangeCombiner(broker, workerId, leaseMillis) : null;
    this.exited = new CountDownLatch(concurrency);
  }

  void start() {
    for (int i = 0; i < concurrency; i++) {
      slots[i] = new Slot("headroom-queue-" + queue.name + "-worker-" + i);
    }
    for (Slot s : slots) {
      s.thread.start();
    }
    long period = Math.max(1, leaseMillis / 3);
    renewal =
        maintenance.scheduleWithFixedDelay(
            this::renewLeases, period, period, TimeUnit.MILLISECONDS);
  }

  @Override
  public int concurrency() {
    return concurrency;
  }

  @Override
  public boolean isRunning() {
    return accepting;
  }

  @Override
  public int inFlight() {
    return running().size();
  }

  private void renewLeases() {
    List<Running> held = running();
    held.removeIf(r -> r.state.get() != Running.RUNNING);
    if (held.isEmpty()) {
      return;
    }
    List<ClaimedJob> jobs = new ArrayList<>(held.size());
    for (Running r : held) {
      jobs.add(r.job);
    }
    try {
      int[] ok = queue.call(() -> broker.renew(jobs, leaseMillis));
      for (int i = 0; i < ok.length; i++) {
        if (ok[i] == Broker.CANCEL_REQUESTED) {
          held.get(i).cancelRequested = true;
        }
        // a job answered or given back meanwhile left RUNNING before its answer was sent
        if (ok[i] == Broker.LOST
            && held.get(i).state.get() == Running.RUNNING
            && !held.get(i).leaseLost) {
          held.get(i).leaseLost = true;
          log.warn(
              "queue '{}': lost the lease of job {} while it ran; its answer will be ignored",
              queue.name,
              held.get(i).job.id());
        }
      }
    } catch (QueueUnavailableException e) {
      log.debug("queue '{}': could not renew leases", queue.name, e);
    } catch (RuntimeException e) {
      log.warn("queue '{}': renewing leases failed", queue.name, e);
    }
  }

  /** Answers and claims through the combiner (remote stores) or directly (in memory). */
  private ExchangeCombiner.Request exchange(@Nullable Settlement answer, boolean take) {
    if (combiner != null) {
      return combiner.exchange(answer, take);
    }
    Exchange ex =
        broker.exchange(
            answer == null ? List.of() : List.of(answer),
            take ? 1 : 0,
            tokenBase + claims.incrementAndGet() + ":",
            leaseMillis);
    ExchangeCombiner.Request r = new ExchangeCombiner.Request(answer, take, Thread.currentThread());
    r.accepted = answer != null && ex.accepted()[0];
    r.job = ex.claimed().isEmpty() ? null : ex.claimed().get(0);
    r.nextDueMillis = ex.nextDueMillis();
    r.epoch = ex.wakeEpoch();
    return r;
  }

  /** One slot: a thread that answers its last job and claims the next in one exchange. */
  private final class Slot implements Runnable {
    final Thread thread;
    volatile boolean idle;
    volatile @Nullable Running current;
    private Backoff.@Nullable Schedule waitFailures;

    Slot(String threadName) {
      thread = new Thread(this, threadName);
      thread.setDaemon(true);
    }

    @Override
    public void run() {
      Done pending = null;
      Backoff.Schedule outage = null;
      try {
        while (true) {
          boolean take = accepting;
          if (!take && pending == null) {
            return;
          }
          ExchangeCombiner.Request r;
          try {
            Settlement answer = pending == null ? null : pending.settlement;
            r = queue.call(() -> exchange(answer, take));
            outage = null;
          } catch (RuntimeException e) {
            if (!(e instanceof QueueUnavailableException)) {
              log.error("queue '{}': the store failed; retrying", queue.name, e);
            }
            if (!accepting && (pending == null || abandon)) {
              return;
            }
            outage = outage == null ? outageBackoff.schedule() : outage;
            if (!pause(outage.nextDelayMillis().orElse(5000)) && !accepting) {
              return;
            }
            continue;
          }
          if (pending != null) {
            report(pending, r.accepted);
            pending = null;
          }
          if (r.job == null) {
            if (take) {
              idleWait(r.asExchange());
            }
            continue;
          }
          pending = process(this, r.job);
        }
      } finally {
        exited.countDown();
      }
    }

    /**
     * Waits for work. A failure of the wait never ends the slot: it pauses (unreachable store: the
     * outage base; any other error, such as a store still loading: the outage backoff, growing
     * while the waits keep failing) and the loop claims again.
     */
    private void idleWait(Exchange ex) {
      idle = true;
      try {
        if (accepting) {
          // under a queue rate limit no job can start before the next start the claim announced:
          // wait for it (or a wake-up) rather than look again every poll interval
          long max =
              rateLimited && ex.nextDueMillis() > pollMillis ? ex.nextDueMillis() : pollMillis;
          broker.awaitWork(ex, max);
        }
        waitFailures = null;
      } catch (InterruptedException e) {
        // woken for shutdown: the loop looks at accepting again
      } catch (QueueUnavailableException e) {
        queue.unavailable(e);
        pause(outageBackoff.base().toMillis());
      } catch (RuntimeException e) {
        log.error("queue '{}': waiting for work failed; retrying", queue.name, e);
        waitFailures = waitFailures == null ? outageBackoff.schedule() : waitFailures;
        pause(waitFailures.nextDelayMillis().orElse(5000));
      } finally {
        idle = false;
        Thread.interrupted();
      }
    }

    private boolean pause(long millis) {
      try {
        TimeUnit.MILLISECONDS.sleep(millis);
        return true;
      } catch (InterruptedException e) {
        return false;
      }
    }
  }

  /**
   * A job a slot runs now. Its state leaves {@link #RUNNING} once, by compare-and-set: to {@link
   * #FINISHED} when the handler returns (the slot will answer), or to {@link #RELEASED} when
   * shutdown gives it back; so a job is answered or given back, never both.
   */
  private static final class Running {
    static final int RUNNING = 0;
    static final int FINISHED = 1;
    static final int RELEASED = 2;

    final ClaimedJob job;
    final Thread thread;
    final AtomicInteger state = new AtomicInteger(RUNNING);
    volatile boolean leaseLost;
    volatile boolean cancelRequested;
    volatile byte @Nullable [] result;
    boolean finished;
    boolean timedOut;

    Running(ClaimedJob job, Thread thread) {
      this.job = job;
      this.thread = thread;
    }
  }

  /** A finished attempt: its settlement and what listeners are told once it is stored. */
  private record Done(Settlement settlement, long nanos) {

    JobEvent event(String queue) {
      ClaimedJob job = settlement.job();
      Duration retryIn =
          settlement.kind() == Settlement.Kind.RETRY
              ? Duration.ofMillis(settlement.retryDelayMillis())
              : null;
      return new JobEvent(
          queue,
          job.id(),
          job.type(),
          job.attempt(),
          job.maxAttempts(),
          Duration.ofNanos(nanos),
          settlement.error(),
          retryIn,
          settlement.reason());
    }
  }

  /** Marks the job {@code id}, if a slot runs it now, as cancelled. */
  void requestCancel(String id) {
    for (Running r : running()) {
      if (r.job.id().equals(id)) {
        r.cancelRequested = true;
      }
    }
  }

  /** Stores a running job's progress; best effort (see {@link Job#progress(int)}). */
  private void reportProgress(Running r, String json) {
    if (r.leaseLost || r.state.get() != Running.RUNNING) {
      return;
    }
    try {
      int status = queue.call(() -> broker.progress(r.job, json));
      if (status == Broker.CANCEL_REQUESTED) {
        r.cancelRequested = true;
      } else if (status == Broker.LOST && r.state.get() == Running.RUNNING) {
        r.leaseLost = true;
      }
    } catch (RuntimeException e) {
      log.debug("queue '{}': could not store the progress of job {}", queue.name, r.job.id(), e);
    }
  }

  /** The jobs the slots run now. */
  private List<Running> running() {
    List<Running> held = new ArrayList<>(slots.length);
    for (Slot s : slots) {
      Running r = s.current;
      if (r != null) {
        held.add(r);
      }
    }
    return held;
  }

  private @Nullable Done process(Slot slot, ClaimedJob job) {
    Thread.interrupted();
    Running r = new Running(job, Thread.currentThread());
    slot.current = r;
    QueueMeters meters = queue.meters;
    if (meters != null && job.firstClaim()) {
      meters
          .type(job.type())
          .wait
          .record(
              Math.max(0, job.claimedAtMillis() - job.enqueuedAtMillis()), TimeUnit.MILLISECONDS);
    }
    // the clock is read only when something looks at the duration (a read is not free on every
    // machine); a listener added while this job runs is told a duration of zero
    boolean timed = meters != null || !queue.listeners.isEmpty();
    long start = timed ? System.nanoTime() : 0;
    Handler<?> h = handlers.get(job.type());
    Throwable failure = null;
    String deadReason = null;
    boolean answer;
    try {
      if (h == null) {
        failure =
            new IllegalStateException(
                "no handler for job type '"
                    + job.type()
                    + "' in this worker pool (it handles "
                    + handlers.keySet()
                    + ")");
        deadReason = DeadLetter.REASON_UNKNOWN_TYPE;
      } else {
        failure = invoke(h, job, r);
        if (failure instanceof UndecodablePayload u) {
          failure = u.getCause();
          deadReason = DeadLetter.REASON_UNDECODABLE;
        }
      }
    } finally {
      answer = r.state.compareAndSet(Running.RUNNING, Running.FINISHED);
      slot.current = null;
      Thread.interrupted();
    }
    long nanos = timed ? System.nanoTime() - start : 0;
    if (meters != null) {
      meters.type(job.type()).processing.record(nanos, TimeUnit.NANOSECONDS);
    }
    if (!answer) {
      return null;
    }
    if (failure == null) {
      return new Done(Settlement.complete(job, r.result), nanos);
    }
    JobError error = JobError.of(failure);
    if (deadReason == null && r.cancelRequested) {
      deadReason = DeadLetter.REASON_CANCELLED;
    } else if (deadReason == null && h != null && h.type().isNonRetryable(failure)) {
      deadReason = DeadLetter.REASON_NON_RETRYABLE;
    } else if (deadReason == null && job.attempt() >= job.maxAttempts()) {
      deadReason = DeadLetter.REASON_RETRIES_EXHAUSTED;
    }
    if (deadReason != null) {
      return new Done(new Settlement(job, Settlement.Kind.DEAD, 0, error, deadReason), nanos);
    }
    Backoff backoff =
        job.retrySpec().isEmpty()
            ? Objects.requireNonNull(h, "a job without a handler was dead-lettered above")
                .type()
                .backoff()
            : RetrySpec.parse(job.retrySpec());
    long delay = retryDelayMillis(backoff, job.attempt(), ThreadLocalRandom.current());
    return new Done(new Settlement(job, Settlement.Kind.RETRY, delay, error, null), nanos);
  }

  /**
   * The delay before the retry that follows failed attempt {@code attempt}. The delay drawn before
   * this attempt is not stored, so decorrelated jitter grows from its un-jittered value (the
   * exponential delay of the previous retry); the other jitters do not use it.
   */
  static long retryDelayMillis(Backoff backoff, int attempt, RandomGenerator random) {
    long previous = attempt > 1 ? backoff.exponentialMillis(attempt - 1) : 0;
    return backoff.delayMillis(attempt, previous, random);
  }

  /** Runs the handler; answers null on success, else the failure. */
  private <T> @Nullable Throwable invoke(Handler<T> h, ClaimedJob claimed, Running r) {
    T payload;
    try {
      payload = h.type().codec().decode(claimed.payload());
    } catch (RuntimeException e) {
      return new UndecodablePayload(e);
    }
    long timeout =
        claimed.timeoutMillis() > 0
            ? claimed.timeoutMillis()
            : h.type().timeout().map(Duration::toMillis).orElse(0L);
    Job<T> job = new ClaimedView<>(claimed, payload, r);
    try {
      if (h.sync() != null) {
        return runSync(h.sync(), job, r, timeout);
      }
      WorkerBuilder.Returning<T> returning = h.returning();
      if (returning != null) {
        return runSync(j -> r.result = returning.run(j), job, r, timeout);
      }
      CompletableFuture<?> f =
          java.util.Objects.requireNonNull(h.async()).handle(job).toCompletableFuture();
      try {
        Object value = timeout > 0 ? f.get(timeout, TimeUnit.MILLISECONDS) : f.get();
        var encoder = h.asyncResult();
        if (encoder != null && value != null) {
          r.result = encoder.apply(value);
        }
        return null;
      } catch (TimeoutException e) {
        f.cancel(true);
        return new TimeoutException(
            "job " + claimed.id() + " exceeded its timeout of " + timeout + " ms");
      } catch (ExecutionException e) {
        return Failures.unwrap(e);
      } catch (InterruptedException e) {
        f.cancel(true);
        return e;
      }
    } catch (Exception | LinkageError | AssertionError | StackOverflowError e) {
      return e;
    }
  }

  private <T> @Nullable Throwable runSync(
      JobHandler<T> handler, Job<T> job, Running r, long timeout) throws Exception {
    ScheduledFuture<?> timer = null;
    if (timeout > 0) {
      timer =
          maintenance.schedule(
              () -> {
                synchronized (r) {
                  if (!r.finished) {
                    r.timedOut = true;
                    r.thread.interrupt();
                  }
                }
              },
              timeout,
              TimeUnit.MILLISECONDS);
    }
    try {
      handler.handle(job);
      return null;
    } catch (Exception e) {
      synchronized (r) {
        if (r.timedOut) {
          TimeoutException t =
              new TimeoutException(
                  "job " + job.id() + " exceeded its timeout of " + timeout + " ms");
          t.initCause(e);
          return t;
        }
      }
      throw e;
    } finally {
      synchronized (r) {
        r.finished = true;
      }
      if (timer != null) {
        timer.cancel(false);
      }
    }
  }

  private void report(Done done, boolean accepted) {
    QueueMeters meters = queue.meters;
    if (!accepted) {
      log.warn(
          "queue '{}': the answer for job {} came after its lease had passed to another worker; ignored",
          queue.name,
          done.settlement.job().id());
      if (meters != null) {
        meters.stale.increment();
      }
      return;
    }
    Settlement s = done.settlement;
    if (meters != null) {
      QueueMeters.TypeMeters t = meters.type(s.job().type());
      switch (s.kind()) {
        case COMPLETE -> t.completed.increment();
        case RETRY -> t.retried.increment();
        case DEAD -> meters.dead(s.job().type(), String.valueOf(s.reason())).increment();
        default -> {}
      }
    }
    if (queue.listeners.isEmpty()) {
      return;
    }
    JobEvent e = done.event(queue.name);
    for (JobListener l : queue.listeners) {
      try {
        switch (done.settlement.kind()) {
          case COMPLETE -> l.onCompleted(e);
          case RETRY -> {
            l.onFailed(e);
            l.onRetrying(e);
          }
          case DEAD -> {
            l.onFailed(e);
            l.onDead(e);
          }
          default -> {}
        }
      } catch (RuntimeException ex) {
        log.warn("queue '{}': a job listener failed", queue.name, ex);
      }
    }
  }

  @Override
  public int shutdown(Duration deadline) {
    java.util.Objects.requireNonNull(deadline, "deadline");
    synchronized (this) {
      if (shutDown) {
        return givenBack;
      }
      shutDown = true;
      accepting = false;
    }
    broker.wakeAll();
    for (Slot s : slots) {
      if (s.idle) {
        s.thread.interrupt();
      }
    }
    boolean finished = awaitExit(deadline.toMillis());
    int back = 0;
    if (!finished) {
      abandon = true;
      List<Running> left = running();
      List<Settlement> release = new ArrayList<>(left.size());
      for (Running r : left) {
        // a handler that returned just now keeps its job: its slot answers it
        if (r.state.compareAndSet(Running.RUNNING, Running.RELEASED)) {
          release.add(Settlement.release(r.job));
        }
      }
      try {
        boolean[] ok =
            release.isEmpty()
                ? new boolean[0]
                : queue.call(() -> broker.exchange(release, 0, "", 0)).accepted();
        for (boolean b : ok) {
          back += b ? 1 : 0;
        }
      } catch (RuntimeException e) {
        log.warn(
            "queue '{}': could not give back {} unfinished job(s) at shutdown; they run again once their lease"
                + " expires",
            queue.name,
            release.size(),
            e);
      }
      for (Running r : left) {
        r.thread.interrupt();
      }
      for (Slot s : slots) {
        if (s.idle) {
          s.thread.interrupt();
        }
      }
    }
    ScheduledFuture<?> f = renewal;
    if (f != null) {
      f.cancel(false);
    }
    queue.poolStopped(this);
    if (back > 0) {
      log.info("queue '{}': gave {} unfinished job(s) back at shutdown", queue.name, back);
    }
    synchronized (this) {
      givenBack = back;
    }
    return back;
  }

  private boolean awaitExit(long millis) {
    try {
      return exited.await(millis, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return exited.getCount() == 0;
    }
  }

  @Override
  public void close() {
    shutdown(WorkerBuilder.DEFAULT_SHUTDOWN_DEADLINE);
  }

  @Override
  public String toString() {
    return "WorkerPool["
        + queue.name
        + ", concurrency="
        + concurrency
        + ", "
        + (accepting ? "running" : "stopped")
        + "]";
  }

  /** Marks a payload the codec could not decode. */
  private static final class UndecodablePayload extends RuntimeException {
    private static final long serialVersionUID = 1L;

    UndecodablePayload(RuntimeException cause) {
      super(cause);
    }
  }

  /** The handler's view of a claimed job. */
  private final class ClaimedView<T> implements Job<T> {
    private final ClaimedJob job;
    private final T payload;
    private final Running running;

    ClaimedView(ClaimedJob job, T payload, Running running) {
      this.job = job;
      this.payload = payload;
      this.running = running;
    }

    @Override
    public String id() {
      return job.id();
    }

    @Override
    public String type() {
      return job.type();
    }

    @Override
    public T payload() {
      return payload;
    }

    @Override
    public int attempt() {
      return job.attempt();
    }

    @Override
    public int maxAttempts() {
      return job.maxAttempts();
    }

    @Override
    public int priority() {
      return job.priority();
    }

    @Override
    public Instant enqueuedAt() {
      return Instant.ofEpochMilli(job.enqueuedAtMillis());
    }

    @Override
    public boolean leaseLost() {
      return running.leaseLost || running.state.get() == Running.RELEASED;
    }

    @Override
    public boolean cancelRequested() {
      return running.cancelRequested;
    }

    @Override
    public void progress(int percent) {
      Job.super.progress(percent);
      reportProgress(running, Integer.toString(percent));
    }

    @Override
    public void progress(Object value) {
      Job.super.progress(value);
      byte[] json = PROGRESS_JSON.encode(value);
      if (json.length > MAX_PROGRESS_BYTES) {
        throw new IllegalArgumentException(
            "progress must encode to at most "
                + MAX_PROGRESS_BYTES
                + " bytes of JSON, was "
                + json.length);
      }
      reportProgress(running, new String(json, StandardCharsets.UTF_8));
    }

    @Override
    public String toString() {
      return "Job["
          + job.id()
          + ", "
          + job.type()
          + ", attempt "
          + job.attempt()
          + "/"
          + job.maxAttempts()
          + "]";
    }
  }
}
