package dev.headroom.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The Redis one test uses, with a key prefix of its own: the test must put every key it writes
 * under {@link #keyPrefix()}, and {@link #deleteKeys()} (run by {@link RedisExtension} when the
 * scope that resolved it ends: the test, or the class for {@code @BeforeAll} parameters) removes
 * exactly those, never anything else of a shared server.
 */
public final class TestRedis {

  private static final AtomicLong SEQ = new AtomicLong();

  private final SharedRedis redis;
  private final String keyPrefix;

  TestRedis(SharedRedis redis, String testName) {
    this.redis = redis;
    String safe = testName.replaceAll("[^A-Za-z0-9_-]", "");
    if (safe.length() > 40) {
      safe = safe.substring(0, 40);
    }
    this.keyPrefix =
        "hrtest-" + ProcessHandle.current().pid() + "-" + SEQ.incrementAndGet() + "-" + safe;
  }

  /** The URL to connect to, in the form {@code RedisConnector.create} accepts. */
  public String uri() {
    return redis.uri;
  }

  /** Where this Redis came from: {@code REDIS_URL}, {@code 127.0.0.1:6379}, or a started server. */
  public String origin() {
    return redis.origin;
  }

  /**
   * A namespace unique to this test (letters, digits, {@code -} and {@code _} only), to use as the
   * first part of every key the test writes; {@link #deleteKeys()} deletes {@code <prefix>*}.
   */
  public String keyPrefix() {
    return keyPrefix;
  }

  /** Keys under this test's prefix, by {@code SCAN}. */
  public List<String> keys() {
    try (Resp r = redis.open()) {
      List<String> found = new java.util.ArrayList<>();
      String cursor = "0";
      do {
        List<?> reply =
            (List<?>)
                Objects.requireNonNull(
                    r.call("SCAN", cursor, "MATCH", keyPrefix + "*", "COUNT", "1000"));
        cursor = String.valueOf(reply.get(0));
        for (Object k : (List<?>) Objects.requireNonNull(reply.get(1))) {
          found.add(String.valueOf(k));
        }
      } while (!cursor.equals("0"));
      return found;
    } catch (IOException e) {
      throw new UncheckedIOException("could not list keys under " + keyPrefix, e);
    }
  }

  /** Deletes every key under this test's prefix; answers how many. */
  public int deleteKeys() {
    List<String> keys = keys();
    if (keys.isEmpty()) {
      return 0;
    }
    try (Resp r = redis.open()) {
      int deleted = 0;
      for (int i = 0; i < keys.size(); i += 500) {
        List<String> batch = keys.subList(i, Math.min(keys.size(), i + 500));
        String[] cmd = new String[batch.size() + 1];
        cmd[0] = "DEL";
        for (int j = 0; j < batch.size(); j++) {
          cmd[j + 1] = batch.get(j);
        }
        deleted += ((Long) Objects.requireNonNull(r.call(cmd))).intValue();
      }
      return deleted;
    } catch (IOException e) {
      throw new UncheckedIOException("could not delete keys under " + keyPrefix, e);
    }
  }

  @Override
  public String toString() {
    return "TestRedis[" + redis.uri + ", prefix=" + keyPrefix + "]";
  }
}
