package dev.headroom.queue;

import dev.headroom.core.config.Require;
import dev.headroom.core.time.Cancellable;
import dev.headroom.core.time.TimeSource;
import dev.headroom.queue.broker.NewJob;
import dev.headroom.queue.broker.ScheduleStore;
import dev.headroom.queue.broker.StoredSchedule;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/*
 * The schedules of one queue instance and the ticker that fires them.
 *
 * The store keeps each schedule's definition and its next tick; it never computes ticks (cron needs
 * a library). The ticker does, the same way on every process, and fires in two steps:
 *
 *   1. read the store's clock and every schedule (version, timing, next tick);
 *   2. for each schedule whose next tick is due, plan from that clock which ticks get a job and
 *      what the new next tick is, and ask the store to fire: it applies the plan only if the
 *      schedule still has that version and next tick, atomically with enqueueing the jobs.
 *
 * Two processes that plan the same tick plan the same thing, and only the first fire applies: a
 * tick gets exactly one job. A process that dies between the steps changed nothing; the store's
 * fire is one atomic step (a Lua script on Redis), so nothing dies half-way through it. A tick's
 * job id (schedule:<name>:<tick>) is deterministic as well, a second line of defence.
 *
 * The plan: ticks more than missedAfter late are missed: SKIP enqueues none of them, RUN_ONCE one
 * job (the first missed tick's); every later due tick gets its own job (at most MAX_TICKS per fire,
 * older ones are skipped); the new next tick is the first one after now.
 *
 * Ticking runs on one daemon thread per queue instance, woken by the time source's timers at the
 * soonest next tick, or after REFRESH_MILLIS to see schedules upserted by other processes, and at
 * once after a local upsert.
 */
final class QueueSchedules implements JobSchedules, AutoCloseable {

  static final long REFRESH_MILLIS = 5_000;
  private static final long RETRY_MILLIS = 1_000;
  private static final long LOST_RACE_MILLIS = 50;
  static final int MAX_TICKS = 1000;
  private static final Logger log = LoggerFactory.getLogger(QueueSchedules.class);

  private final BrokerJobQueue queue;
  private final TimeSource time;
  private final Map<String, Timing> timings = new ConcurrentHashMap<>();
  private @Nullable ScheduleStore store;
  private @Nullable ExecutorService ticker;
  private @Nullable Cancellable timer;
  private boolean closed;

  QueueSchedules(BrokerJobQueue queue) {
    this.queue = queue;
    this.time = queue.time;
  }

  private synchronized ScheduleStore store() {
    ScheduleStore s = store;
    if (s == null) {
      s = queue.broker.scheduleStore();
      store = s;
    }
    return s;
  }

  // ---- the API ----

  @Override
  public <T> void upsert(Schedule<T> schedule) {
    Require.nonNull("schedule", schedule);
    ScheduleStore s = store();
    NewJob job = queue.newJob(schedule.type(), schedule.payload(), schedule.options(), "tick");
    StoredSchedule stored =
        new StoredSchedule(
            schedule.name(),
            schedule.timing().spec(),
            schedule.missedSpec(),
            job.type(),
            job.payload(),
            job.priority(),
            job.maxAttempts(),
            job.timeoutMillis(),
            job.retrySpec(),
            0,
            0,
            -1);
    long now = queue.call(s::now);
    long first = schedule.timing().nextAfter(now);
    Require.that(
        first != Timing.NEVER,
        "timing",
        schedule.timing().describe(),
        "have a tick after " + Instant.ofEpochMilli(now));
    queue.call(
        () -> {
          s.upsert(stored, first);
          return null;
        });
    startTicking();
    wake();
  }

  @Override
  public boolean remove(String name) {
    Require.nonNull("name", name);
    return queue.call(() -> store().remove(name));
  }

  @Override
  public Optional<ScheduleInfo> get(String name) {
    Require.nonNull("name", name);
    return queue.call(() -> store().get(name)).map(this::info);
  }

  @Override
  public List<ScheduleInfo> list() {
    List<ScheduleInfo> out = new ArrayList<>();
    for (StoredSchedule s : queue.call(() -> store().list())) {
      out.add(info(s));
    }
    return out;
  }

  private ScheduleInfo info(StoredSchedule s) {
    Missed m = Missed.parse(s.missed());
    return new ScheduleInfo(
        s.name(),
        s.type(),
        timing(s.timing()).describe(),
        m.policy,
        Duration.ofMillis(m.afterMillis),
        Instant.ofEpochMilli(s.next()),
        s.last() < 0 ? null : Instant.ofEpochMilli(s.last()));
  }

