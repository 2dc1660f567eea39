package dev.headroom.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.headroom.cache.redis.StoredValue;
import dev.headroom.core.codec.Codec;
import dev.headroom.core.key.KeySpace;
import dev.headroom.core.redis.RedisConnector;
import dev.headroom.testkit.RedisExtension;
import dev.headroom.testkit.TestRedis;
import io.lettuce.core.SetArgs;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Two nodes: a read-through load on node A reads the database before node B's put reaches Redis and
 * writes after it. B's value must stay in L2. B's put is made to land in Redis while its message to
 * A is still in flight (the window in which A's own epoch guard cannot help), by writing B's value
 * as B's put stores it.
 */
@ExtendWith(RedisExtension.class)
class LoadWriteRaceTest {

  private static final AtomicInteger SPACES = new AtomicInteger();
  private static RedisConnector nodeA;
  private static RedisConnector nodeB;
  private final List<Cache<String>> open = new ArrayList<>();
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
    keySpace = KeySpace.of(redis.keyPrefix(), "w" + SPACES.incrementAndGet(), "cache");
  }

  @AfterEach
  void close() {
    open.forEach(Cache::close);
  }

  private TwoLevelCache<String> node(RedisConnector c) {
    Cache<String> cache =
        Caches.redis(
            c,
            "race",
            CacheConfig.builder(Codec.utf8())
                .keySpace(keySpace)
                .l2Timeout(Duration.ofSeconds(1))
                .staleWhileRevalidate(Duration.ofMinutes(1))
                .ttl(Duration.ofMinutes(5))
                .build());
    open.add(cache);
    return (TwoLevelCache<String>) cache;
  }

  /** Stores {@code value} in L2 the way node {@code b}'s put does, without its message. */
  private static void landPutOf(TwoLevelCache<String> b, String key, String value, Duration ttl) {
    long now = System.currentTimeMillis();
    StoredValue v =
        new StoredValue(
            false,
            now + ttl.toMillis(),
            now + ttl.toMillis(),
            now + ttl.toMillis(),
            value.getBytes(StandardCharsets.UTF_8));
    nodeB.binarySync().set(b.tier().redisKey(key), v.encode(), SetArgs.Builder.px(ttl.toMillis()));
  }

  /**
   * The value of {@code key} in L2, read over node {@code a}'s own connection: Redis answers it
   * after every command {@code a} sent before, so after the write of a load that has returned.
   */
  private static String inL2(TwoLevelCache<String> a, String key) {
    byte[] raw = nodeA.binarySync().get(a.tier().redisKey(key));
    return new String(StoredValue.decode(raw).payload(), StandardCharsets.UTF_8);
  }

  @Test
  void aLoadThatReadTheDatabaseBeforeAPutDoesNotOverwriteIt() {
    TwoLevelCache<String> a = node(nodeA);
    TwoLevelCache<String> b = node(nodeB);
    String loaded =
        a.get(
            "user:1",
            k -> {
              String fromDatabase = "old";
              landPutOf(b, k, "new", Duration.ofMinutes(5));
              return fromDatabase;
            });
    assertThat(loaded).isEqualTo("old");
    assertThat(inL2(a, "user:1")).isEqualTo("new");
    assertThat(node(nodeB).get("user:1")).isEqualTo("new");
  }

  @Test
  void aBulkLoadDoesNotOverwriteAPutEither() {
    TwoLevelCache<String> a = node(nodeA);
    TwoLevelCache<String> b = node(nodeB);
    a.getAll(
        List.of("k1", "k2"),
        keys -> {
          landPutOf(b, "k1", "new", Duration.ofMinutes(5));
          return Map.of("k1", "old", "k2", "loaded");
        });
    assertThat(inL2(a, "k1")).isEqualTo("new");
    assertThat(inL2(a, "k2")).isEqualTo("loaded");
  }

  @Test
  void aLoadStillReplacesAValueThatIsNoLongerFresh() {
    TwoLevelCache<String> a = node(nodeA);
    TwoLevelCache<String> b = node(nodeB);
    long now = System.currentTimeMillis();
    StoredValue stale =
        new StoredValue(
            false,
            now - 1000,
            now + 60_000,
            now + 60_000,
            "stale".getBytes(StandardCharsets.UTF_8));
    nodeB.binarySync().set(b.tier().redisKey("k"), stale.encode(), SetArgs.Builder.px(60_000));
    assertThat(a.get("k", k -> "reloaded")).isEqualTo("stale");
    await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(() -> assertThat(node(nodeB).get("k")).isEqualTo("reloaded"));
  }
}
