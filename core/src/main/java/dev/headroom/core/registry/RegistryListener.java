package dev.headroom.core.registry;

/**
 * Hears instances join and leave a {@link Registry}: how meter binders and frameworks follow the
 * instances a service creates. Callbacks run on the thread that added or removed the instance and
 * must be quick; an exception from one is logged and does not stop the others.
 *
 * @param <T> the kind of instance
 */
public interface RegistryListener<T> {

  /** {@code instance} was added under {@code name}. */
  default void added(String name, T instance) {}

  /** {@code instance} was removed (and, if the registry created it, closed). */
  default void removed(String name, T instance) {}
}
