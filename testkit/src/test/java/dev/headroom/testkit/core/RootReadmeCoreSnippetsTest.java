package dev.headroom.testkit.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.headroom.core.backoff.Backoff;
import dev.headroom.core.backoff.Jitter;
import dev.headroom.core.codec.JsonCodec;
import dev.headroom.core.config.HeadroomConfig;
import dev.headroom.core.jdbc.DataSources;
import dev.headroom.core.jdbc.PooledDataSource;
import dev.headroom.core.key.KeySpace;
import dev.headroom.core.redis.RedisConnector;
import dev.headroom.core.redis.RedisConnectorOptions;
import dev.headroom.core.redis.RedisScript;
import dev.headroom.core.time.ManualTimeSource;
import dev.headroom.testkit.RedisExtension;
import dev.headroom.testkit.RedisServer;
import dev.headroom.testkit.TestRedis;
import io.lettuce.core.ScriptOutputType;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The Java snippets of the root README's core and testkit sections, compiled and run. That they
 * stand here line for line is checked by demo's {@code RootReadmeSnippetsTest}.
 */
@ExtendWith(RedisExtension.class)
class RootReadmeCoreSnippetsTest {


  /** Stands for the reader's own class, next to which {@code my-script.lua} lies. */
  private static final class MyClass {}

  /** Stands for the reader's own value type. */
  record User(String id, String name) {}

  @Test
  void core() {
    String untrustedText = "a*b?[c]";
    MeterRegistry meterRegistry = new SimpleMeterRegistry();

    HeadroomConfig config = HeadroomConfig.fromEnvironment();      // validates every variable at once

    // Redis when REDIS_URL is set; empty means "use the in-memory backend".
    Optional<RedisConnector> redis = RedisConnector.from(config, RedisConnectorOptions.defaults());

    KeySpace users = KeySpace.of("myapp", "users");
    users.key("42");                       // myapp:users:42
    users.taggedKey("42", ":sessions");    // myapp:users:{42}:sessions   (one Cluster slot per tag)
    users.prefixPattern(untrustedText);    // glob characters escaped: never widens a SCAN

    RedisScript script = RedisScript.fromClasspath(MyClass.class, "my-script.lua");
    redis.ifPresent(r -> script.<Long>execute(r, ScriptOutputType.INTEGER, new String[] {users.key("42")}, "1"));

    JsonCodec<User> codec = JsonCodec.of(User.class);              // refuses mappers with default typing
    Backoff backoff = Backoff.exponential(Duration.ofMillis(100), Duration.ofSeconds(30))
        .jitter(Jitter.FULL).maxAttempts(5).build();

    // DB_URL set: a pool of DB_POOL_SIZE connections; with DB_QUEUE_LIMIT=n the (n+1)th waiter fails at once
    Optional<PooledDataSource> db = DataSources.from(config, meterRegistry);

    assertThat(users.key("42")).isEqualTo("myapp:users:42");
    assertThat(users.taggedKey("42", ":sessions")).isEqualTo("myapp:users:{42}:sessions");
    assertThat(users.prefixPattern(untrustedText)).isEqualTo("myapp:users:a\\*b\\?\\[c\\]*");
    assertThat(codec.decode(codec.encode(new User("42", "Ada")))).isEqualTo(new User("42", "Ada"));
    assertThat(backoff.maxAttempts()).isEqualTo(5);
    assertThat(redis.isPresent()).isEqualTo(config.redisUrl().isPresent());
    assertThat(db.isPresent()).isEqualTo(config.database().isPresent());
    redis.ifPresent(RedisConnector::close);
    db.ifPresent(PooledDataSource::close);
  }

  @Test
  void time() {
    ManualTimeSource time = ManualTimeSource.create();             // TimeSource.system() in production
    List<String> fired = new ArrayList<>();
    time.schedule(() -> fired.add("flush"), Duration.ofMillis(50));
    time.advance(Duration.ofMillis(50));                           // runs the due timer on this thread

    assertThat(fired).containsExactly("flush");
  }

  @Test
  void scriptFromTheSnippetRuns(RedisConnector redis, TestRedis test) {
    RedisScript script = RedisScript.fromClasspath(MyClass.class, "my-script.lua");
    String key = test.keyPrefix() + ":counter";
    assertThat(script.<Long>execute(redis, ScriptOutputType.INTEGER, new String[] {key}, "1").join()).isEqualTo(1L);
  }
}

/** The testkit section's example, run as a test of its own. */
@ExtendWith(RedisExtension.class)
class MyRedisTest {
  @Test
  void works(RedisConnector redis, TestRedis test) {  // REDIS_URL, else 127.0.0.1:6379, else a started redis-server
    redis.sync().set(test.keyPrefix() + ":k", "v");   // keys under the test's prefix are deleted after it
  }                                                   // and its connector is closed

  @Test
  void outage() {
    try (RedisServer server = RedisServer.start()) {  // dedicated: stop() and restart() at will
      server.stop();
      server.restart();
    }
  }
}
