package dev.headroom.cache;

import static org.assertj.core.api.Assertions.assertThat;

import dev.headroom.core.codec.Codec;
import dev.headroom.core.key.KeySpace;
import dev.headroom.core.redis.RedisConnector;
import dev.headroom.testkit.RedisExtension;
import dev.headroom.testkit.TestRedis;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Generation keys lost as eviction, a restart without persistence or a failover lose them (here: a
 * DEL): an invalidated entry never becomes reachable again, the counter never reuses a number, and
 * a generation in use is kept alive. Each "node" is a new cache, which knows no generation yet.
 */
@ExtendWith(RedisExtension.class)
class GenerationLossTest {

  private static final AtomicInteger SPACES = new AtomicInteger();
  private static RedisConnector connector;
  private final List<Cache<String>> open = new ArrayList<>();
  private KeySpace keySpace;

  @BeforeAll
  static void connect(TestRedis shared) {
    connector = RedisConnector.create(shared.uri());
  }

  @AfterAll
  static void disconnect() {
    connector.close();
  }

  @BeforeEach
  void keySpace(TestRedis redis) {
    keySpace = KeySpace.of(redis.keyPrefix(), "g" + SPACES.incrementAndGet(), "cache");
  }

  @AfterEach
  void close() {
    open.forEach(Cache::close);
  }

  /** A new process: nothing known locally. */
  private Cache<String> node() {
    Cache<String> c =
        Caches.redis(
            connector,
            "gens",
            CacheConfig.builder(Codec.utf8())
                .keySpace(keySpace)
                .l2Timeout(Duration.ofSeconds(1))
                .build());
    open.add(c);
    return c;
  }

  private String generationKey(String prefix) {
    return keySpace.taggedKey("gens", ":") + "gen:" + prefix;
  }

  private String counterKey() {
    return keySpace.taggedKey("gens", ":") + "genseq";
  }

  private static void del(String... keys) {
    connector.sync().del(keys);
  }

  @Test
  void aLostPrefixGenerationDoesNotBringBackEntriesItInvalidated() {
    node().put("user:1:name", "old");
    node().invalidatePattern("user:1:*");
    del(generationKey("user:1:"));
    assertThat(node().get("user:1:name")).isNull();
  }

  @Test
  void aLostCacheGenerationDoesNotBringBackEntriesClearRemoved() {
    node().put("plain", "old");
    node().clear();
    del(generationKey(""));
    assertThat(node().get("plain")).isNull();
  }

  @Test
  void aLostCounterNeverReusesANumber() {
    Cache<String> a = node();
    a.invalidatePattern("user:1:*");
    a.put("user:1:name", "old");
    a.invalidatePattern("user:1:*");
    del(counterKey(), generationKey("user:1:"));
    Cache<String> b = node();
    b.invalidatePattern("user:1:*");
    assertThat(b.get("user:1:name")).isNull();
    del(counterKey());
    b.invalidatePattern("user:1:*");
    assertThat(node().get("user:1:name")).isNull();
  }

  @Test
  void everyLostGenerationAtOnceStillReadsNothingOld() {
    Cache<String> a = node();
    a.put("user:1:name", "old");
    a.put("plain", "old");
    a.clear();
    del(counterKey(), generationKey(""), generationKey("user:"), generationKey("user:1:"));
    Cache<String> b = node();
    assertThat(b.get("user:1:name")).isNull();
    assertThat(b.get("plain")).isNull();
  }

  @Test
  void aGenerationInUseIsExtendedBeforeItExpires() {
    Cache<String> a = node();
    a.put("user:1:name", "v");
    a.invalidatePattern("user:1:*");
    a.put("user:1:name", "v2");
    connector.sync().pexpire(generationKey("user:1:"), 60_000);
    assertThat(node().get("user:1:name")).isEqualTo("v2");
    assertThat(connector.sync().pttl(generationKey("user:1:")))
        .as("a read found less than half its life left and extended it")
        .isGreaterThan(Duration.ofMinutes(10).toMillis());
  }

  @Test
  void aGenerationKeyThatIsNotANumberIsRepairedAndReported() {
    node().put("user:1:name", "old");
    connector.sync().set(generationKey("user:1:"), "garbage");
    Cache<String> b = node();
    b.put("user:1:name", "new");
    Cache<String> c = node();
    assertThat(c.get("user:1:name")).as("read from L2, not skipped").isEqualTo("new");
    assertThat(c.stats().l2Hits()).isEqualTo(1);
    assertThat(b.health().details()).containsEntry("generationsRepaired", 1L);
    assertThat(connector.sync().get(generationKey("user:1:"))).matches("[0-9]+");
  }

  @Test
  void aCounterOfAnotherTypeIsRepairedAndTheBumpHappens() {
    Cache<String> a = node();
    a.put("user:1:name", "old");
    connector.sync().del(counterKey());
    connector.sync().hset(counterKey(), "f", "v");
    a.invalidatePattern("user:1:*");
    assertThat(node().get("user:1:name")).isNull();
    a.put("user:1:name", "new");
    connector.sync().set(counterKey(), "not a number");
    a.clear();
    assertThat(node().get("user:1:name")).isNull();
  }
}
