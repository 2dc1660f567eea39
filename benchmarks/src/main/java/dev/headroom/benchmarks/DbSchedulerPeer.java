package dev.headroom.benchmarks;

import com.github.kagkarlsson.scheduler.Scheduler;
import com.github.kagkarlsson.scheduler.task.helper.OneTimeTask;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

/**
 * db-scheduler as an in-process job queue on an in-memory H2 database, the {@code db-scheduler}
 * impl of {@link QueueMemoryBenchmark}: a one-time task, one execution (one row) per job.
 *
 * <p>Set up for throughput: 2 executor threads, immediate execution on (a job scheduled for now
 * wakes the scheduler instead of waiting for the next poll), polling every 100 ms as a fallback
 * (default 10 s), and the default fetch-and-lock-on-execute polling strategy (batches of 3 ×
 * threads, refetched when half the threads are free); the lock-and-fetch strategy its documentation
 * suggests above a few thousand executions per second needs PostgreSQL, SQL Server or MySQL 8 and
 * is not offered on H2. A HikariCP pool of 4 connections, as an application would give it. H2 is
 * the database a user embeds in the same JVM; db-scheduler has no H2 dialect and runs it with its
 * generic SQL. Completed one-time executions are deleted, so the table only holds pending jobs.
 */
final class DbSchedulerPeer implements AutoCloseable {

  private static final String DDL =
      """
      create table scheduled_tasks (
        task_name varchar(100) not null,
        task_instance varchar(100) not null,
        task_data blob,
        execution_time timestamp with time zone not null,
        picked boolean not null,
        picked_by varchar(50),
        last_success timestamp with time zone,
        last_failure timestamp with time zone,
        consecutive_failures int,
        last_heartbeat timestamp with time zone,
        version bigint not null,
        priority smallint,
        primary key (task_name, task_instance)
      );
      create index execution_time_idx on scheduled_tasks (execution_time);
      create index last_heartbeat_idx on scheduled_tasks (last_heartbeat);
      create index priority_execution_time_idx on scheduled_tasks (priority desc, execution_time asc);
      """;

  private final HikariDataSource dataSource;
  private final OneTimeTask<Void> task;
  private final Scheduler scheduler;
  private final AtomicLong ids = new AtomicLong();

  /** Creates the table, then starts the scheduler; each job runs {@code job}. */
  DbSchedulerPeer(Runnable job) throws SQLException {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl("jdbc:h2:mem:db-scheduler-" + System.nanoTime() + ";DB_CLOSE_DELAY=-1");
    config.setMaximumPoolSize(4);
    dataSource = new HikariDataSource(config);
    try (Connection c = dataSource.getConnection();
        Statement s = c.createStatement()) {
      s.execute(DDL);
    }
    task = Tasks.oneTime("noop").execute((instance, context) -> job.run());
    scheduler =
        Scheduler.create(dataSource, task)
            .threads(2)
            .enableImmediateExecution()
            .pollingInterval(Duration.ofMillis(100))
            .build();
    scheduler.start();
  }

  /** Schedules one job for now. */
  void enqueue() {
    scheduler.scheduleIfNotExists(
        task.instance(Long.toString(ids.incrementAndGet())), Instant.now());
  }

  /** Stops the scheduler and closes the pool (and with it the database). */
  @Override
  public void close() {
    scheduler.stop();
    dataSource.close();
  }
}
