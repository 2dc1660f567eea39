package dev.headroom.queue.redis;

import dev.headroom.core.concurrent.Failures;
import dev.headroom.core.key.InvalidKeyException;
import dev.headroom.core.key.KeySpace;
import dev.headroom.core.redis.DedicatedConnection;
import dev.headroom.core.redis.RedisConnector;
import dev.headroom.core.redis.RedisScript;
import dev.headroom.core.time.TimeSource;
import dev.headroom.queue.CancelOutcome;
import dev.headroom.queue.DeadLetter;
import dev.headroom.queue.DeadLetterFilter;
import dev.headroom.queue.JobError;
import dev.headroom.queue.JobInfo;
import dev.headroom.queue.JobQueueConfig;
import dev.headroom.queue.JobRateLimit;
import dev.headroom.queue.JobState;
import dev.headroom.queue.Page;
import dev.headroom.queue.QueueCounts;
import dev.headroom.queue.QueueEvent;
import dev.headroom.queue.QueueException;
import dev.headroom.queue.QueueUnavailableException;
import dev.headroom.queue.broker.Broker;
import dev.headroom.queue.broker.ClaimedJob;
import dev.headroom.queue.broker.EventReader;
import dev.headroom.queue.broker.Exchange;
import dev.headroom.queue.broker.NewJob;
import dev.headroom.queue.broker.ScheduleStore;
import dev.headroom.queue.broker.Settlement;
import io.lettuce.core.Range;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XReadArgs;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Redis backend.
 *
 * <h2>Keys</h2>
 *
 * Every key of a queue is {@code <key space>{<queue name>}:<part>}: one hash tag, so each script
 * touches one slot and runs unchanged on Redis Cluster. Parts: {@code waiting} (ZSET, member = a
 * 16-digit sequence number followed by the job id, score = {@code readyAt - priority * agingStep}:
 * a static score, so priority aging needs no rescoring and equal scores fall back to the member's
 * order, which is FIFO), {@code delayed} (ZSET by run-at), {@code active} (ZSET by lease deadline),
 * {@code completed} and {@code dead} (ZSETs by finish time, trimmed by count at each insert and by
 * age by the reaper), {@code wake} (a LIST of wake-up tokens), {@code seq} (the sequence counter),
 * {@code paused} (present while the queue is paused: the claim step takes nothing), {@code events}
 * (a STREAM of job events, appended by the scripts that change the job and trimmed with {@code
 * MAXLEN ~}) and one hash per job, {@code job:<id>}, whose existence is the idempotency index:
 * enqueueing an id whose hash exists stores nothing. Payloads are the codec's bytes.
 *
 * <h2>Lease protocol</h2>
 *
 * <ol>
 *   <li><b>Claim</b> ({@code exchange.lua}, one atomic call): move due delayed jobs to waiting
 *       (their {@code readyAt} is their run-at, so a job's place does not depend on when it was
 *       moved), {@code ZPOPMIN} the best waiting job, count the attempt, store a fresh lease token
 *       in the job and put it in {@code active} with deadline {@code now + lease}; return it.
 *   <li><b>Renew</b> ({@code renew.lua}): while the handler runs, the pool renews every third of
 *       the lease, for all its jobs in one call, if the job still carries its token.
 *   <li><b>Answer</b> (the next {@code exchange.lua} of the same worker, which also claims its next
 *       job: one round trip per job): complete, retry (to delayed as retrying, or straight to
 *       waiting), dead-letter, or give back (shutdown: back to its old place, the attempt not
 *       counted). Applied only if the job still carries the worker's token and is in {@code
 *       active}; otherwise the answer is refused and counted as stale: a job reaped from a worker
 *       that seemed dead and claimed by another must not be completed by the first worker's late
 *       answer.
 *   <li><b>Reap</b> ({@code reap.lua}, any worker, every reap interval): jobs whose lease deadline
 *       passed lose their token and go back to their old place in line with a stall counted and the
 *       attempt not counted; past {@code maxStalls} they are dead-lettered with reason {@code
 *       stalled}. Age retention runs here too.
 * </ol>
 *
 * Delivery is therefore at least once: a job runs twice only if its worker died or lost Redis for
 * longer than the lease while running it.
 *
 * <p><b>Lost claims.</b> An exchange that fails on the client (a timeout) may still run on Redis
 * and lease jobs nobody received. The broker keeps the token prefixes of such calls and sends them
 * with its next exchange, which first gives back every job still held under one of them (to its old
 * place, the attempt and no stall counted): reaping them would count a stall for a job that never
 * ran. That exchange follows the lost one on the same connection, so it runs after it.
 *
 * <p><b>Missing jobs.</b> Every script reads a job's fields before it changes anything: a job whose
 * hash is gone (evicted under a {@code maxmemory} policy, or deleted) is dead-lettered with reason
 * {@code missing} (a stub hash: state, reason, error) and reported through {@link #onMissingJob};
 * it never stops a script half-way, which would leave the jobs after it in no set. The queue needs
 * {@code maxmemory-policy noeviction}: see {@link #misconfiguration}.
 *
 * <h2>Control and events</h2>
 *
 * Operators' changes ({@code control.lua}: cancel, remove, promote, priority, pause, resume; {@code
 * drain.lua}; {@code obliterate.lua}, in batches) are one script each. Cancelling a running job
 * sets a flag in its hash: the renewal (and a progress report) answers it to the worker, and a
 * failure settled while it is set is dead-lettered as {@code cancelled}. Events are appended inside
 * the settle, reap and progress scripts (no extra round trip); each subscription reads them with
 * {@code XREAD BLOCK} on a dedicated connection of its own.
 *
 * <h2>Groups and rate limits</h2>
 *
 * A job with a group waits in its group's own set ({@code gw:<group>}), never in {@code waiting},
 * which plain jobs keep to themselves: a claim that finds no group ({@code EXISTS groups}) is the
 * plain {@code ZPOPMIN}. Otherwise the ring ({@code groups}, a ZSET scored by turn) names the group
 * whose turn it is; its head is claimed unless the plain head has the earlier place, and the group
 * goes to the back of the ring, so groups take turns whatever their backlog. Running jobs per group
 * are counted in {@code grun} (up at claim, down whenever a job leaves {@code active}); a group
 * found at its limit moves from the ring to {@code gfull} until one of its jobs stops. The reaper
 * recounts {@code grun} from the active jobs, so a count never outlives a crash. The group keys
 * share the queue's hash tag: the scripts build them from the job prefix, like job hashes. A rate
 * limit is a log of start times ({@code limiter}, or {@code limiter:<type>} for a type's limit,
 * which travels in the job hash) trimmed to the window in the claim script; the claim takes no more
 * than it leaves and answers when the next start is allowed, so idle workers wait instead of
 * polling. A job over its type's limit is deferred to {@code delayed} at its turn in the type's
 * schedule ({@code tnext:<type>}).
 *
 * <h2>Time</h2>
 *
 * Every time (enqueue, run-at of a delay, lease deadlines, retention) is the Redis server's ({@code
 * TIME} in the script), so workers with skewed clocks agree; only {@code runAt(Instant)} is the
 * producer's. {@link JobQueueConfig#serverTime()} off sends the time source's clock instead, for
 * tests.
 *
 * <h2>Idle workers</h2>
 *
 * A worker that claims nothing does not poll: in each process one waiting thread blocks in {@code
 * BLPOP wake} on a dedicated connection (the shared connection is multiplexed and must never
 * block), for at most the poll interval, the next delayed job's due time, and less than the command
 * timeout; the other idle threads of the process wait on a local monitor. Every enqueue,
 * retry-to-waiting and give-back pushes tokens (bounded list), so a worker in some process wakes at
 * once; a thread that claims a job wakes one more local waiter, so a burst of jobs fans out.
 *
 * <h2>Outage</h2>
 *
 * Every call waits at most the connector's command timeout; an unreachable Redis is reported as
 * {@link QueueUnavailableException} (enqueue never reports a job Redis did not store), and the
 * queue's workers back off and resume by themselves.
 *
 * <p>Use {@link dev.headroom.queue.JobQueues#redis} rather than this class. Thread-safe.
 */
public final class RedisBroker implements Broker {

  private static final RedisScript ENQUEUE = script("enqueue.lua");
  private static final RedisScript EXCHANGE = script("exchange.lua");
  private static final RedisScript RENEW = script("renew.lua");
  private static final RedisScript REAP = script("reap.lua");
  private static final RedisScript COUNTS = script("counts.lua");
  private static final RedisScript REPLAY = script("replay.lua");
  private static final RedisScript PURGE = script("purge.lua");
  private static final RedisScript PROGRESS = script("progress.lua");
  private static final RedisScript CONTROL = script("control.lua");
  private static final RedisScript DRAIN = script("drain.lua");
  private static final RedisScript OBLITERATE = script("obliterate.lua");
  private static final RedisScript WAITING = script("waiting.lua");
  private static final int ENQUEUE_BATCH = 500;
  private static final int SCAN_BATCH = 200;
  private static final int MAX_LOST_CLAIMS = 1000;
  private static final String NO_EVICTION = "noeviction";
  private static final String UNKNOWN = "unknown";
  private static final long POLICY_MAX_AGE_NANOS = TimeUnit.MINUTES.toNanos(1);
  private static final Logger log = LoggerFactory.getLogger(RedisBroker.class);

  private final RedisConnector connector;
  private final String name;
  private final String[] keys;
  private final String jobPrefix;
  private final byte[] dedupePrefix;
  private final String scheduleIndex;
  private final String scheduleHashPrefix;
  private @Nullable ScheduleStore schedules;
  private final byte[][] header;
  private final boolean serverTime;
  private final TimeSource time;
  private final long callTimeoutMillis;
  private final long maxBlockMillis;
  private final byte[] eventsMax;

  /** The exchange's last arguments: rate limit, group limit, groups with their own limit. */
  private final byte[][] limits;

  private final WakeGate gate = new WakeGate();
  private @Nullable DedicatedConnection<String> blocking;
  private volatile Consumer<String> missingJobs = id -> {};

  /**
   * Token prefixes of claims that failed on the client (a timeout, a dropped connection) and may
   * still have run on Redis: the next exchange gives back what they took.
   */
  private final ConcurrentLinkedQueue<String> lostClaims = new ConcurrentLinkedQueue<>();

  /**
   * The server's {@code maxmemory-policy}: null until read, {@link #UNKNOWN} if CONFIG is refused.
   */
  private volatile @Nullable String evictionPolicy;

  private volatile long policyReadAtNanos;
  private final AtomicBoolean policyReading = new AtomicBoolean();

  private RedisBroker(RedisConnector connector, String name, JobQueueConfig options) {
    this.connector = connector;
    this.name = name;
    KeySpace ks = options.keySpace();
    try {
      String[] parts = {
        "waiting", "delayed", "active", "completed", "dead", "wake", "seq", "paused", "events"
      };
      this.keys = new String[parts.length];
      for (int i = 0; i < parts.length; i++) {
        keys[i] = ks.taggedKey(name, ":" + parts[i]);
      }
      this.jobPrefix = ks.taggedKey(name, ":job:");
      this.dedupePrefix = bytes(ks.taggedKey(name, ":dedupe:"));
      this.scheduleIndex = ks.taggedKey(name, ":schedules");
      this.scheduleHashPrefix = ks.taggedKey(name, ":schedule:");
    } catch (InvalidKeyException e) {
      throw new IllegalArgumentException("queue '" + name + "': " + e.getMessage(), e);
    }
    this.header =
        new byte[][] {
          null,
          bytes(jobPrefix),
          bytes(options.priorityAging().toMillis()),
          bytes(options.completedKeep()),
          bytes(options.completedAge().toMillis()),
          bytes(options.deadKeep()),
          bytes(options.deadAge().toMillis())
        };
    this.serverTime = options.serverTime();
    this.time = options.timeSource();
    long command = connector.options().commandTimeout().toMillis();
    this.callTimeoutMillis = command + 1000;
    this.maxBlockMillis = Math.max(10, Math.min(command - 500, command / 2 + 250));
    this.eventsMax = bytes(options.eventRetention());
    List<byte[]> l = new ArrayList<>();
    l.add(bytes(options.rateLimit().map(r -> r.jobs()).orElse(0)));
    l.add(bytes(options.rateLimit().map(r -> r.window().toMillis()).orElse(0L)));
    l.add(bytes(options.groupConcurrency()));
    l.add(bytes(options.groupConcurrencyOverrides().size()));
    options
        .groupConcurrencyOverrides()
        .forEach(
            (group, max) -> {
              l.add(bytes(group));
              l.add(bytes(max));
            });
    this.limits = l.toArray(new byte[0][]);
  }

  /**
   * A broker for queue {@code name}; the connector is shared, not owned. Starts reading the
   * server's {@code maxmemory-policy} in the background (see {@link #misconfiguration}).
   */
  public static RedisBroker create(RedisConnector connector, String name, JobQueueConfig options) {
    RedisBroker broker = new RedisBroker(connector, name, options);
    broker.readEvictionPolicy();
    return broker;
  }

  // ---- how Redis is operated ----

  /**
   * Reads {@code maxmemory-policy} without blocking; logs a warning whenever a reading is not
   * {@code noeviction}. A server that refuses CONFIG (managed services often rename or forbid it)
   * reads as {@value #UNKNOWN}; an unreachable one is asked again later.
   */
  private void readEvictionPolicy() {
    if (!policyReading.compareAndSet(false, true)) {
      return;
    }
    CompletableFuture<Map<String, String>> reply;
    try {
      reply = connector.async().configGet("maxmemory-policy").toCompletableFuture();
    } catch (RuntimeException e) {
      reply = CompletableFuture.failedFuture(e);
    }
    // settles on a Lettuce thread: only reads fields and logs
    var unused =
        reply
            .orTimeout(callTimeoutMillis, TimeUnit.MILLISECONDS)
            .whenComplete(
                (config, failure) -> {
                  try {
                    policyRead(config, failure);
                  } finally {
                    policyReading.set(false);
                  }
                });
  }

  private void policyRead(@Nullable Map<String, String> config, @Nullable Throwable failure) {
    Throwable c = failure == null ? null : Failures.unwrap(failure);
    String policy;
    if (c != null && RedisConnector.isUnavailability(c)) {
      return; // asked again at the next health check
    } else if (c != null || config == null || config.get("maxmemory-policy") == null) {
      policy = UNKNOWN;
      if (!UNKNOWN.equals(evictionPolicy)) {
        log.info(
            "queue '{}': could not read Redis's maxmemory-policy ({}); make sure it is noeviction,"
                + " or jobs can be evicted and lost",
            name,
            c == null ? "not in the CONFIG GET reply" : c.getMessage());
      }
    } else {
      policy = config.get("maxmemory-policy").toLowerCase(Locale.ROOT);
      if (!NO_EVICTION.equals(policy) && !policy.equals(evictionPolicy)) {
        log.warn(
            "IMPORTANT! queue '{}': Redis's maxmemory-policy is {}; it must be noeviction for a"
                + " queue: under memory pressure Redis would evict job data and jobs would be lost"
                + " (dead-lettered as 'missing'). Health reports DEGRADED until it is noeviction.",
            name,
            policy);
      }
    }
    evictionPolicy = policy;
    policyReadAtNanos = System.nanoTime();
  }

  /**
   * Adds {@code maxmemoryPolicy} to {@code details} (as last read, at most a minute ago; {@code
   * unknown} if the server refuses CONFIG, absent until first read) and answers a problem while it
   * is something other than {@code noeviction}. The queue warns rather than refusing to start: the
   * policy can change at run time, managed services often hide it, and eviction loses jobs only
   * under memory pressure, while a queue that refuses to start stops a whole service at once.
   */
  @Override
  public @Nullable String misconfiguration(Map<String, Object> details) {
    String policy = evictionPolicy;
    if (policy == null || System.nanoTime() - policyReadAtNanos > POLICY_MAX_AGE_NANOS) {
      readEvictionPolicy();
    }
    if (policy == null) {
      return null;
    }
    details.put("maxmemoryPolicy", policy);
    if (NO_EVICTION.equals(policy) || UNKNOWN.equals(policy)) {
      return null;
    }
    return "Redis maxmemory-policy is "
        + policy
        + ", not noeviction: jobs can be evicted and lost under memory pressure";
  }

  static RedisScript script(String part) {
    return RedisScript.fromClasspath(RedisBroker.class, "prelude.lua", part);
  }

  @Override
  public String queueName() {
    return name;
  }

  /** The Redis key of job {@code id}'s hash. */
  public String jobKey(String id) {
    return jobPrefix + id;
  }

  // ---- calls ----

  private byte[][] args(int extra) {
    byte[][] a = new byte[header.length + extra][];
    System.arraycopy(header, 0, a, 0, header.length);
    a[0] = serverTime ? new byte[0] : bytes(time.currentTimeMillis());
    return a;
  }

  private <T> CompletableFuture<T> run(RedisScript script, ScriptOutputType type, byte[][] args) {
    return script.executeBinary(connector, type, keys, args);
  }

  /**
   * Waits for a reply (through interrupts, so an answer is never left in doubt) and maps failures.
   */
  private <T> T await(CompletableFuture<T> f, String what) {
    boolean interrupted = false;
    try {
      while (true) {
        try {
          return f.get(callTimeoutMillis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
    } catch (ExecutionException e) {
      throw failure(what, e);
    } catch (TimeoutException e) {
      throw failure(what, e);
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private QueueException failure(String what, Throwable cause) {
    Throwable c = Failures.unwrap(cause);
    if (RedisConnector.isUnavailability(c)) {
      return new QueueUnavailableException(
          name, what + " failed: Redis is unreachable or too slow (" + c.getMessage() + ")", c);
    }
    return new QueueException(name, what + " failed: " + c, c);
  }

  // ---- producer ----

  @Override
  public boolean[] enqueue(List<NewJob> jobs) {
    return enqueue(jobs, 0);
  }

  @Override
  public boolean[] enqueue(List<NewJob> jobs, long dedupeMillis) {
    List<CompletableFuture<List<Object>>> replies = new ArrayList<>();
    for (int from = 0; from < jobs.size(); from += ENQUEUE_BATCH) {
      List<NewJob> batch = jobs.subList(from, Math.min(jobs.size(), from + ENQUEUE_BATCH));
      byte[][] a = args(2 + 11 * batch.size());
      int i = header.length;
      a[i++] = bytes(dedupeMillis);
      a[i++] = dedupePrefix;
      for (NewJob j : batch) {
        a[i++] = bytes(j.id());
        a[i++] = bytes(j.type());
        a[i++] = j.payload();
        a[i++] = bytes(j.priority());
        a[i++] = bytes(j.delayMillis());
        a[i++] = bytes(j.runAtMillis());
        a[i++] = bytes(j.maxAttempts());
        a[i++] = bytes(j.timeoutMillis());
        a[i++] = bytes(j.retrySpec());
        String group = j.group();
        a[i++] = bytes(group == null ? "" : group);
        JobRateLimit limit = j.typeRateLimit();
        a[i++] = bytes(limit == null ? "" : limit.jobs() + ":" + limit.window().toMillis());
      }
      replies.add(run(ENQUEUE, ScriptOutputType.MULTI, a));
    }
    boolean[] stored = new boolean[jobs.size()];
    int k = 0;
    for (CompletableFuture<List<Object>> r : replies) {
      for (Object flag : await(r, "enqueue")) {
        stored[k++] = ((Long) flag) == 1L;
      }
    }
    return stored;
  }

  // ---- workers ----

  @Override
  public Exchange exchange(
      List<Settlement> settlements, int claimMax, String tokenPrefix, long leaseMillis) {
    long epoch = gate.epoch();
    List<String> lost = new ArrayList<>();
    for (String p; lost.size() < MAX_LOST_CLAIMS && (p = lostClaims.poll()) != null; ) {
      lost.add(p);
    }
    byte[][] a = args(6 + 9 * settlements.size() + lost.size() + limits.length);
    int i = header.length;
    a[i++] = bytes(leaseMillis);
    a[i++] = bytes(claimMax);
    a[i++] = bytes(tokenPrefix);
    a[i++] = bytes(settlements.size());
    for (Settlement s : settlements) {
      JobError e = s.error();
      a[i++] = bytes(s.job().id());
      a[i++] = bytes(s.job().leaseToken());
      a[i++] =
          bytes(
              switch (s.kind()) {
                case COMPLETE -> "c";
                case RETRY -> "r";
                case DEAD -> "d";
                case RELEASE -> "g";
              });
      a[i++] = bytes(s.retryDelayMillis());
      a[i++] = bytes(e == null ? "" : e.className());
      a[i++] = bytes(e == null ? "" : e.message());
      a[i++] = bytes(e == null ? "" : e.stackTrace());
      a[i++] = bytes(s.reason() == null ? "" : s.reason());
      byte[] result = s.result();
      a[i++] = result == null ? new byte[0] : result;
    }
    a[i++] = bytes(lost.size());
    for (String p : lost) {
      a[i++] = bytes(p);
    }
    a[i++] = eventsMax;
    System.arraycopy(limits, 0, a, i, limits.length);
    List<Object> reply;
    try {
      reply = await(run(EXCHANGE, ScriptOutputType.MULTI, a), "claim");
    } catch (RuntimeException e) {
      // in doubt: Redis may run this call (and the lost claims it carried) after the client gave up
      lostClaims.addAll(lost);
      if (claimMax > 0) {
        lostClaims.add(tokenPrefix);
      }
      dropExcessLostClaims();
      throw e;
    }
    long released = (Long) reply.get(5);
    if (released > 0) {
      log.info(
          "queue '{}': {} job(s) claimed by calls that timed out on this client went back in line"
              + " (no attempt or stall counted)",
          name,
          released);
    }
    List<?> flags = (List<?>) reply.get(0);
    boolean[] accepted = new boolean[flags.size()];
    for (int f = 0; f < accepted.length; f++) {
      accepted[f] = ((Long) flags.get(f)) == 1L;
    }
    List<?> flat = (List<?>) reply.get(1);
    long now = (Long) reply.get(3);
    List<ClaimedJob> claimed = new ArrayList<>(flat.size() / 11);
    for (int j = 0; j < flat.size(); j += 11) {
      claimed.add(
          new ClaimedJob(
              text(flat.get(j)),
              text(flat.get(j + 1)),
              (byte[]) flat.get(j + 2),
              num(flat.get(j + 3)),
              num(flat.get(j + 4)),
              num(flat.get(j + 5)),
              (Long) flat.get(j + 6),
              now,
              (Long) flat.get(j + 7),
              text(flat.get(j + 8)),
              text(flat.get(j + 9)),
              num(flat.get(j + 10)) == 1));
    }
    missing(reply.get(4));
    if (!claimed.isEmpty()) {
      gate.passOn();
    }
    return new Exchange(
        accepted, Collections.unmodifiableList(claimed), (Long) reply.get(2), epoch);
  }

  /** Keeps at most {@value #MAX_LOST_CLAIMS} lost claims (the oldest go: their leases expire). */
  private void dropExcessLostClaims() {
    int dropped = 0;
    while (lostClaims.size() > MAX_LOST_CLAIMS && lostClaims.poll() != null) {
      dropped++;
    }
    if (dropped > 0) {
      log.warn(
          "queue '{}': forgot {} claim(s) lost to timeouts; their jobs return when their leases"
              + " expire, with a stall counted",
          name,
          dropped);
    }
  }

  @Override
  public void awaitWork(Exchange last, long maxMillis) throws InterruptedException {
    long wait = Math.min(maxMillis, maxBlockMillis);
    if (last.nextDueMillis() >= 0) {
      wait = Math.min(wait, last.nextDueMillis());
    }
    if (wait <= 0 || !gate.becomeWatcher(last.wakeEpoch(), wait)) {
      return;
    }
    try {
      CompletableFuture<?> popped =
          blocking().async().blpop(wait / 1000.0, keys[5]).toCompletableFuture();
      try {
        popped.get(wait + callTimeoutMillis, TimeUnit.MILLISECONDS);
      } catch (ExecutionException e) {
        throw failure("waiting for work", e);
      } catch (TimeoutException e) {
        throw failure("waiting for work", e);
      }
    } finally {
      gate.watcherDone();
    }
  }

  private synchronized DedicatedConnection<String> blocking() throws InterruptedException {
    DedicatedConnection<String> c = blocking;
    if (c == null) {
      try {
        c = connector.connectDedicated();
      } catch (RuntimeException e) {
        if (Thread.interrupted()) {
          throw new InterruptedException("interrupted while connecting for blocking waits");
        }
        throw failure("connecting for blocking waits", e);
      }
      blocking = c;
    }
    return c;
  }

  @Override
  public void wakeAll() {
    gate.wakeAll();
  }

  @Override
  public int[] renew(List<ClaimedJob> jobs, long leaseMillis) {
    byte[][] a = args(1 + 2 * jobs.size());
    int i = header.length;
    a[i++] = bytes(leaseMillis);
    for (ClaimedJob j : jobs) {
      a[i++] = bytes(j.id());
      a[i++] = bytes(j.leaseToken());
    }
    List<Object> reply = await(run(RENEW, ScriptOutputType.MULTI, a), "renewing leases");
    int[] ok = new int[reply.size()];
    for (int f = 0; f < ok.length; f++) {
      ok[f] = num(reply.get(f));
    }
    return ok;
  }

  @Override
  public int progress(ClaimedJob job, String json) {
    byte[][] a = args(4);
    int i = header.length;
    a[i++] = bytes(job.id());
    a[i++] = bytes(job.leaseToken());
    a[i++] = bytes(json);
    a[i] = eventsMax;
    Long status = await(run(PROGRESS, ScriptOutputType.INTEGER, a), "storing progress");
    return status.intValue();
  }

  @Override
  public int reap(int maxStalls, Consumer<String> buried) {
    byte[][] a = args(2);
    a[header.length] = bytes(maxStalls);
    a[header.length + 1] = eventsMax;
    List<Object> reply = await(run(REAP, ScriptOutputType.MULTI, a), "reaping expired leases");
    for (Object type : (List<?>) reply.get(1)) {
      buried.accept(text(type));
    }
    missing(reply.get(2));
    return ((Long) reply.get(0)).intValue();
  }

  @Override
  public void onMissingJob(Consumer<String> listener) {
    this.missingJobs = listener;
  }

  private void missing(Object ids) {
    for (Object id : (List<?>) ids) {
      missingJobs.accept(text(id));
    }
  }

  // ---- inspection and dead letters ----

  @Override
  public QueueCounts counts() {
    List<Object> r = await(run(COUNTS, ScriptOutputType.MULTI, args(0)), "counting jobs");
    return new QueueCounts(
        (Long) r.get(0),
        (Long) r.get(1),
        (Long) r.get(2),
        (Long) r.get(3),
        (Long) r.get(4),
        Duration.ofMillis((Long) r.get(5)));
  }

  @Override
  public Optional<JobInfo> job(String id) {
    Map<String, byte[]> h = await(hash(id), "reading a job");
    return h.isEmpty() ? Optional.empty() : Optional.of(info(id, h));
  }

  private CompletableFuture<Map<String, byte[]>> hash(String id) {
    try {
      return connector.binaryAsync().hgetall(jobKey(id)).toCompletableFuture();
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  // ---- control ----

  private long control(String what, String... ops) {
    byte[][] a = args(ops.length);
    for (int i = 0; i < ops.length; i++) {
      a[header.length + i] = bytes(ops[i]);
    }
    Long r = await(run(CONTROL, ScriptOutputType.INTEGER, a), what);
    return r;
  }

  @Override
  public CancelOutcome cancel(String id) {
    long r = control("cancelling a job", "cancel", id);
    return r == 1
        ? CancelOutcome.REMOVED
        : r == 2
            ? CancelOutcome.REQUESTED
            : r == 3 ? CancelOutcome.FINISHED : CancelOutcome.NOT_FOUND;
  }

  @Override
  public boolean remove(String id) {
    return control("removing a job", "remove", id) == 1;
  }

  @Override
  public boolean promote(String id) {
    return control("promoting a job", "promote", id) == 1;
  }

  @Override
  public boolean changePriority(String id, int priority) {
    return control("changing a job's priority", "priority", id, Integer.toString(priority)) == 1;
  }

  @Override
  public void paused(boolean paused) {
    control(paused ? "pausing" : "resuming", paused ? "pause" : "resume");
  }

  @Override
  public boolean paused() {
    CompletableFuture<Long> f;
    try {
      f = connector.async().exists(keys[7]).toCompletableFuture();
    } catch (RuntimeException e) {
      f = CompletableFuture.failedFuture(e);
    }
    return await(f, "reading the paused flag") > 0;
  }

  @Override
  public long drain(int batch) {
    byte[][] a = args(1);
    a[header.length] = bytes(batch);
    return await(run(DRAIN, ScriptOutputType.INTEGER, a), "draining");
  }

  @Override
  public long obliterate(int batch, boolean force) {
    byte[][] a = args(2);
    a[header.length] = bytes(batch);
    a[header.length + 1] = bytes(force ? "1" : "0");
    return await(run(OBLITERATE, ScriptOutputType.INTEGER, a), "obliterating");
  }

  @Override
  public Page<JobInfo> jobs(JobState state, int offset, int limit) {
    int set =
        switch (state) {
          case WAITING -> 0;
          case DELAYED, RETRYING -> 1;
          case ACTIVE -> 2;
          case COMPLETED -> 3;
          case DEAD -> 4;
        };
    boolean newestFirst = state == JobState.COMPLETED || state == JobState.DEAD;
    boolean filtered = set == 1;
    List<JobInfo> page = new ArrayList<>();
    int matched = 0;
    long start = filtered ? 0 : offset;
    while (true) {
      long batch = filtered ? SCAN_BATCH : limit + 1L;
      List<String> members =
          set == 0
              ? waitingIds(start, batch)
              : await(range(keys[set], start, start + batch - 1, newestFirst), "listing jobs");
      List<String> ids = new ArrayList<>(members.size());
      List<CompletableFuture<Map<String, byte[]>>> hashes = new ArrayList<>(members.size());
      for (String m : members) {
        String id = m;
        ids.add(id);
        hashes.add(hash(id));
      }
      for (int i = 0; i < ids.size(); i++) {
        Map<String, byte[]> h = await(hashes.get(i), "listing jobs");
        if (h.isEmpty() || !h.containsKey("st")) {
          continue;
        }
        JobInfo info = info(ids.get(i), h);
        if (info.state() != state) {
          continue;
        }
        if (filtered && matched++ < offset) {
          continue;
        }
        if (page.size() == limit) {
          return new Page<>(page, offset, true);
        }
        page.add(info);
      }
      if (!filtered || members.size() < batch) {
        return new Page<>(page, offset, false);
      }
      start += batch;
    }
  }

  /** Ids of waiting jobs, plain and grouped, by place in line. */
  private List<String> waitingIds(long offset, long count) {
    byte[][] a = args(2);
    a[header.length] = bytes(offset);
    a[header.length + 1] = bytes(count);
    List<Object> reply = await(run(WAITING, ScriptOutputType.MULTI, a), "listing waiting jobs");
    List<String> ids = new ArrayList<>(reply.size());
    for (Object o : reply) {
      ids.add(text(o));
    }
    return ids;
  }

  private CompletableFuture<List<String>> range(
      String key, long from, long to, boolean newestFirst) {
    try {
      return (newestFirst
              ? connector.async().zrevrange(key, from, to)
              : connector.async().zrange(key, from, to))
          .toCompletableFuture();
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  // ---- events ----

  @Override
  public EventReader eventReader() {
    return new StreamReader();
  }

  /**
   * Reads the events stream with {@code XREAD BLOCK} on a dedicated connection of its own (opened
   * at the first read), blocking less than the command timeout.
   */
  private final class StreamReader implements EventReader {
    private @Nullable DedicatedConnection<String> connection;
    private boolean closed;

    @Override
    public String latestId() {
      CompletableFuture<List<StreamMessage<String, String>>> f;
      try {
        f =
            connector
                .async()
                .xrevrange(keys[8], Range.unbounded(), io.lettuce.core.Limit.create(0, 1))
                .toCompletableFuture();
      } catch (RuntimeException e) {
        f = CompletableFuture.failedFuture(e);
      }
      List<StreamMessage<String, String>> last = await(f, "reading the last event id");
      return last.isEmpty() ? "0-0" : last.get(0).getId();
    }

    @Override
    @SuppressWarnings("unchecked") // xread's varargs of one generic StreamOffset
    public List<QueueEvent> read(String afterId, int max, long blockMillis)
        throws InterruptedException {
      long block = Math.max(1, Math.min(blockMillis, maxBlockMillis));
      CompletableFuture<List<StreamMessage<String, String>>> f;
      try {
        f =
            connection()
                .async()
                .xread(
                    XReadArgs.Builder.block(block).count(max),
                    XReadArgs.StreamOffset.from(keys[8], afterId))
                .toCompletableFuture();
      } catch (RuntimeException e) {
        f = CompletableFuture.failedFuture(e);
      }
      List<StreamMessage<String, String>> messages;
      try {
        messages = f.get(block + callTimeoutMillis, TimeUnit.MILLISECONDS);
      } catch (ExecutionException e) {
        throw failure("reading events", e);
      } catch (TimeoutException e) {
        throw failure("reading events", e);
      }
      List<QueueEvent> out = new ArrayList<>(messages == null ? 0 : messages.size());
      if (messages != null) {
        for (StreamMessage<String, String> m : messages) {
          out.add(event(m.getId(), m.getBody()));
        }
      }
      return out;
    }

    private synchronized DedicatedConnection<String> connection() throws InterruptedException {
      if (closed) {
        throw new InterruptedException("the event reader is closed");
      }
      DedicatedConnection<String> c = connection;
      if (c == null) {
        try {
          c = connector.connectDedicated();
        } catch (RuntimeException e) {
          if (Thread.interrupted()) {
            throw new InterruptedException("interrupted while connecting to read events");
          }
          throw failure("connecting to read events", e);
        }
        connection = c;
      }
      return c;
    }

    @Override
    public synchronized void close() {
      closed = true;
      DedicatedConnection<String> c = connection;
      connection = null;
      if (c != null) {
        c.close();
      }
    }
  }

  private static QueueEvent event(String streamId, Map<String, String> f) {
    QueueEvent.Kind kind =
        QueueEvent.Kind.valueOf(f.getOrDefault("e", "").toUpperCase(Locale.ROOT));
    String ec = f.get("ec");
    return new QueueEvent(
        streamId,
        kind,
        f.getOrDefault("j", ""),
        f.getOrDefault("t", ""),
        Integer.parseInt(f.getOrDefault("a", "0")),
        Instant.ofEpochMilli(Long.parseLong(f.getOrDefault("ts", "0"))),
        ec == null ? null : new JobError(ec, f.getOrDefault("em", ""), ""),
        f.get("rn"),
        f.get("pg"));
  }

  private static JobInfo info(String id, Map<String, byte[]> h) {
    JobState state = JobState.valueOf(text(h.get("st")).toUpperCase(Locale.ROOT));
    JobError error =
        h.containsKey("ec")
            ? new JobError(text(h.get("ec")), text(h.get("em")), text(h.get("es")))
            : null;
    return new JobInfo(
        id,
        text(h.get("t")),
        state,
        (int) lng(h.get("pr")),
        (int) lng(h.get("at")),
        (int) lng(h.get("ma")),
        (int) lng(h.get("sl")),
        Instant.ofEpochMilli(lng(h.get("ts"))),
        instant(h.get("ra")),
        instant(h.get("fa")),
        error,
        h.getOrDefault("p", new byte[0]),
        h.containsKey("pg") ? text(h.get("pg")) : null,
        h.get("rv"),
        h.containsKey("cx"));
  }

  private static @Nullable DeadLetter deadLetter(String id, Map<String, byte[]> h) {
    if (h.isEmpty() || !"dead".equals(text(h.get("st")))) {
      return null;
    }
    JobInfo info = info(id, h);
    JobError error = info.lastError() == null ? new JobError("unknown", "", "") : info.lastError();
    return new DeadLetter(info, text(h.get("rn")), error, Instant.ofEpochMilli(lng(h.get("fa"))));
  }

  @Override
  public Optional<DeadLetter> deadLetter(String id) {
    return Optional.ofNullable(deadLetter(id, await(hash(id), "reading a dead letter")));
  }

  @Override
  public Page<DeadLetter> deadLetters(DeadLetterFilter filter, int offset, int limit) {
    boolean all = filter.type() == null && filter.errorClass() == null;
    List<DeadLetter> page = new ArrayList<>();
    int matched = 0;
    long start = all ? offset : 0;
    while (true) {
      long batch = all ? limit + 1L : SCAN_BATCH;
      List<String> ids = await(zrevrange(start, start + batch - 1), "listing dead letters");
      List<CompletableFuture<Map<String, byte[]>>> hashes = new ArrayList<>(ids.size());
      for (String id : ids) {
        hashes.add(hash(id));
      }
      for (int i = 0; i < ids.size(); i++) {
        DeadLetter d = deadLetter(ids.get(i), await(hashes.get(i), "listing dead letters"));
        if (d == null || !filter.matches(d)) {
          continue;
        }
        if (!all && matched++ < offset) {
          continue;
        }
        if (page.size() == limit) {
          return new Page<>(page, offset, true);
        }
        page.add(d);
      }
      if (all || ids.size() < batch) {
        return new Page<>(page, offset, false);
      }
      start += batch;
    }
  }

  private CompletableFuture<List<String>> zrevrange(long from, long to) {
    try {
      return connector.async().zrevrange(keys[4], from, to).toCompletableFuture();
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  @Override
  public long replay(List<String> ids, double spacingMillis) {
    byte[][] a = args(1 + ids.size());
    a[header.length] = bytes(Double.toString(spacingMillis));
    for (int i = 0; i < ids.size(); i++) {
      a[header.length + 1 + i] = bytes(ids.get(i));
    }
    return await(run(REPLAY, ScriptOutputType.INTEGER, a), "replaying dead letters");
  }

  @Override
  public long purge(List<String> ids) {
    byte[][] a = args(ids.size());
    for (int i = 0; i < ids.size(); i++) {
      a[header.length + i] = bytes(ids.get(i));
    }
    return await(run(PURGE, ScriptOutputType.INTEGER, a), "purging dead letters");
  }

  /** Runs a queue script with the queue's keys and header, {@code extra} after it (from ARGV 8). */
  Object runScript(RedisScript script, ScriptOutputType type, byte[][] extra, String what) {
    byte[][] a = args(extra.length);
    System.arraycopy(extra, 0, a, header.length, extra.length);
    CompletableFuture<Object> reply = run(script, type, a);
    return await(reply, what);
  }

  @Override
  public synchronized ScheduleStore scheduleStore() {
    if (schedules == null) {
      schedules = new RedisScheduleStore(this, scheduleIndex, scheduleHashPrefix);
    }
    return schedules;
  }

  @Override
  public synchronized void close() {
    gate.wakeAll();
    DedicatedConnection<String> c = blocking;
    blocking = null;
    if (c != null) {
      c.close();
    }
  }

  @Override
  public String toString() {
    return "RedisBroker[" + name + ", " + connector + "]";
  }

  // ---- conversions ----

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] bytes(long n) {
    return bytes(Long.toString(n));
  }

  private static String text(@Nullable Object o) {
    return o == null ? "" : new String((byte[]) o, StandardCharsets.UTF_8);
  }

  private static int num(Object o) {
    return ((Long) o).intValue();
  }

  private static long lng(byte @Nullable [] b) {
    return b == null || b.length == 0 ? 0 : Long.parseLong(text(b));
  }

  private static @Nullable Instant instant(byte @Nullable [] b) {
    return b == null || b.length == 0 ? null : Instant.ofEpochMilli(lng(b));
  }
}
