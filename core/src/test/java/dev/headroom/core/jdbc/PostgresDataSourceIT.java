package dev.headroom.core.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.headroom.core.config.Environment;
import dev.headroom.core.config.HeadroomConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLTransientConnectionException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * The pool against a real PostgreSQL: {@code HEADROOM_PG_URL} (default {@code
 * jdbc:postgresql://127.0.0.1:5432/test}, user {@code HEADROOM_PG_USER} or {@code postgres}). A
 * missing database fails this test; {@code .ci/run} starts PostgreSQL when it is installed.
 */
class PostgresDataSourceIT {

  private static HeadroomConfig config(int poolSize, int queueLimit) {
    String url =
        Environment.system().get("HEADROOM_PG_URL").orElse("jdbc:postgresql://127.0.0.1:5432/test");
    String user = Environment.system().get("HEADROOM_PG_USER").orElse("postgres");
    return HeadroomConfig.from(
        Environment.of(
            Map.of(
                "DB_URL",
                url,
                "DB_USER",
                user,
                "DB_POOL_SIZE",
                String.valueOf(poolSize),
                "DB_QUEUE_LIMIT",
                String.valueOf(queueLimit))));
  }

  @Test
  void runsQueriesThroughAPoolBuiltFromTheEnvironment() throws Exception {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    try (PooledDataSource ds = DataSources.from(config(4, 0), registry).orElseThrow();
        Connection c = ds.getConnection();
        Statement st = c.createStatement()) {
      st.execute("CREATE TEMP TABLE t (id int primary key, name text)");
      st.execute("INSERT INTO t VALUES (1, 'one'), (2, 'two')");
      try (ResultSet rs = st.executeQuery("SELECT name FROM t WHERE id IN (1, 2) ORDER BY id")) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getString(1)).isEqualTo("one");
      }
      assertThat(registry.get("hikaricp.connections.active").gauge().value()).isEqualTo(1.0);
    }
  }

  @Test
  void closingTheConnectionOfAStatementGivesTheQueueAdmissionBack() throws Exception {
    try (PooledDataSource ds = DataSources.from(config(1, 1), null).orElseThrow()) {
      for (int i = 0; i < 4; i++) {
        Statement st = ds.getConnection().createStatement();
        try (ResultSet rs = st.executeQuery("SELECT 1")) {
          assertThat(rs.next()).isTrue();
        }
        st.getConnection().close();
      }
      for (int i = 0; i < 3; i++) {
        ds.getConnection().getMetaData().getConnection().close();
      }
      try (Connection c = ds.getConnection()) {
        assertThat(c.isValid(1)).isTrue();
      }
    }
  }

  @Test
  void queueLimitOnPostgres() throws Exception {
    PoolConfig pool =
        config(1, 1).database().orElseThrow().toBuilder()
            .connectionTimeout(Duration.ofSeconds(20))
            .build();
    try (PooledDataSource ds = DataSources.create(pool)) {
      Connection held = ds.getConnection();
      CompletableFuture<Integer> waiter =
          CompletableFuture.supplyAsync(
              () -> {
                try (Connection c = ds.getConnection();
                    Statement st = c.createStatement();
                    ResultSet rs = st.executeQuery("SELECT 7")) {
                  rs.next();
                  return rs.getInt(1);
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                }
              });
      await().atMost(Duration.ofSeconds(10)).until(() -> ds.stats().waiting() == 1);
      assertThatThrownBy(ds::getConnection)
          .isInstanceOf(SQLTransientConnectionException.class)
          .hasMessageContaining("saturated");
      held.close();
      assertThat(waiter.get()).isEqualTo(7);
    }
  }
}
