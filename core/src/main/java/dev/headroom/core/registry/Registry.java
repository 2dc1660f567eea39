package dev.headroom.core.registry;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Named instances of one kind (caches, rate limiters, queues, batchers): get or create by name,
 * listeners told of every addition and removal, and {@link #close()} that closes every instance the
 * registry holds. A name is held by one instance at a time: creating a second under a taken name
 * answers the first, and {@link #add} refuses it.
 *
 * <p>Each module's registry ({@code CacheRegistry}, {@code RateLimiterRegistry}, ...) extends this
 * class with the creation methods of its kind, so a framework can list and follow every registry
 * the same way. Thread-safe; a factory runs at most once per name, under the registry's lock, so it
 * must not call back into the same registry.
 *
 * @param <T> the kind of instance
 */
public class Registry<T extends AutoCloseable> implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(Registry.class);

  private final String kind;
  private final Map<String, T> instances = new LinkedHashMap<>();
  private final List<RegistryListener<? super T>> listeners = new CopyOnWriteArrayList<>();
  private boolean closed;

  /**
   * @param kind what the instances are, for messages: {@code "cache"}, {@code "rate limiter"}
   */
  protected Registry(String kind) {
    this.kind = Objects.requireNonNull(kind, "kind");
  }

  /** A registry of instances of the given kind ({@code "cache"}, {@code "queue"}, ...). */
  public static <T extends AutoCloseable> Registry<T> of(String kind) {
    return new Registry<>(kind);
  }

  /**
   * The instance named {@code name}, created by {@code factory} (given the name) if there is none
   * yet; a new instance is announced to the listeners.
   *
   * @throws IllegalStateException if this registry is closed
   */
  public T getOrCreate(String name, Function<? super String, ? extends T> factory) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(factory, "factory");
    T created;
    synchronized (instances) {
      T existing = instances.get(name);
      if (existing != null) {
        return existing;
      }
      checkOpen();
      created = Objects.requireNonNull(factory.apply(name), () -> kind + " factory answered null");
      instances.put(name, created);
    }
    fireAdded(name, created);
    return created;
  }

  /**
   * Adds an instance made elsewhere; the registry closes it on {@link #remove} and {@link
   * #close()}.
   *
   * @throws IllegalArgumentException if {@code name} is taken
   * @throws IllegalStateException if this registry is closed
   */
  public T add(String name, T instance) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(instance, "instance");
    synchronized (instances) {
      checkOpen();
      if (instances.containsKey(name)) {
        throw new IllegalArgumentException(
            "name must be unique among " + kind + " instances, was '" + name + "' (already taken)");
      }
      instances.put(name, instance);
    }
    fireAdded(name, instance);
    return instance;
  }

  /** The instance named {@code name}, if any. */
  public Optional<T> find(String name) {
    synchronized (instances) {
      return Optional.ofNullable(instances.get(name));
    }
  }

  /**
   * The instance named {@code name}.
   *
   * @throws NoSuchElementException naming the known names if there is none
   */
  public T get(String name) {
    synchronized (instances) {
      T t = instances.get(name);
      if (t == null) {
        throw new NoSuchElementException(
            "no " + kind + " named '" + name + "'; known: " + instances.keySet());
      }
      return t;
    }
  }

  /** The names held, in the order they were added. */
  public List<String> names() {
    synchronized (instances) {
      return List.copyOf(instances.keySet());
    }
  }

  /** The instances held, in the order they were added. */
  public List<T> all() {
    synchronized (instances) {
      return List.copyOf(instances.values());
    }
  }

  /**
   * Removes and closes the instance named {@code name}; answers whether there was one. Listeners
   * hear of it after it is closed.
   */
  public boolean remove(String name) {
    T removed;
    synchronized (instances) {
      removed = instances.remove(name);
    }
    if (removed == null) {
      return false;
    }
    closeQuietly(name, removed);
    fireRemoved(name, removed);
    return true;
  }

  /**
   * Adds a listener; it first hears {@link RegistryListener#added} for every instance already held,
   * so it sees each instance exactly once. Answers a handle whose {@code close()} removes it.
   */
  public AutoCloseable addListener(RegistryListener<? super T> listener) {
    Objects.requireNonNull(listener, "listener");
    Map<String, T> now;
    synchronized (instances) {
      listeners.add(listener);
      now = new LinkedHashMap<>(instances);
    }
    now.forEach((n, t) -> notify(listener, n, t, true));
    return () -> listeners.remove(listener);
  }

  /** What the instances are, as given at construction. */
  public String kind() {
    return kind;
  }

  /**
   * Closes every instance, newest first, and tells the listeners; later creation fails. Idempotent.
   * A failure to close one instance is logged and does not stop the others.
   */
  @Override
  public void close() {
    Map<String, T> all;
    synchronized (instances) {
      if (closed) {
        return;
      }
      closed = true;
      all = new LinkedHashMap<>(instances);
      instances.clear();
    }
    List<Map.Entry<String, T>> entries = new ArrayList<>(all.entrySet());
    Collections.reverse(entries);
    for (Map.Entry<String, T> e : entries) {
      closeQuietly(e.getKey(), e.getValue());
      fireRemoved(e.getKey(), e.getValue());
    }
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("this " + kind + " registry is closed");
    }
  }

  private void closeQuietly(String name, T instance) {
    try {
      instance.close();
    } catch (Exception e) {
      log.warn("closing {} '{}' failed", kind, name, e);
    }
  }

  private void fireAdded(String name, T instance) {
    for (RegistryListener<? super T> l : listeners) {
      notify(l, name, instance, true);
    }
  }

  private void fireRemoved(String name, T instance) {
    for (RegistryListener<? super T> l : listeners) {
      notify(l, name, instance, false);
    }
  }

  private void notify(RegistryListener<? super T> l, String name, T instance, boolean added) {
    try {
      if (added) {
        l.added(name, instance);
      } else {
        l.removed(name, instance);
      }
    } catch (RuntimeException e) {
      log.warn("a {} registry listener failed", kind, e);
    }
  }

  @Override
  public String toString() {
    return kind + " registry " + names();
  }
}
