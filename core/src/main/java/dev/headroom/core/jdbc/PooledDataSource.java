package dev.headroom.core.jdbc;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;
import dev.headroom.core.health.Health;
import dev.headroom.core.health.HealthCheck;
import dev.headroom.core.health.HealthStatus;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.SQLTransientConnectionException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * A pooled {@link DataSource} on HikariCP, built by {@link DataSources}.
 *
 * <p><b>Queue limit.</b> HikariCP queues every caller until {@code connectionTimeout}; under
 * overload that turns into a pile of blocked request threads. With a {@linkplain
 * PoolConfig#queueLimit() queue limit} this pool admits at most {@code poolSize + queueLimit}
 * callers at a time (holding or waiting for a connection): the admission is a non-blocking
 * semaphore taken in {@link #getConnection()} and given back when HikariCP gets the connection back
 * (or the wait fails), so the next caller beyond the limit fails at once with an {@link
 * SQLTransientConnectionException} while a waiter within the limit still receives a connection as
 * soon as one is returned. The admission returns however the connection is closed: directly, or
 * through the connection a statement, its result set or the database metadata answers (HikariCP's
 * own return of the connection is what gives it back, not a wrapper that those would bypass).
 *
 * <p>Thread-safe. Close it to close the pool.
 */
public final class PooledDataSource implements DataSource, AutoCloseable, HealthCheck {

  private final HikariDataSource hikari;
  private final PoolConfig config;
  private final @Nullable Admission admission;

  /**
   * {@code admission} must be the metrics tracker factory of {@code hikari}'s configuration when
   * there is a queue limit, and null without one.
   */
  PooledDataSource(HikariDataSource hikari, PoolConfig config, @Nullable Admission admission) {
    this.hikari = hikari;
    this.config = config;
    this.admission = admission;
  }

  /** The configuration this pool was built from. */
  public PoolConfig config() {
    return config;
  }

  @Override
  public Connection getConnection() throws SQLException {
    if (admission == null) {
      return hikari.getConnection();
    }
    if (!admission.tryAcquire()) {
      PoolStats stats = stats();
      throw new SQLTransientConnectionException(
          "pool '"
              + config.poolName()
              + "' is saturated: "
              + stats.active()
              + " of "
              + config.poolSize()
              + " connections in use and "
              + stats.waiting()
              + " threads already waiting (queue limit "
              + config.queueLimit()
              + "); failing at once instead of queuing",
          "08001");
    }
    try {
      return hikari.getConnection();
    } catch (SQLException | RuntimeException | Error e) {
      admission.release();
      throw e;
    }
  }

  /** Not supported: the pool's credentials are fixed by its configuration. */
  @Override
  public Connection getConnection(String username, String password) throws SQLException {
    throw new SQLFeatureNotSupportedException(
        "a pooled data source uses the credentials of its PoolConfig");
  }

  /** A snapshot of the pool's counters. */
  public PoolStats stats() {
    HikariPoolMXBean mx = hikari.getHikariPoolMXBean();
    if (mx == null) {
      return new PoolStats(0, 0, 0, 0);
    }
    return new PoolStats(
        mx.getActiveConnections(),
        mx.getIdleConnections(),
        mx.getThreadsAwaitingConnection(),
        mx.getTotalConnections());
  }

  /** Whether {@link #close()} was called. */
  public boolean isClosed() {
    return hikari.isClosed();
  }

  /**
   * UP while the pool runs and has a free connection or nobody waits; DEGRADED when every
   * connection is in use and threads wait; DOWN when closed. Reads counters only: never blocks.
   */
  @Override
  public Health health() {
    if (hikari.isClosed()) {
      return Health.of(HealthStatus.DOWN, Map.of("pool", config.poolName(), "closed", true));
    }
    PoolStats s = stats();
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("pool", config.poolName());
    details.put("active", s.active());
    details.put("idle", s.idle());
    details.put("pending", s.waiting());
    details.put("total", s.total());
    details.put("max", config.poolSize());
    HealthStatus status =
        s.waiting() > 0 && s.idle() == 0 ? HealthStatus.DEGRADED : HealthStatus.UP;
    return Health.of(status, details);
  }

  @Override
  public String name() {
    return "db:" + config.poolName();
  }

  @Override
  public void close() {
    hikari.close();
  }

  @Override
  public PrintWriter getLogWriter() throws SQLException {
    return hikari.getLogWriter();
  }

  @Override
  public void setLogWriter(PrintWriter out) throws SQLException {
    hikari.setLogWriter(out);
  }

  @Override
  public void setLoginTimeout(int seconds) throws SQLException {
    hikari.setLoginTimeout(seconds);
  }

  @Override
  public int getLoginTimeout() throws SQLException {
    return hikari.getLoginTimeout();
  }

  @Override
  public Logger getParentLogger() throws SQLFeatureNotSupportedException {
    return hikari.getParentLogger();
  }

  /**
   * Unwraps to {@link HikariDataSource} (or what it unwraps to) for settings this API does not
   * cover.
   */
  @Override
  public <T> T unwrap(Class<T> iface) throws SQLException {
    if (iface.isInstance(hikari)) {
      return iface.cast(hikari);
    }
    return hikari.unwrap(iface);
  }

  @Override
  public boolean isWrapperFor(Class<?> iface) throws SQLException {
    return iface.isInstance(hikari) || hikari.isWrapperFor(iface);
  }

  @Override
  public String toString() {
    return "PooledDataSource[" + config.poolName() + ", " + stats() + "]";
  }

  /**
   * Pool counters.
   *
   * @param active connections in use
   * @param idle connections open and free
   * @param waiting threads waiting for a connection
   * @param total connections open
   */
  public record PoolStats(int active, int idle, int waiting, int total) {}
}