  private Timing timing(String spec) {
    Timing t = timings.get(spec);
    if (t == null) {
      if (timings.size() > 10_000) {
        timings.clear();
      }
      t = Timing.parse(spec);
      timings.put(spec, t);
    }
    return t;
  }

  // ---- ticking ----

  /** Starts ticking in this instance (idempotent); a backend without schedules is left alone. */
  synchronized void startTicking() {
    if (ticker != null || closed) {
      return;
    }
    try {
      store();
    } catch (UnsupportedOperationException e) {
      return;
    }
    ticker =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "headroom-queue-" + queue.name + "-schedules");
              t.setDaemon(true);
              return t;
            });
    wake();
  }

  private synchronized void wake() {
    ExecutorService t = ticker;
    if (t != null && !closed) {
      try {
        t.execute(this::run);
      } catch (RejectedExecutionException e) {
        // closed meanwhile
      }
    }
  }

  private void run() {
    long delay;
    try {
      delay = tickOnce();
    } catch (QueueUnavailableException e) {
      log.debug("queue '{}': schedules could not reach the store", queue.name, e);
      delay = RETRY_MILLIS;
    } catch (RuntimeException e) {
      log.warn("queue '{}': ticking schedules failed", queue.name, e);
      delay = RETRY_MILLIS;
    }
    reschedule(delay);
  }

  private synchronized void reschedule(long delayMillis) {
    if (closed) {
      return;
    }
    Cancellable old = timer;
    if (old != null) {
      old.cancel();
    }
    timer = null;
    if (delayMillis <= 0) {
      wake();
    } else {
      timer = time.schedule(this::wake, Duration.ofMillis(delayMillis));
    }
  }

  /** Fires every due schedule once; answers the delay until the soonest next tick or refresh. */
  long tickOnce() {
    ScheduleStore s = store();
    long now = queue.call(s::now);
    List<StoredSchedule> all = queue.call(s::list);
    long soonest = now + REFRESH_MILLIS;
    for (StoredSchedule sc : all) {
      long next = sc.next();
      if (next <= now) {
        long[] plan = plan(timing(sc.timing()), Missed.parse(sc.missed()), next, now);
        long[] ticks = new long[plan.length - 1];
        System.arraycopy(plan, 0, ticks, 0, ticks.length);
        long newNext = plan[plan.length - 1];
        boolean fired =
            queue.call(() -> s.fire(sc.name(), sc.version(), sc.next(), ticks, newNext));
        if (fired) {
          QueueMeters m = queue.meters;
          if (m != null && ticks.length > 0) {
            m.type(sc.type()).enqueued.increment(ticks.length);
          }
          log.debug(
              "queue '{}': schedule '{}' fired {} tick(s)", queue.name, sc.name(), ticks.length);
          next = newNext;
        } else {
          next = now + LOST_RACE_MILLIS;
        }
      }
      soonest = Math.min(soonest, next);
    }
    return soonest - now;
  }

  /**
   * The ticks to enqueue for a schedule whose next tick {@code next} is due at {@code now},
   * followed by the new next tick (the last element).
   */
  static long[] plan(Timing timing, Missed missed, long next, long now) {
    long[] out = new long[MAX_TICKS + 1];
    int n = 0;
    long t = next;
    long cut = now - missed.afterMillis;
    if (next <= cut) {
      if (missed.policy == MissedTicks.RUN_ONCE) {
        out[n++] = next;
      }
      t = timing.nextAfter(cut);
    }
    while (t <= now && n < MAX_TICKS) {
      out[n++] = t;
      t = timing.nextAfter(t);
    }
    if (t <= now) {
      t = timing.nextAfter(now);
    }
    out[n++] = t;
    long[] plan = new long[n];
    System.arraycopy(out, 0, plan, 0, n);
    return plan;
  }

  /** A stored missed-ticks policy: {@code skip <ms>} or {@code run-once <ms>}. */
  record Missed(MissedTicks policy, long afterMillis) {
    static Missed parse(String spec) {
      int space = spec.indexOf(' ');
      MissedTicks p =
          spec.substring(0, space).equals("skip") ? MissedTicks.SKIP : MissedTicks.RUN_ONCE;
      return new Missed(p, Long.parseLong(spec.substring(space + 1)));
    }
  }

  @Override
  public void close() {
    ExecutorService t;
    synchronized (this) {
      closed = true;
      Cancellable c = timer;
      if (c != null) {
        c.cancel();
      }
      timer = null;
      t = ticker;
      ticker = null;
    }
    if (t != null) {
      t.shutdownNow();
    }
  }
}
