package dev.headroom.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.headroom.cache.redis.Invalidation;
import dev.headroom.core.codec.Codec;
import dev.headroom.core.key.KeySpace;
import dev.headroom.core.redis.RedisConnector;
import dev.headroom.testkit.RedisExtension;
import dev.headroom.testkit.TestRedis;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Nothing slow runs on Lettuce's I/O thread: a pattern message, a clear and lost state (the path of
 * the breaker's recovery callback, here reached by a sequence gap) only fence L1 there and hand the
 * removal to the cache's executor. The executor here queues its tasks, and the test runs them on
 * its own thread and records which thread removed the entries.
 */
@ExtendWith(RedisExtension.class)
class IoThreadOffloadTest {

  private static final AtomicInteger SPACES = new AtomicInteger();
  private static RedisConnector nodeA;
  private static RedisConnector nodeB;
  private final List<Cache<String>> open = new ArrayList<>();
  private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
  private final List<String> ranOn = new CopyOnWriteArrayList<>();
  private KeySpace keySpace;

  @BeforeAll
  static void connect(TestRedis shared) {
    nodeA = RedisConnector.create(shared.uri());
    nodeB = RedisConnector.create(shared.uri());
  }

  @AfterAll
  static void disconnect() {
    nodeA.close();
    nodeB.close();
  }

  @BeforeEach
  void keySpace(TestRedis redis) {
    keySpace = KeySpace.of(redis.keyPrefix(), "o" + SPACES.incrementAndGet(), "cache");
  }

  @AfterEach
  void close() {
    open.forEach(Cache::close);
  }

  private TwoLevelCache<String> node(RedisConnector c, boolean queued) {
    CacheConfig.Builder<String> b =
        CacheConfig.builder(Codec.utf8()).keySpace(keySpace).l2Timeout(Duration.ofSeconds(1));
    if (queued) {
      b.executor(tasks::add);
    }
    TwoLevelCache<String> cache = (TwoLevelCache<String>) Caches.redis(c, "offload", b.build());
    open.add(cache);
    return cache;
  }

  /** Runs the queued tasks on this thread, recording that thread for each. */
  private void runTasks() {
    for (Runnable r = tasks.poll(); r != null; r = tasks.poll()) {
      ranOn.add(Thread.currentThread().getName());
      r.run();
    }
  }

  private void awaitReceived(Cache<String> a, long before) {
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> a.stats().invalidationsReceived() > before && !tasks.isEmpty());
  }

  @Test
  void aPatternMessageRemovesOnTheCachesExecutor() {
    TwoLevelCache<String> a = node(nodeA, true);
    TwoLevelCache<String> b = node(nodeB, false);
    a.put("user:1:name", "v");
    a.put("other", "w");
    long received = a.stats().invalidationsReceived();
    b.invalidatePattern("user:*");
    awaitReceived(a, received);
    assertThat(a.l1Size()).as("nothing removed on the I/O thread").isEqualTo(2);
    runTasks();
    assertThat(ranOn).containsOnly(Thread.currentThread().getName());
    assertThat(a.l1Size()).isEqualTo(1);
  }

  @Test
  void aClearMessageRemovesOnTheCachesExecutor() {
    TwoLevelCache<String> a = node(nodeA, true);
    TwoLevelCache<String> b = node(nodeB, false);
    a.put("k", "v");
    long received = a.stats().invalidationsReceived();
    b.clear();
    awaitReceived(a, received);
    assertThat(a.l1Size()).isEqualTo(1);
    runTasks();
    assertThat(ranOn).isNotEmpty();
    assertThat(a.l1Size()).isZero();
  }

  @Test
  void lostStateClearsL1OnTheCachesExecutor() {
    TwoLevelCache<String> a = node(nodeA, true);
    a.put("k", "v");
    String channel = a.tier().channel();
    long received = a.stats().invalidationsReceived();
    nodeB
        .sync()
        .publish(
            channel, new Invalidation("other", 1, Invalidation.Op.KEYS, List.of("x"), "").encode());
    nodeB
        .sync()
        .publish(
            channel, new Invalidation("other", 3, Invalidation.Op.KEYS, List.of("y"), "").encode());
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> a.stats().invalidationsReceived() >= received + 2 && !tasks.isEmpty());
    assertThat(a.l1Size()).isEqualTo(1);
    runTasks();
    assertThat(a.l1Size()).isZero();
    assertThat(a.stats().invalidationGaps()).isEqualTo(1);
  }
}
