package dev.headroom.core.jdbc;

import com.zaxxer.hikari.metrics.IMetricsTracker;
import com.zaxxer.hikari.metrics.MetricsTrackerFactory;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * The admissions of a pool's queue limit: {@code poolSize + queueLimit} permits, taken by {@link
 * PooledDataSource#getConnection()} and given back when HikariCP gets the connection back.
 *
 * <p>The give-back listens to HikariCP itself, not to a wrapper around the connection: HikariCP
 * reports every connection returned to its pool to its metrics tracker ({@code
 * recordConnectionUsageMillis}, once per return), however the connection was closed — directly, or
 * through {@code statement.getConnection()}, {@code metaData.getConnection()} or {@code
 * resultSet.getStatement().getConnection()}, which return HikariCP's proxy and would bypass a
 * wrapper of ours. So this class is the pool's {@link MetricsTrackerFactory}, forwarding every
 * event to the Micrometer tracker when the pool publishes meters.
 *
 * <p>A return never gives back more than was taken: a connection borrowed from the unwrapped {@code
 * HikariDataSource}, past the admission, gives nothing back when it returns (the count of admitted
 * connections stays at zero), so the limit can loosen by at most the connections borrowed that way
 * while they are out, and never grows for good.
 */
final class Admission implements MetricsTrackerFactory {

  private final Semaphore permits;
  private final AtomicInteger admitted = new AtomicInteger();
  private final @Nullable MetricsTrackerFactory delegate;

  Admission(int permits, @Nullable MetricsTrackerFactory delegate) {
    this.permits = new Semaphore(permits);
    this.delegate = delegate;
  }

  /** Takes an admission if one is free; never blocks. */
  boolean tryAcquire() {
    if (!permits.tryAcquire()) {
      return false;
    }
    admitted.incrementAndGet();
    return true;
  }

  /** Gives an admission back, if one is out. */
  void release() {
    if (admitted.getAndUpdate(n -> n > 0 ? n - 1 : n) > 0) {
      permits.release();
    }
  }

  /** Admissions free now (for tests and diagnostics). */
  int available() {
    return permits.availablePermits();
  }

  @Override
  public IMetricsTracker create(String poolName, com.zaxxer.hikari.metrics.PoolStats poolStats) {
    IMetricsTracker inner =
        delegate == null ? new IMetricsTracker() {} : delegate.create(poolName, poolStats);
    return new IMetricsTracker() {
      @Override
      public void recordConnectionCreatedMillis(long connectionCreatedMillis) {
        inner.recordConnectionCreatedMillis(connectionCreatedMillis);
      }

      @Override
      public void recordConnectionAcquiredNanos(long elapsedAcquiredNanos) {
        inner.recordConnectionAcquiredNanos(elapsedAcquiredNanos);
      }

      @Override
      public void recordConnectionUsageMillis(long elapsedBorrowedMillis) {
        try {
          inner.recordConnectionUsageMillis(elapsedBorrowedMillis);
        } finally {
          release();
        }
      }

      @Override
      public void recordConnectionTimeout() {
        inner.recordConnectionTimeout();
      }

      @Override
      public void close() {
        inner.close();
      }
    };
  }
}
