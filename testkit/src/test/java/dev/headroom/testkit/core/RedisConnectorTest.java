package dev.headroom.testkit.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.headroom.core.config.ConfigException;
import dev.headroom.core.config.Environment;
import dev.headroom.core.health.Health;
import dev.headroom.core.health.HealthStatus;
import dev.headroom.core.redis.DedicatedConnection;
import dev.headroom.core.redis.RedisConnector;
import dev.headroom.core.redis.RedisConnectorOptions;
import dev.headroom.core.redis.RedisScript;
import dev.headroom.core.redis.RedisTopology;
import dev.headroom.core.redis.RedisUnavailableException;
import dev.headroom.testkit.RedisExtension;
import dev.headroom.testkit.RedisServer;
import dev.headroom.testkit.TestRedis;
import io.lettuce.core.AclSetuserArgs;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.ScriptOutputType;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(RedisExtension.class)
class RedisConnectorTest {

  private static final RedisScript INCR_BOTH =
      RedisScript.of(
          "incr-both",
          "local a = redis.call('INCRBY', KEYS[1], ARGV[1]); local b = redis.call('INCRBY', KEYS[2], ARGV[1]); return {a, b}");

  @Test
  void stringAndBinaryCommandsShareTheConnector(TestRedis redis) throws Exception {
    try (RedisConnector c = RedisConnector.create(redis.uri())) {
      assertThat(c.topology()).isEqualTo(RedisTopology.STANDALONE);
      String k = redis.keyPrefix() + ":s";
      c.sync().set(k, "v\u00e9");
      assertThat(c.async().get(k).get()).isEqualTo("v\u00e9");
      byte[] raw = {0, (byte) 0xff, 42};
      c.binarySync().set(redis.keyPrefix() + ":b", raw);
      assertThat(c.binaryAsync().get(redis.keyPrefix() + ":b").get()).containsExactly(raw);
      assertThat(c.binarySync().get(k)).isEqualTo("v\u00e9".getBytes(StandardCharsets.UTF_8));
    }
  }

  @Test
  void scriptsRunByShaAndReloadAfterNoScript() {
    try (RedisServer server = RedisServer.start();
        RedisConnector c = RedisConnector.create(server.uri())) {
      String[] keys = {"{t}:a", "{t}:b"};
      List<Object> first =
          INCR_BOTH.<List<Object>>execute(c, ScriptOutputType.MULTI, keys, "2").join();
      assertThat(first).containsExactly(2L, 2L);
      assertThat(c.sync().scriptExists(INCR_BOTH.sha1())).containsExactly(true);
      c.sync().scriptFlush();
      List<Object> second =
          INCR_BOTH.<List<Object>>execute(c, ScriptOutputType.MULTI, keys, "3").join();
      assertThat(second).containsExactly(5L, 5L);
      assertThat(c.sync().scriptExists(INCR_BOTH.sha1())).containsExactly(true);
    }
  }

  @Test
  void aScriptErrorIsReportedNotRetried(TestRedis redis) {
    RedisScript broken = RedisScript.of("broken", "return redis.call('NOSUCHCOMMAND')");
    try (RedisConnector c = RedisConnector.create(redis.uri())) {
      assertThatThrownBy(() -> broken.execute(c, ScriptOutputType.STATUS, new String[0]).join())
          .hasCauseInstanceOf(RedisCommandExecutionException.class);
      assertThat(RedisConnector.isUnavailability(new RedisCommandExecutionException("ERR")))
          .isFalse();
    }
  }

  @Test
  void loadsScriptsFromTheClasspath() {
    RedisScript s = RedisScript.fromClasspath(RedisConnectorTest.class, "echo.lua");
    assertThat(s.body()).contains("return ARGV[1]");
    assertThat(s.sha1()).hasSize(40);
    assertThatThrownBy(() -> RedisScript.fromClasspath(RedisConnectorTest.class, "missing.lua"))
        .hasMessageContaining(
            "'missing.lua' not found on the classpath relative to dev.headroom.testkit.core");
  }

