package dev.headroom.batch;

import dev.headroom.core.jdbc.DataSources;
import dev.headroom.core.jdbc.PoolConfig;
import dev.headroom.core.jdbc.PooledDataSource;

/** The JDBC loader on H2 in memory. */
class JdbcLoaderH2Test extends JdbcLoaderContractTest {

  @Override
  PooledDataSource openDataSource() {
    return DataSources.create(
        PoolConfig.builder("jdbc:h2:mem:batch-loader;DB_CLOSE_DELAY=-1").poolSize(2).build());
  }
}
