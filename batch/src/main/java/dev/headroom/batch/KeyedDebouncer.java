package dev.headroom.batch;

import static dev.headroom.core.metrics.HeadroomMeters.DEBOUNCER_CALLS;
import static dev.headroom.core.metrics.HeadroomMeters.DEBOUNCER_RUNS;
import static dev.headroom.core.metrics.HeadroomMeters.TAG_DEBOUNCER;
import static dev.headroom.core.metrics.HeadroomMeters.TAG_RESULT;

import dev.headroom.core.health.Health;
import dev.headroom.core.health.HealthStatus;
import dev.headroom.core.metrics.InstanceMeters;
import dev.headroom.core.time.Cancellable;
import dev.headroom.core.time.TimeSource;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.BiConsumer;
import java.util.function.BinaryOperator;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/*
 * Design.
 *
 * Each key has a State holding lodash's debounce variables (pending argument, last call time, last
 * run time, the timer), and the state machine below is lodash's `debounce`, key by key: a call
 * decides from the times alone whether to run now (leading edge, or maxWait reached) and starts a
 * timer if none runs; a timer that fires re-checks the times and either runs the trailing edge or
 * sleeps again for exactly the remaining wait. So a burst of calls costs one timer, not one per
 * call, and the run happens at the first instant the rules allow.
 *
 * A State is guarded by its own monitor, and the action runs while holding it: runs of one key
 * never overlap, and other keys never wait. The monitor is reentrant, so an action may call the
 * debouncer for its own key. A timer only hands the key to the executor; stale timers (cancelled or
 * replaced after they were already due) are recognized by a token and do nothing.
 *
 * Idle keys are forgotten: once nothing is pending and `wait` has passed since the key's last call,
 * its State is marked retired and removed from the map. Forgetting then is exact: a fresh State
 * answers the next call just as the old one would (lodash treats "never called" and "last called at
 * least `wait` ago" alike). When a trailing run was forced by maxWait earlier than that, the timer
 * is kept until `wait` has passed, so the key is still forgotten. A caller that finds a retired State
 * (it lost a race with the removal) simply looks the key up again.
 */
final class KeyedDebouncer<K, A> implements Debouncer<K, A> {

  private static final Logger log = LoggerFactory.getLogger(KeyedDebouncer.class);

  /**
   * Guards the check that a name is free in a meter registry and the registration that takes it.
   */
  private static final Object NAMES = new Object();

  private final String name;
  private final long wait;
  private final long maxWait;
  private final boolean maxing;
  private final boolean leading;
  private final boolean trailing;
  private final BiConsumer<? super K, ? super A> action;
  private final BinaryOperator<A> merge;
  private final TimeSource time;
  private final Executor executor;
  private final InstanceMeters meters;

  /** Calls that found no pending argument for their key, and calls merged into a pending one. */
  private final @Nullable Counter accepted;

  private final @Nullable Counter coalesced;
  private final @Nullable Counter succeeded;
  private final @Nullable Counter errors;
  private final ConcurrentHashMap<K, State<K, A>> states = new ConcurrentHashMap<>();
  private volatile boolean closed;

  /**
   * @throws IllegalStateException if the config's meter registry holds a live debouncer named
   *     {@code name}
   */
  KeyedDebouncer(
      String name,
      BiConsumer<? super K, ? super A> action,
      BinaryOperator<A> merge,
      DebouncerConfig config) {
    this.name = name;
    this.wait = config.waitTime().toNanos();
    this.maxing = config.maxWait().isPresent();
    this.maxWait = config.maxWait().map(d -> d.toNanos()).orElse(Long.MAX_VALUE);
    this.leading = config.leading();
    this.trailing = config.trailing();
    this.action = action;
    this.merge = merge;
    this.time = config.timeSource();
    this.executor = config.executor();
    MeterRegistry r = config.meterRegistry().orElse(null);
    synchronized (NAMES) {
      if (r != null && r.find(DEBOUNCER_CALLS).tag(TAG_DEBOUNCER, name).counter() != null) {
        throw new IllegalStateException(
            "debouncer '"
                + name
                + "': this MeterRegistry already holds the meters of a live"
                + " debouncer of that name; close it first or choose another name");
      }
      this.meters = InstanceMeters.of(r, TAG_DEBOUNCER, name);
      this.accepted =
          counter(DEBOUNCER_CALLS, "accepted", "calls that started a pending run or ran at once");
      this.coalesced = counter(DEBOUNCER_CALLS, "coalesced", "calls merged into a pending run");
    }
    this.succeeded = counter(DEBOUNCER_RUNS, "success", "runs of the action");
    this.errors = counter(DEBOUNCER_RUNS, "error", "runs of the action that threw");
  }

  private @Nullable Counter counter(String meter, String result, String description) {
    return meters.register(
        reg ->
            Counter.builder(meter)
                .description(description)
                .tags(meters.tags(TAG_RESULT, result))
                .register(reg));
  }

  private static void increment(@Nullable Counter counter) {
    if (counter != null) {
      counter.increment();
    }
  }

  @Override
  public void call(K key, A argument) {
    if (key == null || argument == null) {
      throw new NullPointerException("debouncer '" + name + "': key and argument must not be null");
    }
    if (closed) {
      throw new IllegalStateException("debouncer '" + name + "' is closed");
    }
    while (true) {
      State<K, A> s = states.computeIfAbsent(key, State::new);
      synchronized (s) {
        if (!s.retired) {
          debounced(s, argument);
          return;
        }
      }
    }
  }

