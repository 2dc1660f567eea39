package dev.headroom.batch;

import static dev.headroom.batch.Futures.failure;
import static org.assertj.core.api.Assertions.assertThat;

import dev.headroom.core.codec.Codec;
import dev.headroom.core.codec.CodecException;
import dev.headroom.core.codec.JsonCodec;
import dev.headroom.core.key.KeySpace;
import dev.headroom.core.redis.RedisConnector;
import dev.headroom.core.redis.RedisConnectorOptions;
import dev.headroom.testkit.RedisExtension;
import dev.headroom.testkit.TestRedis;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(RedisExtension.class)
class RedisMgetLoaderTest {

  record User(long id, String name) {}

  private static BatcherConfig config() {
    return BatcherConfig.builder().maxBatchSize(100).maxLinger(Duration.ofMillis(2)).build();
  }

  @Test
  void loadsValuesWithOneMgetPerBatch(TestRedis redis) {
    KeySpace users = KeySpace.of(redis.keyPrefix(), "users");
    Codec<User> codec = JsonCodec.of(User.class);
    try (RedisConnector connector = RedisConnector.create(redis.uri())) {
      for (long id = 1; id <= 150; id++) {
        connector
            .binarySync()
            .set(users.key(Long.toString(id)), codec.encode(new User(id, "user-" + id)));
      }
      AtomicInteger calls = new AtomicInteger();
      BatchLoader<Long, User> mget =
          BatchLoaders.redisMget(connector, id -> users.key(id.toString()), codec);
      BatchLoader<Long, User> counted =
          keys -> {
            calls.incrementAndGet();
            return mget.load(keys);
          };
      BatcherConfig fullWindowsOnly =
          BatcherConfig.builder().maxBatchSize(100).maxLinger(Duration.ofMinutes(1)).build();
      try (Batcher<Long, Optional<User>> batcher =
          Batchers.create("users", counted, fullWindowsOnly)) {
        List<CompletableFuture<Optional<User>>> futures = new ArrayList<>();
        for (long id = 1; id <= 200; id++) {
          futures.add(batcher.load(id));
        }
        CompletableFuture.allOf(futures.toArray(new CompletableFuture<?>[0])).join();
        for (int i = 0; i < futures.size(); i++) {
          long id = i + 1;
          assertThat(futures.get(i).join())
              .isEqualTo(id <= 150 ? Optional.of(new User(id, "user-" + id)) : Optional.empty());
        }
        assertThat(calls).hasValue(2);
      }
    }
  }

  @Test
  void aValueThatDoesNotDecodeFailsThatKeyAlone(TestRedis redis) {
    KeySpace space = KeySpace.of(redis.keyPrefix());
    try (RedisConnector connector = RedisConnector.create(redis.uri())) {
      connector
          .binarySync()
          .set(space.key("good"), "{\"id\":1,\"name\":\"a\"}".getBytes(StandardCharsets.UTF_8));
      connector.binarySync().set(space.key("bad"), "not json".getBytes(StandardCharsets.UTF_8));
      BatchLoader<String, User> mget =
          BatchLoaders.redisMget(connector, space::key, JsonCodec.of(User.class));
      try (Batcher<String, User> batcher = Batchers.createRequired("users", mget, config())) {
        CompletableFuture<User> good = batcher.load("good");
        CompletableFuture<User> bad = batcher.load("bad");
        CompletableFuture.allOf(good, bad).exceptionally(e -> null).join();
        assertThat(good.join()).isEqualTo(new User(1, "a"));
        assertThat(failure(bad))
            .isInstanceOf(BatchLoadException.class)
            .hasCauseInstanceOf(CodecException.class);
      }
    }
  }

  @Test
  void whenRedisIsUnreachableEveryKeyFailsWithTheConnectorsError() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    RedisConnectorOptions fast =
        RedisConnectorOptions.builder()
            .connectTimeout(Duration.ofMillis(500))
            .commandTimeout(Duration.ofMillis(500))
            .build();
    try (RedisConnector connector = RedisConnector.create("redis://127.0.0.1:" + port, fast)) {
      BatchLoader<String, String> mget =
          BatchLoaders.redisMget(connector, k -> "k:" + k, Codec.utf8());
      try (Batcher<String, Optional<String>> batcher = Batchers.create("down", mget, config())) {
        CompletableFuture<Optional<String>> a = batcher.load("a");
        CompletableFuture<Optional<String>> b = batcher.load("b");
        CompletableFuture.allOf(a, b).exceptionally(e -> null).join();
        assertThat(failure(a))
            .isInstanceOf(BatchLoadException.class)
            .satisfies(e -> assertThat(RedisConnector.isUnavailability(e.getCause())).isTrue());
        assertThat(failure(b)).isInstanceOf(BatchLoadException.class);
        assertThat(batcher.pendingKeys()).isZero();
      }
    }
  }
}
