package dev.headroom.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.headroom.cache.redis.CircuitBreaker;
import dev.headroom.cache.redis.RedisTier;
import dev.headroom.core.codec.Codec;
import dev.headroom.core.health.HealthStatus;
import dev.headroom.core.key.KeySpace;
import dev.headroom.core.redis.RedisConnector;
import dev.headroom.core.time.TimeSource;
import dev.headroom.testkit.RedisExtension;
import dev.headroom.testkit.RedisServer;
import dev.headroom.testkit.TestRedis;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The contract on the two-level cache, plus what only it has: a second node (its own connector)
 * sees values through L2 and loses L1 entries by invalidation messages; gaps clear L1; corrupt and
 * oversized values; the cross-node lease.
 */
@ExtendWith(RedisExtension.class)
class TwoLevelCacheTest extends CacheContractTest {

  /** Integers as decimal text: bytes another cache's strings can hold, and fail to decode. */
  private static final Codec<Integer> DECIMAL =
      new Codec<>() {
        @Override
        public byte[] encode(Integer value) {
          return value.toString().getBytes(StandardCharsets.UTF_8);
        }

        @Override
        public Integer decode(byte[] bytes) {
          return Integer.parseInt(new String(bytes, StandardCharsets.UTF_8));
        }
      };

  private static RedisConnector connector;
  private static RedisConnector otherNode;
  private static final AtomicInteger SPACES = new AtomicInteger();
  private KeySpace keySpace;

  @BeforeAll
  static void connect(TestRedis shared) {
    connector = RedisConnector.create(shared.uri());
    otherNode = RedisConnector.create(shared.uri());
  }

  @AfterAll
  static void disconnect() {
    connector.close();
    otherNode.close();
  }

  /**
   * One key space per test, under the class's TestRedis prefix (deleted after the class): a
   * TestRedis resolved for a {@code @BeforeEach} method is the class's one under JUnit 6, so the
   * per-test part comes from this counter.
   */
  @BeforeEach
  void keySpace(TestRedis redis) {
    keySpace = KeySpace.of(redis.keyPrefix(), "t" + SPACES.incrementAndGet(), "cache");
  }

  @Override
  protected <V> CacheConfig.Builder<V> backend(CacheConfig.Builder<V> config) {
    return config.keySpace(keySpace).l2Timeout(Duration.ofSeconds(1));
  }

  @Override
  protected <V> Cache<V> make(String name, CacheConfig<V> config) {
    return Caches.redis(connector, name, config);
  }

