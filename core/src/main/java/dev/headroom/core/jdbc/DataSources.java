package dev.headroom.core.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.metrics.MetricsTrackerFactory;
import com.zaxxer.hikari.metrics.micrometer.MicrometerMetricsTrackerFactory;
import dev.headroom.core.config.HeadroomConfig;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Builds JDBC connection pools on HikariCP.
 *
 * <pre>{@code
 * try (PooledDataSource db = DataSources.create(PoolConfig.builder("jdbc:postgresql://127.0.0.1/app")
 *     .username("app").poolSize(20).queueLimit(50).build(), meterRegistry)) {
 *   ...
 * }
 * }</pre>
 *
 * A pool is an expensive resource: build one per database and share it.
 */
public final class DataSources {

  private DataSources() {}

  /**
   * A pool without meters. Opens its first connections at once (fails fast on a bad URL or
   * credentials).
   */
  public static PooledDataSource create(PoolConfig config) {
    return create(config, null);
  }

  /**
   * A pool that publishes HikariCP's meters ({@code hikaricp.connections.*}, tag {@code pool}) to
   * {@code registry} when one is given.
   *
   * @throws com.zaxxer.hikari.pool.HikariPool.PoolInitializationException if the database cannot be
   *     reached
   */
  public static PooledDataSource create(PoolConfig config, @Nullable MeterRegistry registry) {
    Objects.requireNonNull(config, "config");
    HikariConfig hc = new HikariConfig();
    hc.setJdbcUrl(config.jdbcUrl());
    hc.setUsername(config.username());
    hc.setPassword(config.password());
    hc.setPoolName(config.poolName());
    hc.setMaximumPoolSize(config.poolSize());
    hc.setMinimumIdle(config.minimumIdle());
    hc.setConnectionTimeout(config.connectionTimeout().toMillis());
    hc.setIdleTimeout(config.idleTimeout().toMillis());
    hc.setMaxLifetime(config.maxLifetime().toMillis());
    hc.setKeepaliveTime(config.keepalive().toMillis());
    hc.setLeakDetectionThreshold(config.leakDetectionThreshold().toMillis());
    MetricsTrackerFactory meters =
        registry == null ? null : new MicrometerMetricsTrackerFactory(registry);
    Admission admission =
        config.queueLimit() == 0
            ? null
            : new Admission(config.poolSize() + config.queueLimit(), meters);
    if (admission != null) {
      hc.setMetricsTrackerFactory(admission);
    } else if (meters != null) {
      hc.setMetricsTrackerFactory(meters);
    }
    return new PooledDataSource(new HikariDataSource(hc), config, admission);
  }

  /** A pool from {@code DB_*} of the configuration, if {@code DB_URL} is set. */
  public static Optional<PooledDataSource> from(
      HeadroomConfig config, @Nullable MeterRegistry registry) {
    return config.database().map(pool -> create(pool, registry));
  }
}
