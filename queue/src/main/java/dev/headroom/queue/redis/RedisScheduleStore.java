package dev.headroom.queue.redis;

import dev.headroom.core.redis.RedisScript;
import dev.headroom.queue.broker.ScheduleStore;
import dev.headroom.queue.broker.StoredSchedule;
import io.lettuce.core.ScriptOutputType;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Schedules on Redis, under the queue's hash tag: an index {@code …{q}:schedules} (ZSET, name by
 * next tick) and one hash per schedule, {@code …{q}:schedule:<name>} (definition, version, next and
 * last tick). Every call is one Lua script run with the queue's keys and header, so it shares the
 * queue's slot and clock (the server's {@code TIME}); {@code schedule_fire.lua} checks the version
 * and next tick the caller planned from, enqueues the tick's jobs and advances the schedule in one
 * atomic step. Thread-safe.
 */
final class RedisScheduleStore implements ScheduleStore {

  private static final RedisScript NOW = RedisBroker.script("schedule_now.lua");
  private static final RedisScript UPSERT = RedisBroker.script("schedule_upsert.lua");
  private static final RedisScript REMOVE = RedisBroker.script("schedule_remove.lua");
  private static final RedisScript LIST = RedisBroker.script("schedule_list.lua");
  private static final RedisScript FIRE = RedisBroker.script("schedule_fire.lua");

  private final RedisBroker broker;
  private final byte[] index;
  private final String hashPrefix;

  RedisScheduleStore(RedisBroker broker, String index, String hashPrefix) {
    this.broker = broker;
    this.index = bytes(index);
    this.hashPrefix = hashPrefix;
  }

  @Override
  public long now() {
    return (Long)
        broker.runScript(NOW, ScriptOutputType.INTEGER, new byte[0][], "reading the clock");
  }

  @Override
  public void upsert(StoredSchedule s, long firstTick) {
    byte[][] a = {
      index,
      bytes(hashPrefix + s.name()),
      bytes(s.name()),
      bytes(s.timing()),
      bytes(s.missed()),
      bytes(s.type()),
      s.payload(),
      bytes(Integer.toString(s.priority())),
      bytes(Integer.toString(s.maxAttempts())),
      bytes(Long.toString(s.timeoutMillis())),
      bytes(s.retrySpec()),
      bytes(Long.toString(firstTick))
    };
    broker.runScript(UPSERT, ScriptOutputType.INTEGER, a, "upserting a schedule");
  }

  @Override
  public boolean remove(String name) {
    byte[][] a = {index, bytes(hashPrefix + name), bytes(name)};
    Object n = broker.runScript(REMOVE, ScriptOutputType.INTEGER, a, "removing a schedule");
    return Long.valueOf(1).equals(n);
  }

  @Override
  public List<StoredSchedule> list() {
    return read("");
  }

  @Override
  public Optional<StoredSchedule> get(String name) {
    return read(name).stream().findFirst();
  }

  private List<StoredSchedule> read(String name) {
    byte[][] a = {index, bytes(hashPrefix), bytes(name)};
    List<?> flat = (List<?>) broker.runScript(LIST, ScriptOutputType.MULTI, a, "listing schedules");
    List<StoredSchedule> out = new ArrayList<>(flat.size() / 12);
    for (int i = 0; i + 11 < flat.size(); i += 12) {
      out.add(
          new StoredSchedule(
              text(flat.get(i)),
              text(flat.get(i + 2)),
              text(flat.get(i + 3)),
              text(flat.get(i + 4)),
              (byte[]) flat.get(i + 5),
              (int) num(flat.get(i + 6)),
              (int) num(flat.get(i + 7)),
              num(flat.get(i + 8)),
              text(flat.get(i + 9)),
              num(flat.get(i + 1)),
              num(flat.get(i + 10)),
              num(flat.get(i + 11))));
    }
    return out;
  }

  @Override
  public boolean fire(String name, long version, long expectedNext, long[] ticks, long newNext) {
    byte[][] a = new byte[6 + ticks.length][];
    a[0] = index;
    a[1] = bytes(hashPrefix + name);
    a[2] = bytes(name);
    a[3] = bytes(Long.toString(version));
    a[4] = bytes(Long.toString(expectedNext));
    a[5] = bytes(Long.toString(newNext));
    for (int i = 0; i < ticks.length; i++) {
      a[6 + i] = bytes(Long.toString(ticks[i]));
    }
    Object fired = broker.runScript(FIRE, ScriptOutputType.INTEGER, a, "firing a schedule");
    return Long.valueOf(1).equals(fired);
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static String text(Object o) {
    return new String((byte[]) o, StandardCharsets.UTF_8);
  }

  private static long num(Object o) {
    String s = text(o);
    return s.isEmpty() ? 0 : Long.parseLong(s);
  }
}
