package dev.headroom.batch;

import dev.headroom.core.config.Require;
import dev.headroom.core.registry.Registry;
import java.util.Optional;

/**
 * Named batchers of one service, built with one default configuration: {@code
 * registry.batcher("users", loader)} answers the batcher of that name, creating it on first use
 * (the inherited {@link #getOrCreate(String, java.util.function.Function)} does the same with any
 * factory); {@link #close()} closes every batcher it holds. Nothing is registered behind the user's
 * back. Thread-safe.
 *
 * <p>A name holds one batcher with one key and value type: ask for a name with the types it was
 * created with (the registry cannot check them; a mismatch fails later with a {@link
 * ClassCastException}).
 */
public final class BatcherRegistry extends Registry<Batcher<?, ?>> {

  private final BatcherConfig defaults;

  private BatcherRegistry(BatcherConfig defaults) {
    super("batcher");
    this.defaults = defaults;
  }

  /** An empty registry whose batchers use {@code defaults} unless given a config of their own. */
  public static BatcherRegistry create(BatcherConfig defaults) {
    return new BatcherRegistry(Require.nonNull("defaults", defaults));
  }

  /** The configuration of batchers created without one. */
  public BatcherConfig defaults() {
    return defaults;
  }

  /**
   * The batcher named {@code name}, created with {@link Batchers#create} on {@code loader} and the
   * default configuration if there is none yet.
   */
  public <K, V> Batcher<K, Optional<V>> batcher(String name, BatchLoader<K, V> loader) {
    return batcher(name, loader, defaults);
  }

  /**
   * The batcher named {@code name}, created with {@link Batchers#create} on {@code loader} and
   * {@code config} if there is none yet (an existing batcher keeps its own loader and config).
   */
  @SuppressWarnings("unchecked")
  public <K, V> Batcher<K, Optional<V>> batcher(
      String name, BatchLoader<K, V> loader, BatcherConfig config) {
    Require.nonNull("loader", loader);
    Require.nonNull("config", config);
    return (Batcher<K, Optional<V>>)
        super.getOrCreate(name, n -> Batchers.create(n, loader, config));
  }

  /** The batcher named {@code name}, typed as it was created. */
  @SuppressWarnings("unchecked")
  public <K, R> Batcher<K, R> batcher(String name) {
    return (Batcher<K, R>) get(name);
  }
}
