package dev.headroom.batch;

import dev.headroom.core.time.TimeSource;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import java.util.function.BiConsumer;
import java.util.function.BinaryOperator;
import org.jspecify.annotations.Nullable;

/**
 * Debounces (or throttles) an action per key, with lodash's semantics.
 *
 * <pre>{@code
 * Debouncer<String, Query> search = Debouncer.<String, Query>builder("search", Duration.ofMillis(300),
 *     (user, query) -> runSearch(user, query)).maxWait(Duration.ofSeconds(1)).build();
 * search.call(userId, query);   // runs once per user, 300 ms after their last keystroke, at least every second
 * }</pre>
 *
 * <ul>
 *   <li><b>trailing</b> (default on): the action runs once {@code wait} has passed since the key's
 *       last call, with the last argument (or the {@linkplain Builder#merge merged} arguments).
 *   <li><b>leading</b> (default off): the first call of a burst runs the action at once; with
 *       trailing also on, a trailing run happens only if more calls came during the wait.
 *   <li><b>maxWait</b>: while calls keep coming, the action still runs at least every maxWait.
 *   <li>{@link #throttle} is leading + trailing with maxWait = wait: at most once per interval.
 * </ul>
 *
 * Keys are independent: one key's calls never delay another's. Runs of one key never overlap (a
 * call for a key waits while that key's action runs); leading runs and {@link #flush} happen on the
 * calling thread, timed runs on the executor. An action may call the debouncer for its own key;
 * an action that flushes or cancels other keys can deadlock with theirs doing the same. An action
 * that throws is logged and counted; it does not disturb the debouncer. Thread-safe. A key with
 * nothing pending keeps no state.
 *
 * @param <K> the key type
 * @param <A> the argument type
 */
public interface Debouncer<K, A> extends AutoCloseable {

  /**
   * A builder for a debouncer named {@code name} that runs {@code action} once {@code wait} has
   * passed without calls for a key (trailing), unless configured otherwise.
   *
   * @throws IllegalArgumentException if {@code name} is blank or {@code wait} is not positive
   */
  static <K, A> Builder<K, A> builder(String name, Duration wait, BiConsumer<? super K, ? super A> action) {
    return new Builder<>(name, wait, action);
  }

  /**
   * A builder for a throttle: runs {@code action} at once on a key's first call, then at most once
   * per {@code interval} while calls keep coming, with the latest argument, and once more after
   * the last call if it was not run yet. It is a debouncer with leading and trailing on and
   * maxWait = {@code interval}.
   */
  static <K, A> Builder<K, A> throttle(String name, Duration interval, BiConsumer<? super K, ? super A> action) {
    return new Builder<K, A>(name, interval, action).leading(true).trailing(true).maxWait(interval);
  }

  /**
   * Records a call for {@code key}; may run the action at once (leading edge or maxWait reached).
   *
   * @throws NullPointerException if {@code key} or {@code argument} is null
   * @throws IllegalStateException if closed
   */
  void call(K key, A argument);

  /**
   * Drops the pending run of {@code key} and forgets its timing, so its next call starts afresh.
   *
   * @return whether a run was pending
   */
  boolean cancel(K key);

  /**
   * Runs the pending run of {@code key} now, on the calling thread, instead of waiting.
   *
   * @return whether there was one to run
   */
  boolean flush(K key);

  /** Flushes every key; answers how many runs that made. */
  int flushAll();

  /** Whether {@code key} has a trailing run owed. */
  boolean isPending(K key);

  /** Keys currently holding state (a timer or a pending run). */
  int activeKeys();

  /** The name. */
  String name();

  /** Cancels every pending run and refuses new calls. Idempotent. */
  @Override
  void close();

  /**
   * Builds a {@link Debouncer}; each setter checks its value, {@link #build()} the combination.
   * Not thread-safe.
   *
   * @param <K> the key type
   * @param <A> the argument type
   */
  final class Builder<K, A> {
    final String name;
    final Duration wait;
    final BiConsumer<? super K, ? super A> action;
    boolean leading;
    boolean trailing = true;
    @Nullable Duration maxWait;
    BinaryOperator<A> merge = (previous, latest) -> latest;
    TimeSource timeSource = TimeSource.system();
    Scheduler scheduler = Scheduler.system();
    Executor executor = ForkJoinPool.commonPool();
    @Nullable MeterRegistry registry;

    private Builder(String name, Duration wait, BiConsumer<? super K, ? super A> action) {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(wait, "wait");
      if (name.isBlank()) {
        throw new IllegalArgumentException("debouncer name must not be blank, was '" + name + "'");
      }
      if (wait.isNegative() || wait.isZero()) {
        throw new IllegalArgumentException("wait must be positive, was " + wait);
      }
      this.name = name;
      this.wait = wait;
      this.action = Objects.requireNonNull(action, "action");
    }

    /** Run on the leading edge of a burst (default false). */
    public Builder<K, A> leading(boolean leading) {
      this.leading = leading;
      return this;
    }

    /** Run on the trailing edge of a burst (default true). */
    public Builder<K, A> trailing(boolean trailing) {
      this.trailing = trailing;
      return this;
    }

    /**
     * Run at least this often while calls keep coming (default: no limit).
     *
     * @throws IllegalArgumentException if it is less than the wait
     */
    public Builder<K, A> maxWait(Duration maxWait) {
      Objects.requireNonNull(maxWait, "maxWait");
      if (maxWait.compareTo(wait) < 0) {
        throw new IllegalArgumentException("maxWait must be >= wait (" + wait + "), was " + maxWait);
      }
      this.maxWait = maxWait;
      return this;
    }

    /**
     * Combines the argument of a call with the one already pending for its key: {@code
     * merge.apply(pending, latest)}. The default keeps the latest (last argument wins); an
     * accumulator (say, concatenating lists) lets the run see every call's argument.
     */
    public Builder<K, A> merge(BinaryOperator<A> merge) {
      this.merge = Objects.requireNonNull(merge, "merge");
      return this;
    }

    /** Where time is read (default {@link TimeSource#system()}). */
    public Builder<K, A> timeSource(TimeSource timeSource) {
      this.timeSource = Objects.requireNonNull(timeSource, "timeSource");
      return this;
    }

    /** Where the timers run (default {@link Scheduler#system()}). */
    public Builder<K, A> scheduler(Scheduler scheduler) {
      this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
      return this;
    }

    /** Where timed runs of the action happen (default {@link ForkJoinPool#commonPool()}). */
    public Builder<K, A> executor(Executor executor) {
      this.executor = Objects.requireNonNull(executor, "executor");
      return this;
    }

    /**
     * Publishes {@code headroom.batch.debouncer.*} counters (calls, executions, coalesced, errors)
     * tagged {@code name=<debouncer name>}; none without a registry (the default).
     */
    public Builder<K, A> meterRegistry(@Nullable MeterRegistry registry) {
      this.registry = registry;
      return this;
    }

    /**
     * The debouncer.
     *
     * @throws IllegalArgumentException if leading and trailing are both off: the action would never run
     */
    public Debouncer<K, A> build() {
      if (!leading && !trailing) {
        throw new IllegalArgumentException("leading and trailing must not both be false: the action would never run");
      }
      return new DefaultDebouncer<>(this);
    }
  }
}
