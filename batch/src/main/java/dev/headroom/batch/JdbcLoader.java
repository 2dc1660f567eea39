package dev.headroom.batch;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/** One {@code SELECT … IN (…)} per batch; see {@link BatchLoaders#jdbc}. */
final class JdbcLoader<K, V> implements BatchLoader<K, V> {

  private final DataSource dataSource;
  private final String sql;
  private final String head;
  private final String tail;
  private final BatchLoaders.RowReader<? extends K> keyReader;
  private final BatchLoaders.RowReader<? extends V> valueReader;
  private final @Nullable Executor executor;
  private final ConcurrentHashMap<Integer, String> statements = new ConcurrentHashMap<>();

  JdbcLoader(
      DataSource dataSource,
      String sql,
      BatchLoaders.RowReader<? extends K> keyReader,
      BatchLoaders.RowReader<? extends V> valueReader,
      @Nullable Executor executor) {
    this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    this.sql = Objects.requireNonNull(sql, "sql");
    this.keyReader = Objects.requireNonNull(keyReader, "key");
    this.valueReader = Objects.requireNonNull(valueReader, "value");
    this.executor = executor;
    int at = sql.indexOf(BatchLoaders.KEYS_PLACEHOLDER);
    if (at < 0 || sql.indexOf(BatchLoaders.KEYS_PLACEHOLDER, at + 1) >= 0) {
      throw new IllegalArgumentException(
          "sql must contain "
              + BatchLoaders.KEYS_PLACEHOLDER
              + " exactly once, where the key parameters go (as in WHERE id IN ("
              + BatchLoaders.KEYS_PLACEHOLDER
              + ")), was: "
              + sql);
    }
    this.head = sql.substring(0, at);
    this.tail = sql.substring(at + BatchLoaders.KEYS_PLACEHOLDER.length());
  }

  @Override
  public CompletionStage<BatchResult<K, V>> load(List<K> keys) {
    if (executor == null) {
      try {
        return CompletableFuture.completedFuture(query(keys));
      } catch (SQLException e) {
        return CompletableFuture.failedFuture(e);
      }
    }
    return CompletableFuture.supplyAsync(
        () -> {
          try {
            return query(keys);
          } catch (SQLException e) {
            throw new CompletionException(e);
          }
        },
        executor);
  }

  private BatchResult<K, V> query(List<K> keys) throws SQLException {
    int params = Integer.highestOneBit(keys.size());
    if (params < keys.size()) {
      params <<= 1;
    }
    Map<K, V> values = new HashMap<>();
    Set<K> repeated = new HashSet<>();
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement(statement(params))) {
      for (int i = 0; i < params; i++) {
        ps.setObject(i + 1, keys.get(Math.min(i, keys.size() - 1)));
      }
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          K key = keyReader.read(rs);
          V value = valueReader.read(rs);
          if (key != null && value != null && values.put(key, value) != null) {
            repeated.add(key);
          }
        }
      }
    }
    BatchResult.Builder<K, V> result = BatchResult.builder();
    values.forEach(
        (k, v) -> {
          if (repeated.contains(k)) {
            result.failure(
                k, new IllegalStateException("the query returned more than one row for this key"));
          } else {
            result.value(k, v);
          }
        });
    return result.build();
  }

  private String statement(int params) {
    return statements.computeIfAbsent(params, n -> head + "?" + ", ?".repeat(n - 1) + tail);
  }

  @Override
  public String toString() {
    return "BatchLoaders.jdbc(" + sql + ")";
  }
}