  @Test
  void joinsScriptPartsIntoOneScript(TestRedis redis) {
    RedisScript joined =
        RedisScript.fromClasspath(RedisConnectorTest.class, "prelude-part.lua", "echo.lua");
    assertThat(joined.name()).isEqualTo("prelude-part.lua+echo.lua");
    assertThat(joined.body()).startsWith("local greeting").contains("return ARGV[1]");
    try (RedisConnector c = RedisConnector.create(redis.uri())) {
      String out = joined.<String>execute(c, ScriptOutputType.VALUE, new String[0], "hi").join();
      assertThat(out).isEqualTo("hi");
    }
    assertThatThrownBy(
            () -> RedisScript.fromClasspath(RedisConnectorTest.class, "echo.lua", "missing.lua"))
        .hasMessageContaining("'missing.lua' not found");
  }

  @Test
  void pubSubDeliversMessages(TestRedis redis) {
    try (RedisConnector c = RedisConnector.create(redis.uri())) {
      String channel = redis.keyPrefix() + ":events";
      ReceivedMessages received = ReceivedMessages.subscribe(c.connectPubSub(), channel);
      c.sync().publish(channel, "hello");
      await().atMost(Duration.ofSeconds(5)).until(() -> received.contains(channel, "hello"));
    }
  }

  @Test
  void aBlockingCommandOnADedicatedConnectionDoesNotHoldUpTheSharedOne(TestRedis redis)
      throws Exception {
    try (RedisConnector c = RedisConnector.create(redis.uri());
        DedicatedConnection<String> d = c.connectDedicated()) {
      String list = redis.keyPrefix() + ":wake";
      var popped = d.async().blpop(1.5, list);
      assertThat(c.sync().ping()).isEqualTo("PONG");
      c.sync().lpush(list, "token");
      assertThat(popped.get().getValue()).isEqualTo("token");
      assertThat(d.isOpen()).isTrue();
    }
  }

  @Test
  void connectionsTheOwnerLeftOpenCloseWithTheConnector(TestRedis redis) {
    RedisConnector c = RedisConnector.create(redis.uri());
    DedicatedConnection<String> d = c.connectDedicated();
    var pubSub = c.connectPubSub();
    var closedByOwner = c.connectPubSub();
    closedByOwner.close();
    assertThat(d.isOpen()).isTrue();
    assertThat(pubSub.isOpen()).isTrue();
    c.close();
    assertThat(d.isOpen()).isFalse();
    assertThat(pubSub.isOpen()).isFalse();
  }

  @Test
  void anAclUserLogsInWithUserAndPasswordInTheUrl() {
    try (RedisServer server = RedisServer.start()) {
      try (RedisConnector admin = RedisConnector.create(server.uri())) {
        assertThat(
                admin
                    .sync()
                    .aclSetuser(
                        "app",
                        AclSetuserArgs.Builder.on()
                            .addPassword("s3cret")
                            .allKeys()
                            .allChannels()
                            .allCommands()))
            .isEqualTo("OK");
      }
      String url = "redis://app:s3cret@127.0.0.1:" + server.port();
      try (RedisConnector app = RedisConnector.create(url)) {
        assertThat(app.url()).isEqualTo("redis://app:****@127.0.0.1:" + server.port());
        assertThat(app.sync().aclWhoami()).isEqualTo("app");
      }
      try (RedisConnector wrong =
          RedisConnector.create("redis://app:wrong@127.0.0.1:" + server.port())) {
        assertThatThrownBy(wrong::sync).isInstanceOf(RedisUnavailableException.class);
      }
    }
  }

