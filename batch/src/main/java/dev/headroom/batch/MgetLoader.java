package dev.headroom.batch;

import dev.headroom.core.codec.Codec;
import dev.headroom.core.redis.RedisConnector;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/** One {@code MGET} per batch; see {@link BatchLoaders#redisMget}. */
final class MgetLoader<K, V> implements BatchLoader<K, V> {

  private final RedisConnector connector;
  private final Function<? super K, String> redisKey;
  private final Codec<V> codec;

  MgetLoader(RedisConnector connector, Function<? super K, String> redisKey, Codec<V> codec) {
    this.connector = connector;
    this.redisKey = redisKey;
    this.codec = codec;
  }

  @Override
  public CompletionStage<BatchResult<K, V>> load(List<K> keys) {
    String[] redisKeys = new String[keys.size()];
    for (int i = 0; i < redisKeys.length; i++) {
      String k = redisKey.apply(keys.get(i));
      if (k == null) {
        throw new NullPointerException("the redisKey function answered null for a key");
      }
      redisKeys[i] = k;
    }
    return connector.mget(redisKeys).thenApply(answer -> result(keys, answer));
  }

  private BatchResult<K, V> result(List<K> keys, List<byte @Nullable []> answer) {
    if (answer.size() != keys.size()) {
      throw new IllegalStateException(
          "MGET answered " + answer.size() + " values for " + keys.size() + " keys");
    }
    BatchResult.Builder<K, V> result = BatchResult.builder();
    for (int i = 0; i < keys.size(); i++) {
      byte[] value = answer.get(i);
      if (value != null) {
        try {
          result.value(keys.get(i), codec.decode(value));
        } catch (RuntimeException e) {
          result.failure(keys.get(i), e);
        }
      }
    }
    return result.build();
  }

  @Override
  public String toString() {
    return "BatchLoaders.redisMget(" + connector.url() + ", " + codec + ")";
  }
}
