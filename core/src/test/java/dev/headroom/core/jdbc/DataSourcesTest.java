package dev.headroom.core.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.headroom.core.health.HealthStatus;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Pool behaviour against a real (in-memory H2) database. */
class DataSourcesTest {

  private static PoolConfig.Builder h2() {
    return PoolConfig.builder("jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1")
        .username("sa");
  }

  @Test
  void servesQueriesAndPublishesHikariMeters() throws SQLException {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    try (PooledDataSource ds =
            DataSources.create(h2().poolName("orders").poolSize(3).build(), registry);
        Connection c = ds.getConnection();
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT 40 + 2")) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getInt(1)).isEqualTo(42);
      assertThat(registry.find("hikaricp.connections.max").tag("pool", "orders").gauge())
          .isNotNull();
      assertThat(registry.get("hikaricp.connections.max").gauge().value()).isEqualTo(3.0);
      assertThat(ds.health().status()).isEqualTo(HealthStatus.UP);
      assertThat(ds.health().details()).containsEntry("active", 1).containsEntry("max", 3);
      assertThat(ds.name()).isEqualTo("db:orders");
    }
  }

  @Test
  void theWaiterBeyondTheQueueLimitFailsAtOnceWhileOneWithinItIsServed() throws Exception {
    ExecutorService pool = Executors.newCachedThreadPool();
    try (PooledDataSource ds =
        DataSources.create(
            h2().poolSize(2).queueLimit(1).connectionTimeout(Duration.ofSeconds(20)).build())) {
      Connection first = ds.getConnection();
      Connection second = ds.getConnection();
      Future<Connection> waiter = pool.submit(() -> ds.getConnection());
      await().atMost(Duration.ofSeconds(10)).until(() -> ds.stats().waiting() == 1);

      long start = System.nanoTime();
      assertThatThrownBy(ds::getConnection)
          .isInstanceOf(SQLTransientConnectionException.class)
          .hasMessageContaining(
              "pool 'headroom' is saturated: 2 of 2 connections in use and 1 threads already waiting (queue limit 1)");
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
      assertThat(ds.health().status()).isEqualTo(HealthStatus.DEGRADED);

      first.close();
      try (Connection handedOver = waiter.get(10, TimeUnit.SECONDS)) {
        assertThat(handedOver.isValid(1)).isTrue();
      }
      second.close();
      // every admission came back: the pool and the queue can be filled again
      List<Connection> again = new ArrayList<>(List.of(ds.getConnection(), ds.getConnection()));
      again.forEach(PooledDataSourceTestSupport::closeQuietly);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void aWaiterThatTimesOutGivesItsPlaceBack() throws Exception {
    try (PooledDataSource ds =
            DataSources.create(
                h2().poolSize(1).queueLimit(1).connectionTimeout(Duration.ofMillis(250)).build());
        Connection held = ds.getConnection()) {
      for (int i = 0; i < 3; i++) {
        // each waiter is admitted (not rejected), then times out in HikariCP
        assertThatThrownBy(ds::getConnection)
            .isInstanceOf(SQLTransientConnectionException.class)
            .hasMessageNotContaining("saturated");
      }
      assertThat(held.isClosed()).isFalse();
    }
  }

  @Test
  void closingTheConnectionReachedThroughAStatementOrMetadataGivesTheAdmissionBack()
      throws Exception {
    try (PooledDataSource ds =
        DataSources.create(
            h2().poolSize(1).queueLimit(1).connectionTimeout(Duration.ofSeconds(20)).build())) {
      // 2 admissions (pool 1 + queue 1); each way of closing below must give its admission back
      for (int i = 0; i < 3; i++) {
        Connection c = ds.getConnection();
        Statement st = c.createStatement();
        st.getConnection().close();
        assertThat(c.isClosed()).isTrue();
      }
      for (int i = 0; i < 3; i++) {
        ds.getConnection().prepareStatement("SELECT 1").getConnection().close();
      }
      for (int i = 0; i < 3; i++) {
        ds.getConnection().getMetaData().getConnection().close();
      }
      for (int i = 0; i < 3; i++) {
        Statement st = ds.getConnection().createStatement();
        ResultSet rs = st.executeQuery("SELECT 1");
        rs.getStatement().getConnection().close();
      }
      try (Connection a = ds.getConnection()) {
        assertThat(a.isValid(1)).isTrue();
      }
    }
  }

  @Test
  void closingAConnectionTwiceReleasesOnce() throws Exception {
    try (PooledDataSource ds = DataSources.create(h2().poolSize(1).queueLimit(0).build())) {
      assertThat(ds.config().queueLimit()).isZero();
    }
    try (PooledDataSource ds =
        DataSources.create(
            h2().poolSize(1).queueLimit(1).connectionTimeout(Duration.ofSeconds(20)).build())) {
      Connection c = ds.getConnection();
      c.close();
      c.close();
      Connection a = ds.getConnection();
      // 2 admissions (pool 1 + queue 1); a double release would have made 3
      CompletableFuture<Throwable> waiter =
          CompletableFuture.supplyAsync(
              () -> {
                try (Connection b = ds.getConnection()) {
                  return b.isValid(1) ? null : new SQLException("invalid connection");
                } catch (SQLException e) {
                  return e;
                }
              });
      await().atMost(Duration.ofSeconds(10)).until(() -> ds.stats().waiting() == 1);
      assertThatThrownBy(ds::getConnection).hasMessageContaining("saturated");
      a.close();
      assertThat(waiter.get(10, TimeUnit.SECONDS)).isNull();
    }
  }

  @Test
  void manyThreadsNeverLeakAdmissions() throws Exception {
    int threads = 16;
    AtomicInteger served = new AtomicInteger();
    AtomicInteger rejected = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try (PooledDataSource ds = DataSources.create(h2().poolSize(2).queueLimit(3).build())) {
      List<Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        futures.add(
            pool.submit(
                () -> {
                  for (int i = 0; i < 200; i++) {
                    try (Connection c = ds.getConnection();
                        Statement st = c.createStatement()) {
                      st.execute("SELECT 1");
                      served.incrementAndGet();
                    } catch (SQLTransientConnectionException e) {
                      rejected.incrementAndGet();
                    }
                  }
                  return null;
                }));
      }
      for (Future<?> f : futures) {
        f.get(60, TimeUnit.SECONDS);
      }
      assertThat(served.get() + rejected.get()).isEqualTo(threads * 200);
      assertThat(served.get()).isPositive();
      // all five admissions are free again
      List<Connection> held = new ArrayList<>(List.of(ds.getConnection(), ds.getConnection()));
      held.forEach(PooledDataSourceTestSupport::closeQuietly);
      assertThat(ds.stats().active()).isZero();
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void badPoolSettingsFailWhenBuilt() {
    assertThatThrownBy(() -> PoolConfig.builder("postgres://x"))
        .hasMessageContaining("jdbcUrl must start with 'jdbc:'");
    assertThatThrownBy(() -> h2().poolSize(0)).hasMessageContaining("poolSize must be >= 1, was 0");
    assertThatThrownBy(() -> h2().queueLimit(-1)).hasMessageContaining("queueLimit must be >= 0");
    assertThatThrownBy(() -> h2().poolSize(2).minimumIdle(3).build())
        .hasMessageContaining("minimumIdle (3) must not exceed poolSize (2)");
    assertThatThrownBy(() -> h2().connectionTimeout(Duration.ofMillis(10)))
        .hasMessageContaining("connectionTimeout must be >= PT0.25S");
    assertThatThrownBy(() -> h2().leakDetectionThreshold(Duration.ofMillis(10)))
        .hasMessageContaining("zero (off) or >= PT2S");
    assertThatThrownBy(
            () -> h2().maxLifetime(Duration.ofMinutes(1)).keepalive(Duration.ofMinutes(2)).build())
        .hasMessageContaining("keepalive (PT2M) must be shorter than maxLifetime (PT1M)");
    assertThat(h2().password("secret").build().toString()).doesNotContain("secret");
  }

  @Test
  void aClosedPoolIsDown() {
    PooledDataSource ds = DataSources.create(h2().build());
    ds.close();
    assertThat(ds.isClosed()).isTrue();
    assertThat(ds.health().status()).isEqualTo(HealthStatus.DOWN);
  }
}