  /** The same cache on another node: its own connector, its own L1. */
  private Cache<String> node(RedisConnector c, UnaryOperator<CacheConfig.Builder<String>> custom) {
    Cache<String> cache =
        Caches.redis(
            c,
            "contract",
            custom
                .apply(
                    CacheConfig.builder(Codec.utf8())
                        .keySpace(keySpace)
                        .timeSource(time)
                        .jitter(0)
                        .executor(Runnable::run)
                        .l2Timeout(Duration.ofSeconds(1)))
                .build());
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> ((TwoLevelCache<String>) cache).tier().subscribed());
    return cache;
  }

  private Cache<String> nodeA() {
    return node(connector, b -> b);
  }

  private Cache<String> nodeB() {
    return node(otherNode, b -> b);
  }

  /**
   * Puts on {@code a} and waits until {@code b} has the invalidation message, so it cannot evict
   * what b reads next.
   */
  private static void putAndDeliver(Cache<String> a, Cache<String> b, String key, String value) {
    long received = b.stats().invalidationsReceived();
    a.put(key, value);
    await().atMost(Duration.ofSeconds(5)).until(() -> b.stats().invalidationsReceived() > received);
  }

  private static boolean inL1(Cache<String> cache, String key) {
    long before = cache.stats().l1Hits();
    cache.get(key);
    return cache.stats().l1Hits() > before;
  }

  @Test
  void isTwoLevelAndUp() {
    Cache<String> cache = nodeA();
    assertThat(cache.isTwoLevel()).isTrue();
    assertThat(cache.health().status()).isEqualTo(HealthStatus.UP);
    assertThat(cache.health().details())
        .containsEntry("levels", "l1+l2")
        .containsEntry("breaker", "CLOSED");
  }

  @Test
  void anotherNodeReadsThroughL2() {
    Cache<String> a = nodeA();
    Cache<String> b = nodeB();
    putAndDeliver(a, b, "k", "v");
    assertThat(b.get("k")).isEqualTo("v");
    assertThat(b.stats().l2Hits()).isEqualTo(1);
    assertThat(b.get("k")).isEqualTo("v");
    assertThat(b.stats().l1Hits()).isEqualTo(1);
    AtomicInteger calls = new AtomicInteger();
    a.get("absent", counting(calls, null));
    // The loaded marker goes to L2 in the background: wait until Redis has it.
    String marker = tierOf(a).redisKey("absent");
    await().atMost(Duration.ofSeconds(5)).until(() -> connector.sync().exists(marker) == 1);
    assertThat(b.get("absent", counting(calls, "x"))).as("the negative marker is shared").isNull();
    assertThat(calls).hasValue(1);
  }

  @Test
  void aPutOnOneNodeEvictsTheOtherNodesL1ButNotItsOwn() {
    Cache<String> a = nodeA();
    Cache<String> b = nodeB();
    putAndDeliver(a, b, "k", "v1");
    assertThat(b.get("k")).isEqualTo("v1");
    a.put("k", "v2");
    await().atMost(Duration.ofSeconds(5)).until(() -> "v2".equals(b.get("k")));
    assertThat(inL1(a, "k")).as("the writer keeps its own fresh entry").isTrue();
    assertThat(b.stats().invalidationsReceived()).isGreaterThanOrEqualTo(1);
  }

  @Test
  void invalidationByKeyPatternAndClearReachesTheOtherNode() {
    Cache<String> a = nodeA();
    Cache<String> b = nodeB();
    for (String k : List.of("one", "user:1:a", "user:2:a", "other:1")) {
      putAndDeliver(a, b, k, k);
      assertThat(b.get(k)).isEqualTo(k);
      assertThat(inL1(b, k)).isTrue();
    }
    a.invalidate("one");
    await().atMost(Duration.ofSeconds(5)).until(() -> !inL1(b, "one"));
    assertThat(b.get("one")).isNull();

    a.invalidatePattern("user:1:*");
    await().atMost(Duration.ofSeconds(5)).until(() -> !inL1(b, "user:1:a"));
    assertThat(b.get("user:1:a")).isNull();
    assertThat(b.get("user:2:a")).isEqualTo("user:2:a");

    a.clear();
    await().atMost(Duration.ofSeconds(5)).until(() -> !inL1(b, "other:1"));
    assertThat(b.get("other:1")).isNull();
    assertThat(b.get("user:2:a")).isNull();
  }

  @Test
  void aPatternOrphansTheL2EntriesForEveryNode() {
    Cache<String> a = nodeA();
    a.put("user:7:x", "old");
    String before = ((TwoLevelCache<String>) a).tier().redisKey("user:7:x");
    a.invalidatePattern("user:*");
    String after = ((TwoLevelCache<String>) a).tier().redisKey("user:7:x");
    assertThat(after).isNotEqualTo(before);
    Cache<String> fresh = nodeB();
    assertThat(fresh.get("user:7:x")).isNull();
    fresh.put("user:7:x", "new");
    assertThat(a.get("user:7:x")).isEqualTo("new");
  }

  @Test
  void aSequenceGapClearsL1() {
    Cache<String> b = nodeB();
    b.put("k", "v");
    assertThat(inL1(b, "k")).isTrue();
    String channel = ((TwoLevelCache<String>) b).tier().channel();
    connector.sync().publish(channel, "1|fake|1|K|5:other");
    await().atMost(Duration.ofSeconds(5)).until(() -> b.stats().invalidationsReceived() == 1);
    assertThat(inL1(b, "k")).as("a message about another key leaves k").isTrue();
    connector.sync().publish(channel, "1|fake|5|K|5:other");
    await().atMost(Duration.ofSeconds(5)).until(() -> b.stats().invalidationGaps() == 1);
    assertThat(inL1(b, "k")).isFalse();
    assertThat(b.get("k")).as("still in L2").isEqualTo("v");
  }

  @Test
  void aCorruptValueIsAMissThatIsDeletedAndCounted() {
    Cache<String> a = nodeA();
    a.put("k", "v");
    String redisKey = ((TwoLevelCache<String>) a).tier().redisKey("k");
    connector.binarySync().set(redisKey, "garbage".getBytes(StandardCharsets.UTF_8));
    Cache<String> b = nodeB();
    assertThat(b.get("k", key -> "loaded")).isEqualTo("loaded");
    assertThat(b.stats().l2Corrupt()).isEqualTo(1);
    assertThat(a.get("k")).as("a's L1 still has its value").isEqualTo("v");
    Cache<String> c = node(connector, x -> x);
    assertThat(c.get("k")).as("the reloaded value replaced the corrupt one").isEqualTo("loaded");
  }

  @Test
  void aValueOfAnUnknownFormatVersionIsAMissThatIsLeftInPlace() {
    Cache<String> a = nodeA();
    a.put("k", "v");
    String redisKey = tierOf(a).redisKey("k");
    byte[] newer = connector.binarySync().get(redisKey);
    newer[0] = 9;
    connector.binarySync().set(redisKey, newer);
    Cache<String> b = nodeB();
    assertThat(b.get("k")).isNull();
    assertThat(b.stats().l2Corrupt()).isEqualTo(1);
    assertThat(otherNode.binarySync().get(redisKey))
        .as("another version's value is not deleted")
        .isEqualTo(newer);
  }

  @Test
  void aValueTheCodecCannotDecodeIsAMissToo() {
    Cache<Integer> ints =
        Caches.redis(
            connector,
            "contract",
            CacheConfig.builder(DECIMAL)
                .keySpace(keySpace)
                .timeSource(time)
                // As node(): a read past the default 50 ms on a loaded machine is a miss, and
                // would never reach the codec.
                .l2Timeout(Duration.ofSeconds(1))
                .build());
    try {
      Cache<String> strings = nodeA();
      strings.put("n", "not a number");
      assertThat(ints.get("n", k -> 42)).isEqualTo(42);
      assertThat(ints.stats().l2Corrupt()).isEqualTo(1);
    } finally {
      ints.close();
    }
  }

  @Test
  void anErrorReplyIsAMissButDoesNotOpenTheBreaker() {
    Cache<String> a = node(connector, x -> x.circuitBreaker(1, Duration.ofMinutes(1)));
    a.put("k", "v");
    String redisKey = tierOf(a).redisKey("k");
    connector.sync().del(redisKey);
    connector.sync().lpush(redisKey, "not a string");
    Cache<String> b = node(otherNode, x -> x.circuitBreaker(1, Duration.ofMinutes(1)));
    assertThat(b.get("k")).as("WRONGTYPE reads as a miss").isNull();
    assertThat(b.get("k")).isNull();
    assertThat(b.stats().l2Errors()).isEqualTo(2);
    assertThat(tierOf(b).breakerState()).isEqualTo(CircuitBreaker.State.CLOSED);
    assertThat(b.health().status()).isEqualTo(HealthStatus.UP);
  }

  @Test
  void getAsyncDecodesAnL2ValueOnTheCachesExecutor() {
    Cache<String> a = nodeA();
    a.put("k", "v");
    List<String> threads = new java.util.concurrent.CopyOnWriteArrayList<>();
    Cache<String> b =
        node(
            otherNode,
            x ->
                x.executor(
                    r -> {
                      threads.add(Thread.currentThread().getName());
                      r.run();
                    }));
    assertThat(b.getAsync("k").join()).isEqualTo("v");
    assertThat(b.stats().l2Hits()).isEqualTo(1);
    assertThat(threads).as("the read's continuation was handed to the executor").hasSize(1);
  }

  @Test
  void valuesOverTheSizeLimitStayInL1() {
    Cache<String> a = node(connector, b -> b.maxL2ValueBytes(10));
    Cache<String> b = nodeB();
    a.put("small", "tiny");
    a.put("big", "x".repeat(100));
    assertThat(a.get("big")).hasSize(100);
    assertThat(b.get("small")).isEqualTo("tiny");
    assertThat(b.get("big")).isNull();
    assertThat(a.stats().l2TooLarge()).isEqualTo(1);
  }

  @Test
  void l1NeverOutlivesL2AndL1TtlShortensIt() {
    Cache<String> a = node(connector, b -> b.ttl(Duration.ofSeconds(60)));
    Cache<String> b =
        node(otherNode, x -> x.ttl(Duration.ofSeconds(600)).l1Ttl(Duration.ofSeconds(5)));
    a.put("k", "v");
    time.advance(Duration.ofSeconds(30));
    assertThat(b.get("k")).isEqualTo("v");
    time.advance(Duration.ofSeconds(6));
    assertThat(inL1(b, "k")).as("l1Ttl").isFalse();
    assertThat(b.get("k")).isEqualTo("v");
    time.advance(Duration.ofSeconds(25));
    assertThat(b.get("k")).as("expired with the writer's TTL, not the reader's").isNull();
  }

  @Test
  void withoutL1EveryReadGoesToL2() {
    Cache<String> a = node(connector, b -> b.maximumSize(0));
    a.put("k", "v");
    assertThat(a.get("k")).isEqualTo("v");
    assertThat(a.get("k")).isEqualTo("v");
    assertThat(a.stats().l2Hits()).isEqualTo(2);
    assertThat(a.l1Size()).isZero();
  }

  @Test
  void withoutL1GetAllAnswersAsGetDoes() {
    Cache<String> a =
        node(
            connector,
            b ->
                b.maximumSize(0)
                    .ttl(Duration.ofSeconds(10))
                    .staleWhileRevalidate(Duration.ofMinutes(1))
                    .negativeTtl(Duration.ofMinutes(5)));
    a.put("old", "1");
    time.advance(Duration.ofSeconds(20));
    a.put("new", "2");
    assertThat(a.get("gone", key -> null)).isNull();
    CacheStats before = a.stats();
    assertThat(a.getAll(List.of("old", "new", "gone", "never", "new")))
        .containsExactly(Map.entry("new", "2"));
    CacheStats after = a.stats();
    assertThat(after.l2Hits() - before.l2Hits()).as("new, and gone's cached absence").isEqualTo(2);
    assertThat(after.misses() - before.misses()).as("old past its TTL, and never").isEqualTo(2);
    assertThat(a.get("old")).as("get does not serve it either").isNull();
    assertThat(a.l1Size()).isZero();
  }

  @Test
  void theLeaseLetsOneNodeLoadWhileTheOthersWait() throws Exception {
    UnaryOperator<CacheConfig.Builder<String>> leased =
        b ->
            b.timeSource(TimeSource.system())
                .stampedeLease(Duration.ofSeconds(10), Duration.ofSeconds(10));
    List<Cache<String>> nodes = List.of(node(connector, leased), node(otherNode, leased));
    AtomicInteger calls;
    try {
      calls = stampede(64, nodes);
    } finally {
      nodes.forEach(Cache::close);
    }
    assertThat(calls).as("one load across both nodes").hasValue(1);
  }

  @Test
  void l2MetersAndHealthDetails() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    Cache<String> a = node(connector, b -> b.meterRegistry(registry));
    Cache<String> b = nodeB();
    putAndDeliver(b, a, "k", "v");
    a.get("k");
    a.get("k");
    a.get("missing");
    assertThat(
            registry
                .get("headroom.cache.gets")
                .tags("level", "l2", "result", "hit")
                .functionCounter()
                .count())
        .isEqualTo(1);
    assertThat(
            registry
                .get("headroom.cache.gets")
                .tags("level", "l1", "result", "hit")
                .functionCounter()
                .count())
        .isEqualTo(1);
    assertThat(
            registry
                .get("headroom.cache.gets")
                .tags("level", "l2", "result", "miss")
                .functionCounter()
                .count())
        .isEqualTo(1);
    assertThat(registry.get("headroom.cache.hit.rate").tags("level", "l2").gauge().value())
        .isEqualTo(0.5);
    assertThat(registry.get("headroom.cache.l2.available").gauge().value()).isEqualTo(1);
    assertThat(((TwoLevelCache<String>) a).tier().breakerState())
        .isEqualTo(CircuitBreaker.State.CLOSED);
  }

  @Test
  void getAllReadsL2InOneRoundTrip() {
    try (RedisServer server = RedisServer.start();
        RedisConnector own = RedisConnector.create(server.uri())) {
      Cache<String> a = node(own, x -> x);
      List<String> keys = new ArrayList<>();
      for (int i = 0; i < 100; i++) {
        keys.add("g:" + i);
      }
      a.warm(
          keys,
          batch -> {
            Map<String, String> out = new java.util.HashMap<>();
            batch.forEach(k -> out.put(k, k));
            return out;
          });
      Cache<String> b = node(own, x -> x);
      b.get("g:0");
      long before = commandCalls(own, "mget");
      long getsBefore = commandCalls(own, "get");
      Map<String, String> got = b.getAll(keys);
      assertThat(got).hasSize(100);
      assertThat(commandCalls(own, "mget") - before).isEqualTo(1);
      assertThat(commandCalls(own, "get") - getsBefore).isZero();
      a.close();
      b.close();
    }
  }

  @Test
  void getAllReadsFromL2TheValuesGetReadsWhateverTheKeysCharacters() {
    Cache<String> a = node(connector, x -> x);
    Cache<String> b = node(connector, x -> x);
    // Without ':' every Redis key shares one prefix; with ':' a segment carries a generation.
    List<String> plain = List.of("clé", "日本", "emoji-😀", "ascii");
    List<String> segmented = List.of("clé:1", "日本:語", "emoji:😀", "ascii:1");
    for (List<String> keys : List.of(plain, segmented)) {
      keys.forEach(k -> a.put(k, "v-" + k));
      List<String> asked = new ArrayList<>(keys);
      asked.add(1, "absent");
      Map<String, String> got = b.getAll(asked);
      assertThat(got.keySet()).containsExactlyElementsOf(keys);
      keys.forEach(k -> assertThat(got.get(k)).isEqualTo("v-" + k).isEqualTo(b.get(k)));
    }
    a.close();
    b.close();
  }

  @Test
  void getAllReadsEachStoredValueInPlaceAndTreatsBadOnesAsGetDoes() {
    Cache<String> a = node(connector, x -> x.negativeTtl(Duration.ofMinutes(1)));
    a.put("seven", "7");
    a.put("word", "not a number");
    a.put("newer", "v");
    a.put("short", "v");
    a.put("text", "fine \u00e9");
    assertThat(a.get("gone", key -> null)).as("cached as absent in L2").isNull();
    RedisTier tier = tierOf(a);
    connector.binarySync().set(tier.redisKey("short"), new byte[] {1, 0, 0});
    byte[] newer = connector.binarySync().get(tier.redisKey("newer"));
    newer[0] = 9;
    connector.binarySync().set(tier.redisKey("newer"), newer);
    Cache<Integer> ints =
        Caches.redis(
            connector,
            "contract",
            CacheConfig.builder(DECIMAL)
                .keySpace(keySpace)
                .timeSource(time)
                .negativeTtl(Duration.ofMinutes(1))
                // as node(): a read past the default 50 ms on a loaded machine would be a miss
                .l2Timeout(Duration.ofSeconds(1))
                .build());
    try {
      assertThat(
              ints.getAll(List.of("word", "seven", "gone", "short", "newer", "missing", "seven")))
          .containsExactly(Map.entry("seven", 7));
      assertThat(ints.stats().l2Corrupt())
          .as("a payload the codec refuses, a value shorter than a header, another format")
          .isEqualTo(3);
      assertThat(ints.stats().l2Hits()).as("seven, and gone's absence").isEqualTo(2);
      assertThat(ints.stats().misses()).isEqualTo(4);
      assertThat(otherNode.binarySync().get(tier.redisKey("newer")))
          .as("another version's value is left in place")
          .isEqualTo(newer);
    } finally {
      ints.close();
    }
    Cache<String> b = nodeB();
    assertThat(b.getAll(List.of("gone", "text", "seven")))
        .as("payloads decoded from within the stored bytes, in the order asked")
        .containsExactly(Map.entry("text", "fine \u00e9"), Map.entry("seven", "7"));
  }

  private static long commandCalls(RedisConnector connector, String command) {
    String info = connector.sync().info("commandstats");
    for (String line : info.split("\r?\n")) {
      if (line.startsWith("cmdstat_" + command + ":")) {
        String calls = line.substring(line.indexOf("calls=") + 6);
        return Long.parseLong(calls.substring(0, calls.indexOf(',')));
      }
    }
    return 0;
  }

  static RedisTier tierOf(Cache<?> cache) {
    return ((TwoLevelCache<?>) cache).tier();
  }
}
