package dev.headroom.queue;

import dev.headroom.core.health.Health;
import dev.headroom.core.health.HealthStatus;
import dev.headroom.core.health.Outage;
import dev.headroom.core.time.TimeSource;
import dev.headroom.queue.broker.Broker;
import dev.headroom.queue.broker.NewJob;
import dev.headroom.queue.broker.RetrySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link JobQueue} over any {@link Broker}: builds jobs from types and options, runs worker
 * pools, keeps health, meters and the maintenance thread (lease renewal, reaping, handler
 * timeouts). The same code drives every backend, so they behave alike by construction.
 */
final class BrokerJobQueue implements JobQueue {

  private static final Logger log = LoggerFactory.getLogger(BrokerJobQueue.class);
  private static final long COUNTS_MAX_AGE_NANOS = TimeUnit.SECONDS.toNanos(1);
  private static final int CONTROL_BATCH = 1000;

  final String name;
  final Broker broker;
  final JobQueueConfig options;
  final TimeSource time;
  final boolean remote;
  final @Nullable QueueMeters meters;
  final List<JobListener> listeners = new CopyOnWriteArrayList<>();
  private final Set<BrokerWorkerPool> pools = ConcurrentHashMap.newKeySet();
  private final Set<EventSubscription> subscriptions = ConcurrentHashMap.newKeySet();
  private final String idPrefix =
      Long.toString(ThreadLocalRandom.current().nextLong() >>> 12, 36) + "-";
  private final AtomicLong idSeq = new AtomicLong();
  private final Object stateLock = new Object();
  private @Nullable ScheduledExecutorService maintenance;
  private volatile boolean closed;
  private final Outage outage;
  private volatile @Nullable QueueCounts cachedCounts;
  private volatile long cachedAtNanos;
  private final long dedupeMillis;
  private final QueueSchedules schedules;

  BrokerJobQueue(Broker broker, JobQueueConfig options, boolean remote) {
    this.name = broker.queueName();
    this.broker = broker;
    this.options = options;
    this.time = options.timeSource();
    this.remote = remote;
    this.outage = new Outage("queue '" + name + "'", time);
    this.dedupeMillis = options.dedupeWindow().toMillis();
    try {
      this.meters = options.meterRegistry().map(r -> new QueueMeters(r, this)).orElse(null);
    } catch (RuntimeException e) {
      broker.close();
      throw e;
    }
    broker.onMissingJob(this::missingJob);
    this.schedules = new QueueSchedules(this);
  }

