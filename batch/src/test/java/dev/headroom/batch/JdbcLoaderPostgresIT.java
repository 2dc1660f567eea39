package dev.headroom.batch;

import dev.headroom.core.config.Environment;
import dev.headroom.core.jdbc.DataSources;
import dev.headroom.core.jdbc.PoolConfig;
import dev.headroom.core.jdbc.PooledDataSource;

/**
 * The JDBC loader on a real PostgreSQL: {@code HEADROOM_PG_URL} (default {@code
 * jdbc:postgresql://127.0.0.1:5432/test}), user {@code HEADROOM_PG_USER} (default {@code
 * postgres}). A missing database fails this test.
 */
class JdbcLoaderPostgresIT extends JdbcLoaderContractTest {

  @Override
  PooledDataSource openDataSource() {
    String url =
        Environment.system().get("HEADROOM_PG_URL").orElse("jdbc:postgresql://127.0.0.1:5432/test");
    String user = Environment.system().get("HEADROOM_PG_USER").orElse("postgres");
    return DataSources.create(PoolConfig.builder(url).username(user).poolSize(2).build());
  }
}
