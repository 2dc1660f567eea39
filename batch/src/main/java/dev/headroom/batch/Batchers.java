package dev.headroom.batch;

import dev.headroom.core.config.Require;
import java.time.Duration;
import java.util.Optional;
import java.util.function.BiConsumer;
import java.util.function.BinaryOperator;
import java.util.function.Function;

/**
 * Makes batchers, debouncers and throttles. A batcher needs no Redis (its loader may use it):
 *
 * <pre>{@code
 * Batcher<Long, Optional<User>> users = Batchers.create("users", loader, BatcherConfig.ofDefaults());
 * }</pre>
 *
 * <p>The three batcher factories differ only in what a key the loader gave no value answers: {@link
 * Optional#empty()} ({@link #create}), a default value ({@link #createWithDefault}), or a {@link
 * MissingValueException} ({@link #createRequired}). Every name must be non-blank; with a meter
 * registry in the config, one registry holds one live instance per name (a second is refused with
 * an {@link IllegalStateException} until the first is closed).
 */
public final class Batchers {

  private Batchers() {}

  /**
   * A batcher named {@code name} on {@code loader}: a present key answers {@code
   * Optional.of(value)}, an absent one {@link Optional#empty()}.
   *
   * @throws IllegalArgumentException if {@code name} is blank
   * @throws IllegalStateException if the config's meter registry holds a live batcher of that name
   */
  public static <K, V> Batcher<K, Optional<V>> create(
      String name, BatchLoader<K, V> loader, BatcherConfig config) {
    return new WindowBatcher<K, V, Optional<V>>(
        checkName(name),
        Require.nonNull("loader", loader),
        Require.nonNull("config", config),
        Optional::of,
        Optional.empty());
  }

  /** Like {@link #create}, but an absent key answers {@code defaultValue}. */
  public static <K, V> Batcher<K, V> createWithDefault(
      String name, BatchLoader<K, V> loader, V defaultValue, BatcherConfig config) {
    Require.nonNull("defaultValue", defaultValue);
    return new WindowBatcher<K, V, V>(
        checkName(name),
        Require.nonNull("loader", loader),
        Require.nonNull("config", config),
        Function.identity(),
        defaultValue);
  }

  /**
   * Like {@link #create}, but every key must have a value: an absent key fails with {@link
   * MissingValueException}.
   */
  public static <K, V> Batcher<K, V> createRequired(
      String name, BatchLoader<K, V> loader, BatcherConfig config) {
    return new WindowBatcher<K, V, V>(
        checkName(name),
        Require.nonNull("loader", loader),
        Require.nonNull("config", config),
        Function.identity(),
        null);
  }

  /**
   * A debouncer named {@code name} that runs {@code action} per key as {@code config} says
   * (trailing, {@link DebouncerConfig#waitTime()} after the key's last call, by default); a call's
   * argument replaces the pending one.
   *
   * @throws IllegalArgumentException if {@code name} is blank
   * @throws IllegalStateException if the config's meter registry holds a live debouncer of that
   *     name
   */
  public static <K, A> Debouncer<K, A> debouncer(
      String name, BiConsumer<? super K, ? super A> action, DebouncerConfig config) {
    return debouncer(name, action, (pending, latest) -> latest, config);
  }

  /**
   * Like {@link #debouncer(String, BiConsumer, DebouncerConfig)}, combining a call's argument with
   * the pending one as {@code merge.apply(pending, latest)}: an accumulator (say, concatenating
   * lists) lets the run see every call's argument.
   */
  public static <K, A> Debouncer<K, A> debouncer(
      String name,
      BiConsumer<? super K, ? super A> action,
      BinaryOperator<A> merge,
      DebouncerConfig config) {
    return new KeyedDebouncer<>(
        checkName(name),
        Require.nonNull("action", action),
        Require.nonNull("merge", merge),
        Require.nonNull("config", config));
  }

  /**
   * A throttle: runs {@code action} at once on a key's first call, then at most once per {@code
   * interval} while calls keep coming, with the latest argument, and once more after the last call
   * if it was not run yet (unless {@code config} turns the trailing edge off). It is a debouncer
   * whose wait and maxWait are {@code interval} and whose leading edge is on: those settings of
   * {@code config} are replaced; the others (trailing, meters, time source, executor) are its own.
   *
   * @throws IllegalArgumentException if {@code name} is blank or {@code interval} is not positive
   */
  public static <K, A> Debouncer<K, A> throttle(
      String name,
      Duration interval,
      BiConsumer<? super K, ? super A> action,
      DebouncerConfig config) {
    Require.positive("interval", interval);
    Require.nonNull("config", config);
    return debouncer(
        name,
        action,
        config.toBuilder().waitTime(interval).maxWait(interval).leading(true).build());
  }

  private static String checkName(String name) {
    return Require.notBlank("name", name);
  }
}
