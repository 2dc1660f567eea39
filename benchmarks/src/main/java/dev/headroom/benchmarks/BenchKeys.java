package dev.headroom.benchmarks;

import dev.headroom.core.key.KeySpace;
import dev.headroom.core.redis.RedisConnector;
import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;

/** Removes what a benchmark wrote under its key space (benchmark-only: it scans). */
final class BenchKeys {

  private BenchKeys() {}

  static void delete(RedisConnector connector, KeySpace keySpace) {
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
