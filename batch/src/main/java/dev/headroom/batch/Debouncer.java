package dev.headroom.batch;

import dev.headroom.core.health.Health;
import dev.headroom.core.health.HealthCheck;

/**
 * Debounces (or throttles) an action per key, with lodash's semantics. Made by {@link Batchers}:
 *
 * <pre>{@code
 * Debouncer<String, Query> search = Batchers.debouncer("search", (user, query) -> runSearch(user, query),
 *     DebouncerConfig.builder().waitTime(Duration.ofMillis(300)).maxWait(Duration.ofSeconds(1)).build());
 * search.call(userId, query);   // runs once per user, 300 ms after their last keystroke, at least every second
 * }</pre>
 *
 * <ul>
 *   <li><b>trailing</b> (default on): the action runs once {@link DebouncerConfig#waitTime()} has
 *       passed since the key's last call, with the last argument (or the merged arguments, see
 *       {@link Batchers#debouncer(String, java.util.function.BiConsumer,
 *       java.util.function.BinaryOperator, DebouncerConfig)}).
 *   <li><b>leading</b> (default off): the first call of a burst runs the action at once; with
 *       trailing also on, a trailing run happens only if more calls came during the wait.
 *   <li><b>maxWait</b>: while calls keep coming, the action still runs at least every maxWait.
 *   <li>{@link Batchers#throttle} is leading + trailing with maxWait = wait: at most once per
 *       interval.
 * </ul>
 *
 * Time is read and timers scheduled on the config's {@link DebouncerConfig#timeSource()}. Keys are
 * independent: one key's calls never delay another's. Runs of one key never overlap (a call for a
 * key waits while that key's action runs); leading runs and {@link #flush} happen on the calling
 * thread, timed runs on the executor. An action may call the debouncer for its own key; an action
 * that flushes or cancels other keys can deadlock with theirs doing the same. An action that throws
 * is logged and counted; it does not disturb the debouncer. Thread-safe. A key with nothing pending
 * keeps no state.
 *
 * @param <K> the key type
 * @param <A> the argument type
 */
public interface Debouncer<K, A> extends AutoCloseable, HealthCheck {

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

  /** The name, used in meters (tag {@code debouncer}) and logs. */
  @Override
  String name();

  /** UP while open, DOWN once closed; details give the active keys. */
  @Override
  Health health();

  /** Cancels every pending run, refuses new calls and removes the meters. Idempotent. */
  @Override
  void close();
}