  private void debounced(State<K, A> s, A argument) {
    long now = time.nanoTime();
    boolean invoking = shouldInvoke(s, now);
    if (s.hasArgs) {
      s.args = merge.apply(s.args, argument);
      increment(coalesced);
    } else {
      s.args = argument;
      s.hasArgs = true;
      increment(accepted);
    }
    s.lastCallTime = now;
    s.called = true;
    if (invoking) {
      if (s.timer == null) {
        leadingEdge(s, now);
        return;
      }
      if (maxing) {
        cancelTimer(s);
        startTimer(s, wait);
        invoke(s, now);
        return;
      }
    }
    if (s.timer == null) {
      startTimer(s, wait);
    }
  }

  private boolean shouldInvoke(State<K, A> s, long now) {
    if (!s.called) {
      return true;
    }
    long sinceCall = now - s.lastCallTime;
    long sinceInvoke = now - s.lastInvokeTime;
    return sinceCall >= wait || sinceCall < 0 || (maxing && sinceInvoke >= maxWait);
  }

  private void leadingEdge(State<K, A> s, long now) {
    s.lastInvokeTime = now;
    startTimer(s, wait);
    if (leading) {
      invoke(s, now);
    }
  }

  private long remainingWait(State<K, A> s, long now) {
    long waiting = wait - (now - s.lastCallTime);
    return maxing ? Math.min(waiting, maxWait - (now - s.lastInvokeTime)) : waiting;
  }

  private void timerExpired(State<K, A> s, long token) {
    synchronized (s) {
      if (s.retired || s.timerToken != token || s.timer == null) {
        return;
      }
      s.timer = null;
      long now = time.nanoTime();
      if (shouldInvoke(s, now)) {
        trailingEdge(s, now);
      } else {
        startTimer(s, remainingWait(s, now));
      }
    }
  }

  /** Runs the owed trailing call, if any; then keeps a timer until the key may be forgotten. */
  private boolean trailingEdge(State<K, A> s, long now) {
    s.timer = null;
    boolean ran = false;
    if (trailing && s.hasArgs) {
      invoke(s, now);
      ran = true;
    } else {
      s.args = null;
      s.hasArgs = false;
    }
    if (s.timer == null && !s.hasArgs && !s.retired) {
      long sinceCall = now - s.lastCallTime;
      if (sinceCall >= wait || sinceCall < 0) {
        retire(s);
      } else {
        startTimer(s, wait - sinceCall);
      }
    }
    return ran;
  }

  private void invoke(State<K, A> s, long now) {
    A args = s.args;
    s.args = null;
    s.hasArgs = false;
    s.lastInvokeTime = now;
    try {
      action.accept(s.key, args);
      increment(succeeded);
    } catch (RuntimeException e) {
      increment(errors);
      log.warn("debouncer '{}': the action failed", name, e);
    }
  }

  private void startTimer(State<K, A> s, long delayNanos) {
    long token = ++s.timerToken;
    s.timer = time.schedule(() -> runExpired(s, token), delayNanos);
  }

  private void runExpired(State<K, A> s, long token) {
    try {
      executor.execute(() -> timerExpired(s, token));
    } catch (RejectedExecutionException e) {
      timerExpired(s, token);
    }
  }

  private void cancelTimer(State<K, A> s) {
    Cancellable t = s.timer;
    if (t != null) {
      t.cancel();
      s.timer = null;
    }
    s.timerToken++;
  }

  private void retire(State<K, A> s) {
    cancelTimer(s);
    s.retired = true;
    s.args = null;
    s.hasArgs = false;
    states.remove(s.key, s);
  }

  @Override
  public boolean cancel(K key) {
    State<K, A> s = states.get(key);
    if (s == null) {
      return false;
    }
    synchronized (s) {
      if (s.retired) {
        return false;
      }
      boolean pending = s.hasArgs;
      retire(s);
      return pending;
    }
  }

  @Override
  public boolean flush(K key) {
    State<K, A> s = states.get(key);
    if (s == null) {
      return false;
    }
    synchronized (s) {
      if (s.retired || s.timer == null) {
        return false;
      }
      cancelTimer(s);
      return trailingEdge(s, time.nanoTime());
    }
  }

  @Override
  public int flushAll() {
    int ran = 0;
    for (K key : states.keySet()) {
      if (flush(key)) {
        ran++;
      }
    }
    return ran;
  }

  @Override
  public boolean isPending(K key) {
    State<K, A> s = states.get(key);
    if (s == null) {
      return false;
    }
    synchronized (s) {
      return !s.retired && s.hasArgs && trailing;
    }
  }

  @Override
  public int activeKeys() {
    return states.size();
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public void close() {
    closed = true;
    for (K key : states.keySet()) {
      cancel(key);
    }
    meters.close();
  }

  @Override
  public Health health() {
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("activeKeys", states.size());
    if (closed) {
      details.put("closed", true);
    }
    return Health.of(closed ? HealthStatus.DOWN : HealthStatus.UP, details);
  }

  @Override
  public String toString() {
    return "Debouncer["
        + name
        + ", wait="
        + wait / 1_000_000
        + "ms"
        + (maxing ? ", maxWait=" + maxWait / 1_000_000 + "ms" : "")
        + ", leading="
        + leading
        + ", trailing="
        + trailing
        + ", activeKeys="
        + states.size()
        + "]";
  }

  /** lodash's per-debounce variables, for one key; guarded by its own monitor. */
  private static final class State<K, A> {
    final K key;
    @Nullable A args;
    boolean hasArgs;
    boolean called;
    long lastCallTime;
    long lastInvokeTime;
    @Nullable Cancellable timer;
    long timerToken;
    boolean retired;

    State(K key) {
      this.key = key;
    }
  }
}