  private void missingJob(String id) {
    log.warn(
        "queue '{}': job {} was missing from the store (its data was evicted or deleted); it is"
            + " dead-lettered as '{}' and cannot run. Redis must run with maxmemory-policy"
            + " noeviction for a queue",
        name,
        id,
        DeadLetter.REASON_MISSING);
    if (meters != null) {
      meters.dead("", DeadLetter.REASON_MISSING).increment();
    }
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public <T> String enqueue(JobType<T> type, T payload, JobOptions jobOptions) {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(jobOptions, "options");
    checkOpen();
    NewJob job = newJob(type, payload, jobOptions, jobOptions.jobId().orElseGet(this::nextId));
    long dedupe = jobOptions.jobId().isPresent() ? dedupeMillis : 0;
    boolean[] stored =
        call(
            () -> dedupe > 0 ? broker.enqueue(List.of(job), dedupe) : broker.enqueue(List.of(job)));
    if (meters != null && stored[0]) {
      meters.type(type.name()).enqueued.increment();
    }
    return job.id();
  }

  @Override
  public <T> List<String> enqueueAll(
      JobType<T> type, List<? extends T> payloads, JobOptions jobOptions) {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(payloads, "payloads");
    Objects.requireNonNull(jobOptions, "options");
    if (jobOptions.jobId().isPresent()) {
      throw new IllegalArgumentException(
          "enqueueAll gives each job its own id: options must not carry a jobId, had '"
              + jobOptions.jobId().get()
              + "'");
    }
    checkOpen();
    List<NewJob> jobs = new ArrayList<>(payloads.size());
    List<String> ids = new ArrayList<>(payloads.size());
    for (T payload : payloads) {
      NewJob job = newJob(type, payload, jobOptions, nextId());
      jobs.add(job);
      ids.add(job.id());
    }
    if (jobs.isEmpty()) {
      return ids;
    }
    boolean[] stored = call(() -> broker.enqueue(jobs));
    if (meters != null) {
      int n = 0;
      for (boolean s : stored) {
        n += s ? 1 : 0;
      }
      meters.type(type.name()).enqueued.increment(n);
    }
    return ids;
  }

  <T> NewJob newJob(JobType<T> type, T payload, JobOptions o, String id) {
    Objects.requireNonNull(payload, "payload");
    byte[] bytes = type.codec().encode(payload);
    int maxAttempts = o.maxAttempts().orElse(o.backoff().orElse(type.backoff()).maxAttempts());
    long timeout = o.timeout().map(Duration::toMillis).orElse(0L);
    String retry = o.backoff().map(RetrySpec::format).orElse("");
    long runAt = o.runAt().map(Instant::toEpochMilli).orElse(-1L);
    return new NewJob(
        id,
        type.name(),
        bytes,
        o.priority(),
        o.delay().toMillis(),
        runAt,
        maxAttempts,
        timeout,
        retry,
        o.group().orElse(null),
        type.rateLimit().orElse(null));
  }

  private String nextId() {
    return idPrefix + Long.toHexString(idSeq.incrementAndGet());
  }

  @Override
  public WorkerBuilder workers() {
    return new WorkerBuilder(this::startPool);
  }

  private WorkerPool startPool(WorkerBuilder b) {
    synchronized (stateLock) {
      checkOpen();
      if (maintenance == null) {
        ScheduledThreadPoolExecutor s =
            new ScheduledThreadPoolExecutor(
                2,
                r -> {
                  Thread t = new Thread(r, "headroom-queue-" + name + "-maintenance");
                  t.setDaemon(true);
                  return t;
                });
        s.setRemoveOnCancelPolicy(true);
        long reap = options.reapInterval().toMillis();
        // runs until close() shuts the executor down; reap() logs its own failures
        var unused = s.scheduleWithFixedDelay(this::reap, reap, reap, TimeUnit.MILLISECONDS);
        maintenance = s;
      }
      BrokerWorkerPool pool =
          new BrokerWorkerPool(this, b.handlers(), b.concurrency(), maintenance);
      pools.add(pool);
      pool.start();
      schedules.startTicking();
      return pool;
    }
  }

  void poolStopped(BrokerWorkerPool pool) {
    pools.remove(pool);
  }

  private void reap() {
    if (pools.isEmpty()) {
      return;
    }
    try {
      int expired = call(() -> broker.reap(options.maxStalls(), this::buriedForStalling));
      if (expired > 0) {
        log.warn(
            "queue '{}': {} job(s) whose lease expired were returned to waiting or dead-lettered",
            name,
            expired);
        if (meters != null) {
          meters.stalled.increment(expired);
        }
      }
    } catch (QueueUnavailableException e) {
      log.debug("queue '{}': reaper could not reach the store", name, e);
    } catch (RuntimeException e) {
      log.warn("queue '{}': reaper failed", name, e);
    }
  }

  private void buriedForStalling(String type) {
    if (meters != null) {
      meters.dead(type, DeadLetter.REASON_STALLED).increment();
    }
  }

  int runningWorkers() {
    int n = 0;
    for (BrokerWorkerPool p : pools) {
      n += p.isRunning() ? p.concurrency() : 0;
    }
    return n;
  }

  @Override
  public Optional<JobInfo> job(String jobId) {
    JobType.checkWellFormed("jobId", Objects.requireNonNull(jobId, "jobId"));
    return call(() -> broker.job(jobId));
  }

  @Override
  public Page<JobInfo> jobs(JobState state, int offset, int limit) {
    Objects.requireNonNull(state, "state");
    if (offset < 0 || limit < 1) {
      throw new IllegalArgumentException(
          "offset must be >= 0 and limit >= 1, were " + offset + " and " + limit);
    }
    return call(() -> broker.jobs(state, offset, limit));
  }

  @Override
  public CancelOutcome cancel(String jobId) {
    checkId(jobId);
    CancelOutcome outcome = call(() -> broker.cancel(jobId));
    if (outcome == CancelOutcome.REQUESTED) {
      for (BrokerWorkerPool p : pools) {
        p.requestCancel(jobId);
      }
    }
    return outcome;
  }

  @Override
  public boolean remove(String jobId) {
    checkId(jobId);
    return call(() -> broker.remove(jobId));
  }

  @Override
  public boolean promote(String jobId) {
    checkId(jobId);
    return call(() -> broker.promote(jobId));
  }

  @Override
  public boolean changePriority(String jobId, int priority) {
    checkId(jobId);
    if (priority < JobOptions.MIN_PRIORITY || priority > JobOptions.MAX_PRIORITY) {
      throw new IllegalArgumentException(
          "priority must be within "
              + JobOptions.MIN_PRIORITY
              + ".."
              + JobOptions.MAX_PRIORITY
              + ", was "
              + priority);
    }
    return call(() -> broker.changePriority(jobId, priority));
  }

  private static void checkId(String jobId) {
    JobType.checkWellFormed("jobId", Objects.requireNonNull(jobId, "jobId"));
  }

  @Override
  public void pause() {
    call(
        () -> {
          broker.paused(true);
          return null;
        });
  }

  @Override
  public void resume() {
    call(
        () -> {
          broker.paused(false);
          return null;
        });
    broker.wakeAll();
  }

  @Override
  public boolean isPaused() {
    return call(broker::paused);
  }

  @Override
  public long drain() {
    long total = 0;
    long n;
    do {
      n = call(() -> broker.drain(CONTROL_BATCH));
      total += n;
    } while (n == CONTROL_BATCH);
    return total;
  }

  @Override
  public long obliterate(boolean force) {
    long total = 0;
    long n;
    do {
      n = call(() -> broker.obliterate(CONTROL_BATCH, force));
      if (n == -2) {
        throw new IllegalStateException(
            "queue '" + name + "' must be paused before it is obliterated: call pause() first");
      }
      if (n == -1) {
        throw new IllegalStateException(
            "queue '"
                + name
                + "' has running jobs: obliterate(true) deletes them too (their workers' answers"
                + " are then refused)");
      }
      total += n;
    } while (n == CONTROL_BATCH);
    return total;
  }

  @Override
  public QueueEvents subscribe(QueueEventListener listener) {
    return startSubscription(null, listener);
  }

  @Override
  public QueueEvents subscribe(String afterId, QueueEventListener listener) {
    dev.headroom.queue.broker.EventIds.parse(Objects.requireNonNull(afterId, "afterId"));
    return startSubscription(afterId, listener);
  }

  private QueueEvents startSubscription(@Nullable String afterId, QueueEventListener listener) {
    Objects.requireNonNull(listener, "listener");
    checkOpen();
    EventSubscription s = new EventSubscription(this, afterId, listener);
    subscriptions.add(s);
    s.start();
    return s;
  }

  void subscriptionClosed(EventSubscription s) {
    subscriptions.remove(s);
  }

  @Override
  public QueueCounts counts() {
    QueueCounts c = call(broker::counts);
    cachedCounts = c;
    cachedAtNanos = System.nanoTime();
    return c;
  }

  /**
   * Counts at most a second old, for meters; the last known (or null) when the store is
   * unreachable.
   */
  @Nullable QueueCounts recentCounts() {
    QueueCounts c = cachedCounts;
    if (c != null && System.nanoTime() - cachedAtNanos < COUNTS_MAX_AGE_NANOS) {
      return c;
    }
    try {
      return counts();
    } catch (RuntimeException e) {
      return c;
    }
  }

  @Override
  public JobSchedules schedules() {
    checkOpen();
    return schedules;
  }

  @Override
  public DeadLetters deadLetters() {
    return new DeadLettersView(this);
  }

  @Override
  public void addListener(JobListener listener) {
    listeners.add(Objects.requireNonNull(listener, "listener"));
  }

  @Override
  public void removeListener(JobListener listener) {
    listeners.remove(listener);
  }

  /** Runs a broker call, keeping track of whether the store answers. */
  <R> R call(Supplier<R> op) {
    try {
      R r = op.get();
      available();
      return r;
    } catch (QueueUnavailableException e) {
      unavailable(e);
      throw e;
    }
  }

  /** Records that the store answered: ends an outage. */
  void available() {
    outage.available();
  }

  /** Records that the store is unreachable; workers pause and resume when it answers. */
  void unavailable(Throwable e) {
    outage.unavailable(e);
  }

  /**
   * DOWN while the store is unreachable (from the last failed call until one succeeds, or when
   * counting fails now; details {@code unavailableSince}, {@code lastError}); DEGRADED while more
   * than {@link JobQueueConfig#healthThreshold()} jobs are ready and waiting, or while the store is
   * set up so that it may lose jobs (a Redis whose {@code maxmemory-policy} is not {@code
   * noeviction}: detail {@code misconfiguration}); else UP. Details: backend, counts, workers, and
   * on Redis {@code maxmemoryPolicy}. Waits at most the command timeout.
   */
  @Override
  public Health health() {
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("backend", remote ? "redis" : "memory");
    details.put("workers", runningWorkers());
    QueueCounts c = outage.isUnavailable() ? null : recentCounts();
    if (c == null || outage.isUnavailable()) {
      outage.addTo(details);
      return Health.of(HealthStatus.DOWN, details);
    }
    details.put("waiting", c.waiting());
    details.put("delayed", c.delayed());
    details.put("active", c.active());
    details.put("dead", c.dead());
    details.put("threshold", options.healthThreshold());
    String misconfiguration = broker.misconfiguration(details);
    if (misconfiguration != null) {
      details.put("misconfiguration", misconfiguration);
    }
    return Health.of(
        c.waiting() > options.healthThreshold() || misconfiguration != null
            ? HealthStatus.DEGRADED
            : HealthStatus.UP,
        details);
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("queue '" + name + "' is closed");
    }
  }

  @Override
  public void close() {
    ScheduledExecutorService s;
    synchronized (stateLock) {
      if (closed) {
        return;
      }
      closed = true;
      s = maintenance;
    }
    schedules.close();
    for (BrokerWorkerPool p : List.copyOf(pools)) {
      p.close();
    }
    for (EventSubscription e : List.copyOf(subscriptions)) {
      e.close();
    }
    if (s != null) {
      s.shutdownNow();
    }
    if (meters != null) {
      meters.close();
    }
    broker.close();
  }

  @Override
  public String toString() {
    return "JobQueue[" + name + ", " + broker + "]";
  }
}
