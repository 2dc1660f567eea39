package dev.headroom.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(RedisExtension.class)
class TestkitTest {

  @Test
  void eachResolutionHasItsOwnPrefixAndDeletesOnlyItsOwnKeys(TestRedis a, TestRedis b) {
    assertThat(a.keyPrefix()).isNotEqualTo(b.keyPrefix()).matches("[A-Za-z0-9_-]+");
    RedisClient client = RedisClient.create(a.uri());
    try (StatefulRedisConnection<String, String> c = client.connect()) {
      RedisCommands<String, String> cmd = c.sync();
      cmd.set(a.keyPrefix() + ":1", "x");
      cmd.set(a.keyPrefix() + ":2", "x");
      cmd.set(b.keyPrefix() + ":1", "y");
      assertThat(a.keys()).containsExactlyInAnyOrder(a.keyPrefix() + ":1", a.keyPrefix() + ":2");
      assertThat(a.deleteKeys()).isEqualTo(2);
      assertThat(cmd.exists(a.keyPrefix() + ":1")).isZero();
      assertThat(cmd.get(b.keyPrefix() + ":1")).isEqualTo("y");
    } finally {
      client.shutdown();
    }
  }

  @Test
  void aDedicatedServerStopsAndRestartsOnItsPort() {
    try (RedisServer server = RedisServer.start()) {
      int port = server.port();
      assertThat(Resp.answersPing("127.0.0.1", port, 1000)).isTrue();
      server.stop();
      assertThat(server.isRunning()).isFalse();
      assertThat(Resp.answersPing("127.0.0.1", port, 200)).isFalse();
      server.restart();
      assertThat(server.port()).isEqualTo(port);
      assertThat(Resp.answersPing("127.0.0.1", port, 1000)).isTrue();
    }
  }
}
