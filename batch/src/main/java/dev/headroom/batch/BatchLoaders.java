package dev.headroom.batch;

import dev.headroom.core.codec.Codec;
import dev.headroom.core.redis.RedisConnector;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.function.Function;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * Ready {@link BatchLoader}s: Redis {@code MGET} and one JDBC {@code SELECT … IN (…)} per batch.
 */
public final class BatchLoaders {

  /** The placeholder in a JDBC loader's SQL where the key parameters go. */
  public static final String KEYS_PLACEHOLDER = ":keys";

  private BatchLoaders() {}

  /**
   * One {@code MGET} per batch on the connector's shared binary connection. {@code redisKey} maps a
   * key to its full Redis key (usually through a {@link dev.headroom.core.key.KeySpace}); a Redis
   * key that does not exist is absent; a value {@code codec} cannot decode fails that key alone
   * with the {@link dev.headroom.core.codec.CodecException}. On Redis Cluster, Lettuce splits the
   * {@code MGET} by slot and reassembles the answer in order. When Redis is unreachable or slow,
   * the whole call fails with the connector's error (retry it with {@link
   * BatcherConfig.Builder#retry}). Never blocks; thread-safe.
   */
  public static <K, V> BatchLoader<K, V> redisMget(
      RedisConnector connector, Function<? super K, String> redisKey, Codec<V> codec) {
    return new MgetLoader<>(
        Objects.requireNonNull(connector, "connector"),
        Objects.requireNonNull(redisKey, "redisKey"),
        Objects.requireNonNull(codec, "codec"));
  }

  /**
   * One query per batch through {@code dataSource}, on the thread that calls the loader (the
   * batcher's executor: give the batcher one sized like the connection pool). See {@link
   * #jdbc(DataSource, String, RowReader, RowReader, Executor)}.
   */
  public static <K, V> BatchLoader<K, V> jdbc(
      DataSource dataSource, String sql, RowReader<? extends K> key, RowReader<? extends V> value) {
    return new JdbcLoader<>(dataSource, sql, key, value, null);
  }

  /**
   * One query per batch through {@code dataSource}, run on {@code executor}.
   *
   * <p>{@code sql} contains {@value #KEYS_PLACEHOLDER} once, where the key parameters go: {@code
   * SELECT id, name FROM users WHERE id IN (:keys)}. Keys are bound with {@link
   * java.sql.PreparedStatement#setObject(int, Object)}; the list is padded to a power of two by
   * repeating the last key, so the database sees few distinct statements. For each row, {@code key}
   * reads the row's key (it must be {@code equals} to the requested key: read an {@code Integer}
   * for {@code Integer} keys) and {@code value} the value. A key without a row is absent; a key
   * with several rows fails alone (never picks one at random); a row for a key not requested is
   * ignored. An {@link SQLException} fails the whole call with it as the cause. Thread-safe.
   *
   * @throws IllegalArgumentException if {@code sql} does not contain {@value #KEYS_PLACEHOLDER}
   *     exactly once
   */
  public static <K, V> BatchLoader<K, V> jdbc(
      DataSource dataSource,
      String sql,
      RowReader<? extends K> key,
      RowReader<? extends V> value,
      Executor executor) {
    return new JdbcLoader<>(
        dataSource, sql, key, value, Objects.requireNonNull(executor, "executor"));
  }

  /**
   * Reads one thing from the current row of a result set.
   *
   * @param <T> what it reads
   */
  @FunctionalInterface
  public interface RowReader<T> {
    /** Reads from the current row; must not advance the result set. */
    @Nullable T read(ResultSet row) throws SQLException;
  }
}