  @Test
  void aClosedConnectorRefusesCommands(TestRedis redis) {
    RedisConnector c = RedisConnector.create(redis.uri());
    assertThat(c.sync().ping()).isEqualTo("PONG");
    c.close();
    c.close();
    assertThat(c).hasToString("RedisConnector[STANDALONE " + redis.uri() + ", closed]");
    assertThatThrownBy(c::sync)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageEndingWith("is closed");
    assertThatThrownBy(c::binaryAsync).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(c::connectDedicated).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(c::connectPubSub).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void healthReportsLatency(TestRedis redis) {
    try (RedisConnector c = RedisConnector.create(redis.uri())) {
      Health h = c.health();
      assertThat(h.status()).isEqualTo(HealthStatus.UP);
      assertThat(h.details())
          .containsKeys("latencyMicros", "url")
          .containsEntry("topology", "STANDALONE");
      assertThat(c.name()).isEqualTo("redis");
    }
  }

  @Test
  void withNobodyListeningItFailsFastAndReportsDown() {
    int port = freePort();
    RedisConnectorOptions opts =
        RedisConnectorOptions.builder()
            .connectTimeout(Duration.ofMillis(500))
            .commandTimeout(Duration.ofMillis(500))
            .build();
    try (RedisConnector c = RedisConnector.create("redis://:pw@127.0.0.1:" + port, opts)) {
      assertThatThrownBy(c::sync)
          .isInstanceOf(RedisUnavailableException.class)
          .hasMessageContaining("could not connect to redis://:****@127.0.0.1:" + port);
      // spaced retries answer at once, without another connect attempt
      assertThatThrownBy(c::async)
          .isInstanceOf(RedisUnavailableException.class)
          .satisfies(e -> assertThat(RedisConnector.isUnavailability(e)).isTrue());
      Health h = c.health();
      assertThat(h.status()).isEqualTo(HealthStatus.DOWN);
      assertThat(h.details().get("error").toString()).doesNotContain("pw");
      assertThat(INCR_BOTH.execute(c, ScriptOutputType.MULTI, new String[] {"{x}a", "{x}b"}, "1"))
          .failsWithin(Duration.ofSeconds(1));
    }
  }

  @Test
  void fromEnvironmentIsAbsentWithoutRedisUrl(TestRedis redis) {
    assertThat(
            RedisConnector.fromEnvironment(
                Environment.of(Map.of()), RedisConnectorOptions.defaults()))
        .isEmpty();
    assertThatThrownBy(
            () ->
                RedisConnector.fromEnvironment(
                    Environment.of(Map.of("REDIS_URL", "htp://x")),
                    RedisConnectorOptions.defaults()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("REDIS_URL='htp://x'");
    try (RedisConnector c =
        RedisConnector.fromEnvironment(
                Environment.of(Map.of("REDIS_URL", redis.uri())), RedisConnectorOptions.defaults())
            .orElseThrow()) {
      assertThat(c.sync().ping()).isEqualTo("PONG");
    }
  }

  @Test
  void optionsAreValidated() {
    assertThatThrownBy(() -> RedisConnectorOptions.builder().commandTimeout(Duration.ZERO))
        .hasMessageContaining("commandTimeout must be positive, was PT0S");
    assertThatThrownBy(
            () ->
                RedisConnectorOptions.builder()
                    .reconnectDelay(Duration.ofSeconds(2), Duration.ofSeconds(1)))
        .hasMessageContaining(
            "reconnectMaxDelay (PT1S) must not be less than reconnectMinDelay (PT2S)");
    assertThatThrownBy(() -> RedisConnectorOptions.builder().clientName("a b"))
        .hasMessageContaining("without spaces");
    assertThat(
            RedisConnectorOptions.defaults()
                .mutate()
                .commandTimeout(Duration.ofSeconds(9))
                .build()
                .commandTimeout())
        .isEqualTo(Duration.ofSeconds(9));
  }

  @Test
  void aClosedConnectorRefusesWork(TestRedis redis) {
    RedisConnector c = RedisConnector.create(redis.uri());
    c.close();
    c.close();
    assertThatThrownBy(c::sync)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("is closed");
  }

  private static int freePort() {
    try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
      return s.getLocalPort();
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
