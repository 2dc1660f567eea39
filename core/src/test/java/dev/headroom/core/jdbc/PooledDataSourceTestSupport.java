package dev.headroom.core.jdbc;

import java.sql.Connection;
import java.sql.SQLException;

final class PooledDataSourceTestSupport {

  private PooledDataSourceTestSupport() {}

  static void closeQuietly(Connection c) {
    try {
      c.close();
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }
}
