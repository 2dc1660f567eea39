package dev.headroom.batch;

import static dev.headroom.batch.Futures.failure;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.headroom.core.jdbc.PooledDataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The JDBC loader against a real database; each database's test extends this. */
abstract class JdbcLoaderContractTest {

  private PooledDataSource db;
  private String users;
  private String tags;
  private final ExecutorService executor = Executors.newFixedThreadPool(2);

  /** A fresh pool on the database under test. */
  abstract PooledDataSource openDataSource();

  @BeforeEach
  void createTables() throws SQLException {
    db = openDataSource();
    String suffix = Long.toUnsignedString(ThreadLocalRandom.current().nextLong(), 36);
    users = "batch_users_" + suffix;
    tags = "batch_tags_" + suffix;
    try (Connection c = db.getConnection();
        Statement st = c.createStatement()) {
      st.execute("CREATE TABLE " + users + " (id INT PRIMARY KEY, name VARCHAR(100) NOT NULL)");
      st.execute("CREATE TABLE " + tags + " (user_id INT NOT NULL, tag VARCHAR(100) NOT NULL)");
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + users + " VALUES (?, ?)")) {
        for (int id = 1; id <= 300; id++) {
          ps.setInt(1, id);
          ps.setString(2, "user-" + id);
          ps.addBatch();
        }
        ps.executeBatch();
      }
      st.execute("INSERT INTO " + tags + " VALUES (1, 'a'), (1, 'b'), (2, 'c')");
    }
  }

  @AfterEach
  void dropTables() throws SQLException {
    try (Connection c = db.getConnection();
        Statement st = c.createStatement()) {
      st.execute("DROP TABLE " + users);
      st.execute("DROP TABLE " + tags);
    } finally {
      db.close();
      executor.shutdownNow();
    }
  }

  private static <K, V> BatchLoader<K, V> counting(BatchLoader<K, V> loader, AtomicInteger calls) {
    return keys -> {
      calls.incrementAndGet();
      return loader.load(keys);
    };
  }

  private BatcherConfig.Builder config() {
    return BatcherConfig.builder()
        .maxBatchSize(100)
        .maxLinger(Duration.ofMillis(1))
        .executor(executor);
  }

  @Test
  void loadsEachBatchWithOneQuery() {
    AtomicInteger calls = new AtomicInteger();
    BatchLoader<Integer, String> loader =
        counting(
            BatchLoaders.jdbc(
                db,
                "SELECT id, name FROM " + users + " WHERE id IN (:keys)",
                rs -> rs.getInt("id"),
                rs -> rs.getString("name")),
            calls);
    BatcherConfig sizeOnly = BatcherConfig.builder().maxBatchSize(100).noLinger().build();
    try (Batcher<Integer, Optional<String>> b =
        Batchers.create("jdbc", loader, sizeOnly.toBuilder().executor(executor).build())) {
      List<Integer> keys = new ArrayList<>();
      for (int id = 1; id <= 250; id++) {
        keys.add(id * 2);
      }
      CompletableFuture<List<Optional<String>>> answer = b.loadMany(keys);
      assertThat(b.dispatch()).isEqualTo(50);
      List<Optional<String>> names = answer.join();
      for (int i = 0; i < keys.size(); i++) {
        int id = keys.get(i);
        assertThat(names.get(i))
            .isEqualTo(id <= 300 ? Optional.of("user-" + id) : Optional.empty());
      }
      assertThat(calls).hasValue(3);
    }
  }

  @Test
  void runsOnTheGivenExecutorAndKeepsTheKeysOfEveryBatchSize() {
    BatchLoader<Integer, String> loader =
        BatchLoaders.jdbc(
            db,
            "SELECT id, name FROM " + users + " WHERE id IN (:keys) ORDER BY id DESC",
            rs -> rs.getInt(1),
            rs -> rs.getString(2),
            executor);
    for (int size = 1; size <= 9; size++) {
      List<Integer> keys = new ArrayList<>();
      for (int k = 0; k < size; k++) {
        keys.add(10 + k * 7);
      }
      CompletionStage<BatchResult<Integer, String>> answer = loader.load(keys);
      BatchResult<Integer, String> result = answer.toCompletableFuture().join();
      assertThat(result.values()).hasSize(size);
      keys.forEach(k -> assertThat(result.values()).containsEntry(k, "user-" + k));
    }
  }

  @Test
  void aKeyWithSeveralRowsFailsAloneInsteadOfPickingOne() {
    BatchLoader<Integer, String> loader =
        BatchLoaders.jdbc(
            db,
            "SELECT user_id, tag FROM " + tags + " WHERE user_id IN (:keys)",
            rs -> rs.getInt(1),
            rs -> rs.getString(2));
    try (Batcher<Integer, Optional<String>> b =
        Batchers.create("jdbc", loader, config().executor(Runnable::run).build())) {
      CompletableFuture<Optional<String>> one = b.load(1);
      CompletableFuture<Optional<String>> two = b.load(2);
      CompletableFuture<Optional<String>> three = b.load(3);
      assertThat(two.join()).contains("c");
      assertThat(three.join()).isEmpty();
      assertThatThrownBy(one::join)
          .hasCauseInstanceOf(BatchLoadException.class)
          .hasRootCauseMessage("the query returned more than one row for this key");
    }
  }

  @Test
  void anSqlErrorFailsTheWholeBatchWithTheSqlException() {
    BatchLoader<Integer, String> loader =
        BatchLoaders.jdbc(
            db,
            "SELECT id, no_such_column FROM " + users + " WHERE id IN (:keys)",
            rs -> rs.getInt(1),
            rs -> rs.getString(2),
            executor);
    try (Batcher<Integer, Optional<String>> b = Batchers.create("jdbc", loader, config().build())) {
      CompletableFuture<Optional<String>> one = b.load(1);
      CompletableFuture<Optional<String>> two = b.load(2);
      CompletableFuture.allOf(one, two).exceptionally(e -> null).join();
      assertThat(failure(one))
          .isInstanceOf(BatchLoadException.class)
          .hasCauseInstanceOf(SQLException.class);
      assertThat(failure(two))
          .isInstanceOf(BatchLoadException.class)
          .hasCauseInstanceOf(SQLException.class);
    }
  }

  @Test
  void sqlWithoutExactlyOnePlaceholderIsRefused() {
    assertThatThrownBy(
            () -> BatchLoaders.jdbc(db, "SELECT id, name FROM " + users, rs -> 1, rs -> "x"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("sql must contain :keys exactly once, where the key parameters go");
    assertThatThrownBy(() -> BatchLoaders.jdbc(db, "SELECT :keys, :keys", rs -> 1, rs -> "x"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
