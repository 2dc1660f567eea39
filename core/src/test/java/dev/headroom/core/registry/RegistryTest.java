package dev.headroom.core.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class RegistryTest {

  /** An instance that writes its closing into a shared journal. */
  private record Thing(String name, List<String> journal) implements AutoCloseable {
    @Override
    public void close() {
      journal.add("closed " + name);
    }
  }

  /** Writes what it hears into the same journal. */
  private record Recorder(List<String> journal) implements RegistryListener<Thing> {
    @Override
    public void added(String name, Thing instance) {
      journal.add("added " + name);
    }

    @Override
    public void removed(String name, Thing instance) {
      journal.add("removed " + name);
    }
  }

  private final List<String> journal = new CopyOnWriteArrayList<>();
  private final Registry<Thing> registry = Registry.of("thing");

  private Thing thing(String name) {
    return new Thing(name, journal);
  }

  @Test
  void getOrCreateRunsTheFactoryOnceUnderConcurrency() throws Exception {
    int threads = 8;
    AtomicInteger created = new AtomicInteger();
    CountDownLatch start = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<Thing>> got = new ArrayList<>();
      for (int i = 0; i < threads; i++) {
        got.add(
            pool.submit(
                () -> {
                  start.await();
                  return registry.getOrCreate(
                      "shared",
                      n -> {
                        created.incrementAndGet();
                        return thing(n);
                      });
                }));
      }
      start.countDown();
      Thing first = got.get(0).get(10, TimeUnit.SECONDS);
      for (Future<Thing> f : got) {
        assertThat(f.get(10, TimeUnit.SECONDS)).isSameAs(first);
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(created).hasValue(1);
    assertThat(registry.names()).containsExactly("shared");
  }

  @Test
  void getOrCreateAnswersTheHeldInstanceWithoutCallingTheFactory() {
    Thing a = registry.getOrCreate("a", this::thing);
    assertThat(
            registry.getOrCreate(
                "a",
                n -> {
                  throw new AssertionError("factory called for a taken name");
                }))
        .isSameAs(a);
  }

  @Test
  void addRefusesATakenNameAndTheMessageNamesTheKind() {
    Thing first = registry.add("a", thing("a"));
    assertThatThrownBy(() -> registry.add("a", thing("a2")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("name must be unique among thing instances, was 'a' (already taken)");
    assertThat(registry.get("a")).isSameAs(first);
    assertThat(journal).containsExactly();
  }

  @Test
  void findGetNamesAndAllAnswerInTheOrderAdded() {
    Thing b = registry.add("b", thing("b"));
    Thing a = registry.getOrCreate("a", this::thing);
    assertThat(registry.names()).containsExactly("b", "a");
    assertThat(registry.all()).containsExactly(b, a);
    assertThat(registry.find("a")).containsSame(a);
    assertThat(registry.find("c")).isEmpty();
    assertThatThrownBy(() -> registry.get("c"))
        .isInstanceOf(NoSuchElementException.class)
        .hasMessage("no thing named 'c'; known: [b, a]");
    assertThat(registry.kind()).isEqualTo("thing");
  }

  @Test
  void removeClosesTheInstanceThenTellsTheListeners() {
    registry.add("a", thing("a"));
    registry.addListener(new Recorder(journal));
    journal.clear();

    assertThat(registry.remove("a")).isTrue();
    assertThat(journal).containsExactly("closed a", "removed a");
    assertThat(registry.find("a")).isEmpty();
    assertThat(registry.remove("a")).isFalse();
    assertThat(journal).containsExactly("closed a", "removed a");
  }

  @Test
  void aNewListenerHearsEveryHeldInstanceOnceThenTheChanges() throws Exception {
    registry.add("a", thing("a"));
    registry.add("b", thing("b"));
    AutoCloseable handle = registry.addListener(new Recorder(journal));
    assertThat(journal).containsExactly("added a", "added b");

    registry.getOrCreate("c", this::thing);
    registry.getOrCreate("c", this::thing);
    assertThat(journal).containsExactly("added a", "added b", "added c");

    handle.close();
    registry.getOrCreate("d", this::thing);
    assertThat(journal).containsExactly("added a", "added b", "added c");
  }

  @Test
  void aFailingListenerDoesNotStopTheOthers() {
    registry.addListener(
        new RegistryListener<Thing>() {
          @Override
          public void added(String name, Thing instance) {
            throw new IllegalStateException("listener bug");
          }
        });
    registry.addListener(new Recorder(journal));
    registry.getOrCreate("a", this::thing);
    assertThat(journal).containsExactly("added a");
  }

  @Test
  void closeClosesNewestFirstAndTellsTheListeners() {
    registry.add("a", thing("a"));
    registry.add("b", thing("b"));
    registry.getOrCreate("c", this::thing);
    registry.addListener(new Recorder(journal));
    journal.clear();

    registry.close();
    assertThat(journal)
        .containsExactly("closed c", "removed c", "closed b", "removed b", "closed a", "removed a");
    assertThat(registry.names()).isEmpty();

    registry.close();
    assertThat(journal).hasSize(6);
  }

  @Test
  void aFailureToCloseOneInstanceDoesNotStopTheOthers() {
    Registry<AutoCloseable> closeables = Registry.of("closeable");
    List<String> closed = new ArrayList<>();
    closeables.add("a", () -> closed.add("a"));
    closeables.add(
        "b",
        () -> {
          throw new IllegalStateException("close failed");
        });
    closeables.add("c", () -> closed.add("c"));
    closeables.close();
    assertThat(closed).containsExactly("c", "a");
  }

  @Test
  void aClosedRegistryRefusesNewInstances() {
    registry.close();
    assertThatThrownBy(() -> registry.getOrCreate("a", this::thing))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("this thing registry is closed");
    assertThatThrownBy(() -> registry.add("a", thing("a")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("this thing registry is closed");
    assertThat(journal).isEmpty();
  }

  @Test
  void aFactoryAnsweringNullIsRefused() {
    assertThatThrownBy(() -> registry.getOrCreate("a", n -> null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("thing factory answered null");
    assertThat(registry.names()).isEmpty();
  }

  @Test
  void aModuleRegistryExtendsIt() {
    final class ThingRegistry extends Registry<Thing> {
      ThingRegistry() {
        super("thing");
      }
    }
    try (ThingRegistry things = new ThingRegistry()) {
      things.getOrCreate("a", this::thing);
      assertThat(things).hasToString("thing registry [a]");
    }
    assertThat(journal).containsExactly("closed a");
  }
}
