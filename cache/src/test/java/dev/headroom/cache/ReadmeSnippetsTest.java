package dev.headroom.cache;

import static org.assertj.core.api.Assertions.assertThat;

import dev.headroom.core.redis.RedisConnector;
import dev.headroom.testkit.ReadmeSnippets;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Every {@code ```java} block of the module README stands in this class, which compiles and runs it. */
class ReadmeSnippetsTest {

  record User(String id, String name) {}

  /** A stand-in for the application's database. */
  static final class Db {
    int loads;

    User findUser(String id) {
      loads++;
      return new User(id, "Ada");
    }

    Map<String, User> findUsers(Set<String> ids) {
      loads++;
      Map<String, User> out = new HashMap<>();
      ids.forEach(id -> out.put(id, new User(id, "Grace")));
      return out;
    }
  }

  private final Db db = new Db();

  @Test
  void everyJavaBlockOfTheReadmeStandsInThisTest() {
    ReadmeSnippets.assertAllIn(Path.of("README.md"), Path.of("src/test/java/dev/headroom/cache/ReadmeSnippetsTest.java"));
  }

  @Test
  void theShape() {
    Optional<RedisConnector> redis = Optional.empty();
    CacheConfig<User> config = CacheConfig.builder(User.class).ttl(TtlTier.LONG).build();
    Cache<User> users = Caches.create(redis, "users", config);   // Redis L2 when present, L1 only otherwise
    User user = users.get("user:42", id -> db.findUser(id));      // read-through: one load per key
    CacheRegistry caches = CacheRegistry.create(redis);           // named caches: caches.getOrCreate(name, config)

    assertThat(user.name()).isEqualTo("Ada");
    assertThat(users.get("user:42", id -> db.findUser(id))).isEqualTo(user);
    assertThat(db.loads).isEqualTo(1);
    users.close();
    caches.close();
  }

  @Test
  void use() {
    MeterRegistry meterRegistry = new SimpleMeterRegistry();
    List<String> ids = List.of("user:1", "user:2");
    User updated = new User("user:42:profile", "Grace");

    Optional<RedisConnector> redis = RedisConnector.fromEnvironment();      // REDIS_URL, or empty
    CacheConfig<User> profiles = CacheConfig.builder(User.class)             // JSON in L2; or a Codec<V>
        .maximumSize(50_000)                                                 // L1 bound (or maximumWeight)
        .ttl(TtlTier.LONG)                                                   // default TTL; put(k, v, tier|Duration) too
        .staleWhileRevalidate(Duration.ofMinutes(1))
        .stampedeLease(Duration.ofSeconds(5), Duration.ofSeconds(2))         // one load across all processes
        .meterRegistry(meterRegistry)
        .build();
    Cache<User> users = Caches.create(redis, "users", profiles);

    User u = users.get("user:42:profile", id -> db.findUser(id));            // read-through; null = absent, cached
    Map<String, User> some = users.getAll(ids, missing -> db.findUsers(missing));   // L1, one MGET, one bulk load
    users.put("user:42:profile", updated);                                   // every other process drops its L1 copy
    users.invalidatePattern("user:42:*");                                    // O(1) on Redis, no KEYS/SCAN
    users.clear();

    assertThat(u.name()).isEqualTo("Ada");
    assertThat(some).containsOnlyKeys(ids);
    assertThat(users.get("user:42:profile")).isNull();
    users.close();
    redis.ifPresent(RedisConnector::close);
  }

  @Test
  void registry() {
    Optional<RedisConnector> redis = Optional.empty();
    CacheConfig<User> profiles = CacheConfig.ofDefaults(User.class);

    CacheRegistry caches = CacheRegistry.create(redis);
    Cache<User> profilesCache = caches.getOrCreate("profiles", profiles);
    Cache<?> same = caches.get("profiles");                                  // NoSuchElementException if unknown
    caches.close();                                                          // closes every cache it holds

    assertThat(same).isSameAs(profilesCache);
    assertThat(profilesCache.health().status().name()).isEqualTo("DOWN");
  }
}
