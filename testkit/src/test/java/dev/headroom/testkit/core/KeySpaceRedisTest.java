package dev.headroom.testkit.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.headroom.core.key.KeySpace;
import dev.headroom.core.redis.RedisConnector;
import dev.headroom.testkit.RedisExtension;
import dev.headroom.testkit.TestRedis;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanIterator;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** A user's key can never widen a pattern: checked against a real Redis's SCAN MATCH. */
@ExtendWith(RedisExtension.class)
class KeySpaceRedisTest {

  @Test
  void prefixPatternsMatchOnlyKeysThatStartWithTheLiteral(TestRedis redis) {
    KeySpace space = KeySpace.of(redis.keyPrefix(), "cache");
    List<String> userKeys =
        List.of("user:*", "user:1", "user:[1]", "user:?x", "user:\\", "users", "user:*:2", "admin");
    try (RedisConnector connector = RedisConnector.create(redis.uri())) {
      RedisClusterCommands<String, String> cmd = connector.sync();
      for (String k : userKeys) {
        cmd.set(space.key(k), "v");
      }
      for (String literal : List.of("user:*", "user:[", "user:?", "user:\\", "user:")) {
        List<String> matched = scan(cmd, space.prefixPattern(literal));
        List<String> expected =
            userKeys.stream().filter(k -> k.startsWith(literal)).map(space::key).toList();
        assertThat(matched)
            .as("pattern for literal '%s'", literal)
            .containsExactlyInAnyOrderElementsOf(expected);
        // the oracle used by the property tests agrees with Redis
        for (String k : userKeys) {
          assertThat(RedisGlob.matches(space.prefixPattern(literal), space.key(k)))
              .isEqualTo(expected.contains(space.key(k)));
        }
      }
      assertThat(scan(cmd, space.pattern("user:*"))).hasSize(6);
    }
  }

  private static List<String> scan(RedisClusterCommands<String, String> cmd, String pattern) {
    List<String> keys = new ArrayList<>();
    ScanIterator.scan(cmd, ScanArgs.Builder.matches(pattern).limit(1000))
        .forEachRemaining(keys::add);
    return keys;
  }
}
