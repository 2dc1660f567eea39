package dev.headroom.benchmarks;

import dev.headroom.core.config.Environment;
import dev.headroom.core.key.KeySpace;
import dev.headroom.core.redis.RedisConnector;
import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;

/** The Redis the benchmarks use, and the clean-up of what they write there. */
final class BenchRedis {

  private BenchRedis() {}

  /** System property naming the Redis a run uses, for drivers that start their own server. */
  static final String URL_PROPERTY = "headroom.bench.redis-url";

  /**
   * The system property {@value #URL_PROPERTY} if set (a driver passes its private server to JMH's
   * forks this way), else {@code REDIS_URL}, else the local default {@code redis://127.0.0.1:6379}.
   */
  static String url() {
    String property = System.getProperty(URL_PROPERTY);
    if (property != null && !property.isBlank()) {
      return property;
    }
    return Environment.system().get("REDIS_URL").orElse("redis://127.0.0.1:6379");
  }

  /** Removes what a benchmark wrote under its key space (benchmark-only: it scans). */
  static void deleteKeys(RedisConnector connector, KeySpace keySpace) {
    ScanCursor cursor = ScanCursor.INITIAL;
    ScanArgs match = ScanArgs.Builder.matches(keySpace.allKeysPattern()).limit(1000);
    do {
      KeyScanCursor<String> page = connector.sync().scan(cursor, match);
      if (!page.getKeys().isEmpty()) {
        connector.sync().del(page.getKeys().toArray(String[]::new));
      }
      cursor = page;
    } while (!cursor.isFinished());
  }
}
