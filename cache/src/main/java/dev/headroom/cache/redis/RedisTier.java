package dev.headroom.cache.redis;

import dev.headroom.core.concurrent.Failures;
import dev.headroom.core.health.HealthStatus;
import dev.headroom.core.key.KeySpace;
import dev.headroom.core.redis.RedisConnector;
import dev.headroom.core.redis.RedisScript;
import dev.headroom.core.redis.RedisTopology;
import dev.headroom.core.time.Cancellable;
import dev.headroom.core.time.TimeSource;
import io.lettuce.core.KeyValue;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.protocol.CommandType;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/*
 * The Redis side of one cache: values and the stampede lease here; the generations of key
 * prefixes in Generations, the invalidation channel in InvalidationChannel, the breaker and the
 * accounting of each command in RedisCalls.
 *
 * Key layout, for a cache "users" in key space "app:cache:" (K = the user's key):
 *   app:cache:users:v:<g>:K           the value (header + codec bytes), PX = its hard expiry
 *   app:cache:{users}:gen:<prefix>    generation of a key prefix ("" = the whole cache)
 *   app:cache:{users}:genseq          the counter generations are drawn from
 *   app:cache:users:lease:K           stampede lease (token), PX = lease time
 *   channel app:cache:users:events    invalidation messages
 * With singleSlot the value and lease keys carry the {users} tag too, so all keys share one slot.
 *
 * Failures: every command first asks the circuit breaker; a refused command counts as skipped and
 * reads as a miss. Synchronous reads wait on the caller's thread for at most the L2 timeout (no
 * timer per call); getAsync times out by itself (a timer per call). Either way a late answer is a
 * miss and one breaker failure, and the answer itself, when it comes, is not recorded again.
 * Nothing here throws because of Redis: failures are counted and read as misses or skipped writes.
 * A put or invalidation that did not go through is remembered (PendingRepairs) and repaired when
 * Redis answers: its keys' values deleted (or its prefix bumped) and the message published.
 * Lost state (a sequence gap, a re-subscription, the breaker closing after an outage) forgets
 * every generation and tells the cache to clear its L1.
 */

/**
 * The Redis tier of one two-level cache: values with a header ({@link StoredValue}), generations
 * for O(1) pattern invalidation and clear, invalidation messages on a pub/sub channel, a circuit
 * breaker and the stampede lease. Reached only through {@code Caches.redis}; methods never throw
 * because of Redis. Thread-safe.
 */
public final class RedisTier implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(RedisTier.class);
  private static final RedisScript BUMP =
      RedisScript.fromClasspath(RedisTier.class, "generation_prelude.lua", "bump_generation.lua");
  private static final RedisScript READ_GENERATIONS =
      RedisScript.fromClasspath(RedisTier.class, "generation_prelude.lua", "read_generations.lua");

  /**
   * How much longer than the longest entry a generation key lives: a process keeps a generation it
   * read for up to a minute (see Generations), and a read extends a key with less than half its
   * life left, so a generation some process still uses never expires under it.
   */
  static final Duration GENERATION_MARGIN = Duration.ofMinutes(3);

  private static final RedisScript STORE_LOADED =
      RedisScript.fromClasspath(RedisTier.class, "store_loaded.lua");
  private static final byte[] NOTHING = new byte[0];
  private static final RedisScript RELEASE =
      RedisScript.fromClasspath(RedisTier.class, "release_lease.lua");

  /**
   * The tier's settings.
   *
   * @param cacheName the cache's name
   * @param keySpace where the cache's keys go
   * @param timeout how long a synchronous read waits
   * @param patternDepth how many leading key segments carry a generation
   * @param singleSlot whether all keys share the cache's hash tag
   * @param longestLife the longest life of an entry (how long a generation must be remembered)
   * @param breakerFailures consecutive failures that open the breaker
   * @param breakerOpen how long the breaker stays open
   * @param time the clock of the breaker and of TTLs
   * @param executor where repairs of changes that did not reach Redis start (not a Redis I/O
   *     thread)
   */
  public record Options(
      String cacheName,
      KeySpace keySpace,
      Duration timeout,
      int patternDepth,
      boolean singleSlot,
      Duration longestLife,
      int breakerFailures,
      Duration breakerOpen,
      TimeSource time,
      Executor executor) {}

  /** What the tier tells its cache. */
  public interface Events {
    /**
     * Another process invalidated something: drop it from L1. Called on a Redis I/O thread: be
     * quick.
     */
    void onInvalidation(Invalidation message);

    /** Invalidations may have been missed (a gap, a reconnect, a recovery): clear L1. */
    void onStateLost(String reason);
  }

  /** The answer to a lease request. */
  public enum Lease {
    /** This process holds the lease and should load. */
    ACQUIRED,
    /** Another process holds it: wait for its value. */
    HELD,
    /** Redis did not answer: load without a lease. */
    UNAVAILABLE
  }

  private final RedisConnector connector;
  private final Options options;
  private final Events events;
  private final String valuePrefix;
  private final String leasePrefix;
  private final RedisCalls calls;
  private final Generations generations;
  private final InvalidationChannel channel;
  private final LongAdder corrupt = new LongAdder();
  private final LongAdder gaps = new LongAdder();
  private final AtomicBoolean corruptLogged = new AtomicBoolean();
  private final LongAdder repaired = new LongAdder();
  private final AtomicBoolean probing = new AtomicBoolean();
  private final AtomicBoolean repairLogged = new AtomicBoolean();
  private final AtomicBoolean unknownFormatLogged = new AtomicBoolean();
  private final PendingRepairs pending = new PendingRepairs();
  private final AtomicBoolean repairing = new AtomicBoolean();
  private final AtomicBoolean repairScheduled = new AtomicBoolean();
  private final AtomicBoolean pendingLogged = new AtomicBoolean();
  private volatile @Nullable Cancellable repairTimer;
  private volatile boolean closed;

  private RedisTier(RedisConnector connector, Options options, Events events) {
    this.connector = connector;
    this.options = options;
    this.events = events;
    String name = options.cacheName();
    KeySpace space = options.keySpace();
    String tagged = space.taggedKey(name, ":");
    String plain = space.child(name).prefix();
    this.valuePrefix = (options.singleSlot() ? tagged : plain) + "v:";
    this.leasePrefix = (options.singleSlot() ? tagged : plain) + "lease:";
    this.calls =
        new RedisCalls(
            name,
            options.timeout(),
            options.breakerFailures(),
            options.breakerOpen(),
            options.time(),
            new CircuitBreaker.Listener() {
              @Override
              public void onOpen() {
                log.warn(
                    "cache '{}': Redis failed {} times in a row; serving from L1 and loaders for {}",
                    name,
                    options.breakerFailures(),
                    options.breakerOpen());
              }

              @Override
              public void onClose() {
                log.info(
                    "cache '{}': Redis answers again; clearing L1 (invalidations may have been missed)",
                    name);
                lostState("Redis recovered");
                repairSoon(0);
              }
            });
    this.generations =
        new Generations(
            valuePrefix, tagged, options.patternDepth(), options.time(), this::readGenerations);
    this.channel =
        new InvalidationChannel(
            connector,
            plain + "events",
            name,
            calls,
            options.time(),
            options.breakerOpen(),
            new InvalidationChannel.Receiver() {
              @Override
              public void onMessage(Invalidation m) {
                if (m.op() != Invalidation.Op.KEYS) {
                  generations.forget(m.prefix());
                }
                events.onInvalidation(m);
              }

              @Override
              public void onStateLost(String reason) {
                lostState(reason);
              }

              @Override
              public void onChannelDown() {
                calls.forgetAnswers();
              }
            });
  }

  /** How long a generation key lives, in milliseconds. */
  private String generationTtlMillis() {
    return Long.toString(options.longestLife().plus(GENERATION_MARGIN).toMillis());
  }

  /**
   * Reads generation keys in one script call; a missing or bad one gets a new generation there.
   * Counts and logs keys that held bad state (repaired by the script).
   */
  private CompletionStage<List<@Nullable String>> readGenerations(List<String> keys) {
    String[] scriptKeys = keys.toArray(new String[keys.size() + 1]);
    scriptKeys[keys.size()] = generations.counterKey();
    return READ_GENERATIONS
        .<List<Object>>execute(connector, ScriptOutputType.MULTI, scriptKeys, generationTtlMillis())
        .thenApply(
            reply -> {
              List<@Nullable String> out = new ArrayList<>(keys.size());
              for (int i = 0; i < keys.size(); i++) {
                out.add(String.valueOf(reply.get(i)));
              }
              Object bad = reply.get(keys.size());
              if (bad instanceof Long n && n > 0) {
                repaired(n, keys);
              }
              return out;
            });
  }

  private void repaired(long n, List<String> keys) {
    repaired.add(n);
    if (repairLogged.compareAndSet(false, true)) {
      log.warn(
          "cache '{}': {} generation key(s) among {} held something other than a number"
              + " (written by hand or by another program?); each was given a new generation, so"
              + " the entries under it are unreachable. Later repairs are only counted.",
          options.cacheName(),
          n,
          keys);
    }
  }

  /**
   * Creates the tier and subscribes to its channel (in the background, retrying, if Redis is down).
   */
  public static RedisTier create(RedisConnector connector, Options options, Events events) {
    Objects.requireNonNull(connector, "connector");
    Objects.requireNonNull(options, "options");
    Objects.requireNonNull(events, "events");
    RedisTier tier = new RedisTier(connector, options, events);
    tier.channel.subscribe();
    tier.logEvictionPolicy();
    return tier;
  }

  /**
   * Reads {@code maxmemory-policy} in the background and logs what it means for this cache; nothing
   * if {@code CONFIG} is disabled or renamed (managed Redis) or Redis is down.
   */
  private void logEvictionPolicy() {
    CompletableFuture<Map<String, String>> f;
    try {
      f = connector.async().configGet("maxmemory-policy").toCompletableFuture();
    } catch (RuntimeException e) {
      return;
    }
    var unused =
        f.whenComplete(
            (config, t) -> {
              String policy = config == null ? null : config.get("maxmemory-policy");
              if (policy == null) {
                log.debug(
                    "cache '{}': could not read maxmemory-policy (CONFIG disabled?); see the README,"
                        + " \"Redis in production\"",
                    options.cacheName());
              } else {
                log.info(
                    "cache '{}': Redis maxmemory-policy is {}: {}",
                    options.cacheName(),
                    policy,
                    describeEvictionPolicy(policy));
              }
            });
  }

  /** What an eviction policy does to a cache, for the start-up log. */
  static String describeEvictionPolicy(String policy) {
    if (policy.equals("noeviction")) {
      return "when memory is full Redis refuses writes (OOM): puts and loads are not stored in L2"
          + " (counted as L2 errors) and invalidatePattern/clear throw CacheInvalidationException;"
          + " prefer allkeys-lru or allkeys-lfu for a Redis used as a cache";
    }
    if (policy.startsWith("allkeys-") || policy.startsWith("volatile-")) {
      return "when memory is full Redis evicts cache keys (every value, lease and generation key"
          + " has a TTL): an evicted value is a miss, an evicted lease lets a second process load,"
          + " an evicted generation gives its prefix a new generation (everything under it misses"
          + " once; nothing invalidated comes back). Fine for a cache";
    }
    return "unknown policy; see the README, \"Redis in production\"";
  }

  // ---------------------------------------------------------------- reads

  /**
   * The value of {@code key}, or null on a miss, a timeout, a failure, a corrupt value or a key
   * whose last change here has not reached Redis yet (pending repair). Waits at most the timeout,
   * on Lettuce's own future (no dependent stage), and decodes on the caller's thread.
   */
  public @Nullable StoredValue get(String key) {
    if (pending.covers(key)) {
      return null;
    }
    String known = valueKeyIfKnown(key);
    if (known == null) {
      return calls.await(getAsync(key), null);
    }
    if (!calls.allow()) {
      return null;
    }
    byte[] bytes;
    try {
      bytes =
          binary().get(known).toCompletableFuture().get(calls.timeoutNanos(), TimeUnit.NANOSECONDS);
      calls.succeeded();
    } catch (TimeoutException e) {
      calls.timedOut();
      return null;
    } catch (ExecutionException e) {
      calls.record(e.getCause() == null ? e : e.getCause());
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    } catch (RuntimeException e) {
      calls.record(e);
      return null;
    }
    return bytes == null ? null : decode(key, bytes);
  }

  /**
   * Like {@link #get(String)} without waiting; the future completes with null on a failure or after
   * the timeout (one timer per call), and records that outcome once.
   */
  public CompletableFuture<@Nullable StoredValue> getAsync(String key) {
    if (pending.covers(key)) {
      return CompletableFuture.completedFuture(null);
    }
    if (!calls.allow()) {
      return CompletableFuture.completedFuture(null);
    }
    String known = valueKeyIfKnown(key);
    CompletableFuture<byte[]> raw;
    try {
      RedisClusterAsyncCommands<String, byte[]> cmd = binary();
      if (known != null) {
        raw = cmd.get(known).toCompletableFuture();
      } else {
        raw = valueKeys(List.of(key)).thenCompose(keys -> cmd.get(keys.get(0)));
      }
    } catch (RuntimeException e) {
      raw = CompletableFuture.failedFuture(e);
    }
    // The timeout is part of this future, so its one outcome (answer, error or timeout) is recorded
    // once; an answer arriving after the timeout is dropped.
    return raw.orTimeout(calls.timeoutNanos(), TimeUnit.NANOSECONDS)
        .handle(
            (bytes, failure) -> {
              calls.record(failure);
              return failure == null && bytes != null ? decode(key, bytes) : null;
            });
  }

  /**
   * The stored values of {@code keys}, in their order, in one {@code MGET} (split per slot on a
   * cluster): each element is null (a miss, a pending repair, a value this reader cannot read) or
   * bytes whose header {@link StoredValue#checkHeader} accepted, to be read in place. All null
   * after a timeout or a failure. Waits at most the timeout.
   */
  public byte[][] getAllStored(List<String> keys) {
    int n = keys.size();
    byte[][] out = new byte[n][];
    List<String> asked = keys;
    int[] at = null;
    if (!pending.coversNothing()) {
      asked = new ArrayList<>(n);
      at = new int[n];
      for (int i = 0; i < n; i++) {
        String k = keys.get(i);
        if (!pending.covers(k)) {
          at[asked.size()] = i;
          asked.add(k);
        }
      }
    }
    if (asked.isEmpty() || !calls.allow()) {
      return out;
    }
    byte[][] values = calls.awaitRecorded(mgetStored(asked));
    if (values == null) {
      return out;
    }
    for (int j = 0; j < values.length; j++) {
      int i = at == null ? j : at[j];
      byte[] bytes = values[j];
      if (bytes != null && checked(keys.get(i), bytes)) {
        out[i] = bytes;
      }
    }
    return out;
  }

  /**
   * The values of {@code keys} in their order (null: none), in one MGET; on a single node through
   * {@link StoredMget}, on a cluster through Lettuce's mget, which splits it per slot.
   */
  private CompletableFuture<byte[][]> mgetStored(List<String> keys) {
    try {
      RedisClusterAsyncCommands<String, byte[]> cmd = binary();
      boolean cluster = connector.topology() == RedisTopology.CLUSTER;
      String prefix = cluster ? null : generations.sharedKeyPrefix(keys);
      if (prefix != null) {
        return cmd.dispatch(
                CommandType.MGET, StoredMget.output(keys.size()), StoredMget.keys(prefix, keys))
            .toCompletableFuture();
      }
      return valueKeys(keys)
          .thenCompose(
              vk ->
                  cluster
                      ? cmd.mget(vk.toArray(String[]::new)).thenApply(RedisTier::valuesOf)
                      : cmd.dispatch(
                          CommandType.MGET, StoredMget.output(vk.size()), StoredMget.keys("", vk)))
          .toCompletableFuture();
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  private static byte[][] valuesOf(List<KeyValue<String, byte[]>> kvs) {
    byte[][] values = new byte[kvs.size()][];
    for (int j = 0; j < values.length; j++) {
      KeyValue<String, byte[]> kv = kvs.get(j);
      values[j] = kv.hasValue() ? kv.getValue() : null;
    }
    return values;
  }

  /**
   * Whether {@code bytes} have a readable header; counts (and for corrupt ones deletes) the rest.
   */
  private boolean checked(String key, byte[] bytes) {
    try {
      StoredValue.checkHeader(bytes);
      return true;
    } catch (StoredValue.UnknownFormatException e) {
      unknownFormat(key, e);
      return false;
    } catch (IllegalArgumentException e) {
      corrupt(key, e);
      return false;
    }
  }

  private @Nullable StoredValue decode(String key, byte[] bytes) {
    try {
      return StoredValue.decode(bytes);
    } catch (StoredValue.UnknownFormatException e) {
      unknownFormat(key, e);
      return null;
    } catch (IllegalArgumentException e) {
      corrupt(key, e);
      return null;
    }
  }

  /**
   * A value of {@code key} has a format version this reader does not know: count it with the
   * undecodable values and log the first one, but leave it. During a rolling upgrade it is a newer
   * (or older) writer's value, and deleting it would make the two versions delete each other's.
   */
  private void unknownFormat(String key, Exception cause) {
    corrupt.increment();
    if (unknownFormatLogged.compareAndSet(false, true)) {
      log.warn(
          "cache '{}': a value in Redis has a format this version does not read (key '{}'); it is read as a miss"
              + " and left in place, later ones are only counted: {}",
          options.cacheName(),
          key,
          cause.getMessage());
    }
  }

  /** A value of {@code key} could not be decoded: delete it, count it, log the first one. */
  public void corrupt(String key, Exception cause) {
    corrupt.increment();
    if (corruptLogged.compareAndSet(false, true)) {
      log.warn(
          "cache '{}': a value in Redis could not be decoded and was deleted (key '{}'); later ones are only counted: {}",
          options.cacheName(),
          key,
          cause.toString());
    }
    // Best effort: if the delete fails the value is undecodable again next time, and counted again.
    var unused = delete(List.of(key), false);
  }

  // ---------------------------------------------------------------- writes

  /**
   * Stores values (null: delete the key, for values too large for L2) and, if {@code publish},
   * tells other processes to drop these keys from L1 once Redis has them. Never fails. A published
   * write (a put) that Redis did not take, or whose message it did not take, is remembered and
   * repaired when Redis answers again (see {@link #unconfirmed}).
   */
  public CompletableFuture<Void> write(Map<String, @Nullable StoredValue> values, boolean publish) {
    return write(values, publish, () -> {});
  }

  /**
   * Like {@link #write(Map, boolean)}, running {@code local} (the cache's L1 change) after the keys
   * are marked as being changed and before anything is sent: a read that starts after {@code local}
   * then cannot take the old L2 value into L1 before Redis has the new one (the L1's epochs stop
   * reads that started before).
   */
  public CompletableFuture<Void> write(
      Map<String, @Nullable StoredValue> values, boolean publish, Runnable local) {
    if (values.isEmpty()) {
      local.run();
      return CompletableFuture.completedFuture(null);
    }
    long since = pending.now();
    List<String> keys = new ArrayList<>(values.keySet());
    applyLocally(keys, publish, local);
    CompletableFuture<Boolean> stored;
    if (!calls.allow()) {
      stored = CompletableFuture.completedFuture(false);
    } else {
      CompletableFuture<Void> sent;
      try {
        RedisClusterAsyncCommands<String, byte[]> cmd = binary();
        sent =
            valueKeys(keys)
                .thenCompose(
                    valueKeys -> {
                      long now = options.time().currentTimeMillis();
                      List<CompletableFuture<?>> commands = new ArrayList<>(keys.size());
                      List<String> deletes = new ArrayList<>();
                      for (int i = 0; i < keys.size(); i++) {
                        StoredValue v = values.get(keys.get(i));
                        long px = v == null ? 0 : v.hardUntilMillis() - now;
                        if (v == null || px <= 0) {
                          deletes.add(valueKeys.get(i));
                        } else {
                          commands.add(
                              cmd.set(valueKeys.get(i), v.encode(), SetArgs.Builder.px(px))
                                  .toCompletableFuture());
                        }
                      }
                      if (!deletes.isEmpty()) {
                        commands.add(cmd.del(deletes.toArray(String[]::new)).toCompletableFuture());
                      }
                      return CompletableFuture.allOf(commands.toArray(CompletableFuture[]::new));
                    });
      } catch (RuntimeException e) {
        sent = CompletableFuture.failedFuture(e);
      }
      stored =
          sent.handle(
              (r, t) -> {
                calls.record(t);
                return t == null;
              });
    }
    return publish ? publishAndSettle(stored, keys, since) : stored.thenApply(x -> null);
  }

  /**
   * After a change of {@code keys} in L2 ({@code done}: whether Redis took it), publishes it; if
   * either did not happen, remembers the keys for a repair, else settles earlier pending changes.
   * The keys were announced as {@link PendingRepairs#sending}; they are released here, after a
   * failure is remembered, so no read takes their old L2 value in between.
   */
  private CompletableFuture<Void> publishAndSettle(
      CompletableFuture<Boolean> done, List<String> keys, long since) {
    return done.thenCompose(
        changed -> {
          if (!changed) {
            unconfirmed(keys);
          }
          return channel
              .publishKeys(keys)
              .handle(
                  (sent, t) -> {
                    if (changed && Boolean.TRUE.equals(sent)) {
                      pending.settledKeys(keys, since);
                    } else if (changed) {
                      unconfirmed(keys);
                    }
                    pending.sent(keys);
                    return null;
                  });
        });
  }

  /**
   * Stores values a read-through load produced (null: delete, for values too large for L2), each
   * unless its key holds a fresh value by then: that was written after the load read L2 (another
   * process's put, say, whose message has not arrived yet) and must not be replaced by what the
   * loader read before it. One script call per key, sent together (one round trip). Publishes
   * nothing: a loaded value changes nothing other processes hold. Never fails.
   */
  public CompletableFuture<Void> writeLoaded(Map<String, @Nullable StoredValue> values) {
    if (values.isEmpty() || !calls.allow()) {
      return CompletableFuture.completedFuture(null);
    }
    List<String> keys = new ArrayList<>(values.keySet());
    CompletableFuture<Void> sent;
    try {
      RedisClusterAsyncCommands<String, byte[]> cmd = binary();
      sent =
          valueKeys(keys)
              .thenCompose(
                  valueKeys -> {
                    long now = options.time().currentTimeMillis();
                    byte[] nowArg = Long.toString(now).getBytes(StandardCharsets.US_ASCII);
                    List<CompletableFuture<?>> commands = new ArrayList<>(keys.size());
                    for (int i = 0; i < keys.size(); i++) {
                      StoredValue v = values.get(keys.get(i));
                      long px = v == null ? 0 : v.hardUntilMillis() - now;
                      byte[] value = v == null || px <= 0 ? NOTHING : v.encode();
                      byte[] pxArg =
                          Long.toString(Math.max(1, px)).getBytes(StandardCharsets.US_ASCII);
                      commands.add(
                          STORE_LOADED.<byte[], Long>execute(
                              cmd,
                              ScriptOutputType.INTEGER,
                              new String[] {valueKeys.get(i)},
                              new byte[][] {value, pxArg, nowArg}));
                    }
                    return CompletableFuture.allOf(commands.toArray(CompletableFuture[]::new));
                  });
    } catch (RuntimeException e) {
      sent = CompletableFuture.failedFuture(e);
    }
    return sent.handle(
        (r, t) -> {
          calls.record(t);
          return null;
        });
  }

  /**
   * Deletes {@code keys} from Redis and, if {@code publish}, tells other processes. Never fails. A
   * published delete (an invalidation) that Redis did not take is remembered and repaired when
   * Redis answers again.
   */
  public CompletableFuture<Void> delete(Collection<String> keys, boolean publish) {
    return delete(keys, publish, () -> {});
  }

  /**
   * Marks {@code keys} as in flight (when the change is published) before running the local (L1)
   * change, so a concurrent read cannot take the old L2 value into L1 in between; undoes the mark
   * if the local change throws.
   */
  private void applyLocally(List<String> keys, boolean publish, Runnable local) {
    if (publish) {
      pending.sending(keys);
    }
    try {
      local.run();
    } catch (RuntimeException | Error e) {
      if (publish) {
        pending.sent(keys);
      }
      throw e;
    }
  }

  /**
   * Like {@link #delete(Collection, boolean)}, running {@code local} (the cache's L1 drop) after
   * the keys are marked as being changed and before the DEL is sent (see {@link #write(Map,
   * boolean, Runnable)}).
   */
  public CompletableFuture<Void> delete(Collection<String> keys, boolean publish, Runnable local) {
    if (keys.isEmpty()) {
      local.run();
      return CompletableFuture.completedFuture(null);
    }
    long since = pending.now();
    List<String> list = List.copyOf(keys);
    applyLocally(list, publish, local);
    CompletableFuture<Boolean> deleted = sendDelete(list);
    return publish ? publishAndSettle(deleted, list, since) : deleted.thenApply(x -> null);
  }

  /** DEL of the value keys of {@code list}; true if Redis answered. Never fails. */
  private CompletableFuture<Boolean> sendDelete(List<String> list) {
    CompletableFuture<Boolean> deleted;
    if (!calls.allow()) {
      deleted = CompletableFuture.completedFuture(false);
    } else {
      CompletableFuture<Long> sent;
      try {
        RedisClusterAsyncCommands<String, byte[]> cmd = binary();
        sent = valueKeys(list).thenCompose(vk -> cmd.del(vk.toArray(String[]::new)));
      } catch (RuntimeException e) {
        sent = CompletableFuture.failedFuture(e);
      }
      deleted =
          sent.handle(
              (r, t) -> {
                calls.record(t);
                return t == null;
              });
    }
    return deleted;
  }

  /**
   * Gives {@code prefix} ("" for the whole cache) a new generation and tells other processes. While
   * Redis is unreachable the bump is skipped and the future completes normally (the outage
   * fallback): the prefix is remembered and bumped when Redis answers again. When Redis answers the
   * bump with an error reply (OOM, a script error) the message is still published (other processes
   * drop their L1 entries) and the future then fails with that error: the invalidation did not
   * happen in L2.
   */
  public CompletableFuture<Void> invalidatePrefix(String prefix) {
    long since = pending.now();
    return bumpAndPublish(prefix)
        .thenCompose(
            outcome -> {
              if (outcome.refused() != null) {
                return CompletableFuture.<Void>failedFuture(outcome.refused());
              }
              if (outcome.done()) {
                pending.settledPrefix(prefix, since);
              } else {
                unconfirmedPrefix(prefix);
              }
              return CompletableFuture.<Void>completedFuture(null);
            });
  }

  /**
   * The outcome of a generation bump and its message.
   *
   * @param done whether both reached Redis
   * @param refused the error Redis answered the bump with, if it did
   */
  private record Bumped(boolean done, @Nullable Throwable refused) {}

  private CompletableFuture<Bumped> bumpAndPublish(String prefix) {
    long epoch = generations.forget(prefix);
    CompletableFuture<Bumped> bumped;
    if (!calls.allow()) {
      bumped = CompletableFuture.completedFuture(new Bumped(false, null));
    } else {
      bumped =
          BUMP.<Long>execute(
                  connector,
                  ScriptOutputType.INTEGER,
                  new String[] {generations.counterKey(), generations.generationKey(prefix)},
                  generationTtlMillis())
              .handle(
                  (g, t) -> {
                    calls.record(t);
                    if (g != null) {
                      generations.bumped(prefix, epoch, g);
                    }
                    Throwable cause = t == null ? null : Failures.unwrap(t);
                    if (cause == null) {
                      return new Bumped(true, null);
                    }
                    boolean unavailable =
                        RedisConnector.isUnavailability(cause) || cause instanceof TimeoutException;
                    return new Bumped(false, unavailable ? null : cause);
                  });
    }
    Invalidation.Op op = prefix.isEmpty() ? Invalidation.Op.CLEAR : Invalidation.Op.PREFIX;
    return bumped.thenCompose(
        b ->
            channel
                .publish(op, List.of(), prefix)
                .thenApply(sent -> sent ? b : new Bumped(false, b.refused())));
  }

  // ---------------------------------------------------------------- repairs

  /*
   * A change that did not reach Redis (a put or an invalidation refused by the breaker, failed,
   * timed out, or not confirmed before its caller stopped waiting) is remembered in `pending`:
   * this process stops reading those keys from L2, and a repair deletes their L2 values (or bumps
   * the generation of a prefix, or of the whole cache when too much is pending) and publishes the
   * invalidation. Repairs run one at a time on the cache's executor: right after the breaker
   * closes, and every breakerOpen while something is pending (so a Cluster whose other nodes
   * answer all along, and whose breaker therefore never opened, is repaired too, once the slots'
   * new master answers).
   */

  /**
   * Remembers that a change of {@code keys} may not have reached Redis (or other processes): this
   * process reads none of them from L2 until a repair has deleted their L2 values and published
   * their invalidation.
   */
  private void unconfirmed(Collection<String> keys) {
    if (keys.isEmpty()) {
      return;
    }
    pending.addKeys(keys);
    pendingNoted();
  }

  /** Like {@link #unconfirmed} for the generation bump of {@code prefix} ("" for the cache). */
  private void unconfirmedPrefix(String prefix) {
    pending.addPrefix(prefix);
    pendingNoted();
  }

  private void pendingNoted() {
    if (pendingLogged.compareAndSet(false, true)) {
      log.warn(
          "cache '{}': a change did not reach Redis; this process reads the keys involved from its"
              + " loaders and repairs Redis (deletes them there, tells other processes) when it"
              + " answers again. Later ones are not logged",
          options.cacheName());
    }
    repairSoon(options.breakerOpen().toNanos());
  }

  /** Schedules a repair in {@code delayNanos} unless one is scheduled already. */
  private void repairSoon(long delayNanos) {
    if (closed || pending.isEmpty()) {
      return;
    }
    if (delayNanos > 0 && !repairScheduled.compareAndSet(false, true)) {
      return;
    }
    repairTimer =
        options
            .time()
            .schedule(
                () -> {
                  if (delayNanos > 0) {
                    repairScheduled.set(false);
                  }
                  try {
                    options.executor().execute(this::startRepair);
                  } catch (RejectedExecutionException e) {
                    startRepair();
                  }
                },
                delayNanos);
  }

  private void startRepair() {
    // Nothing waits for it: the repair records its commands' outcomes and reschedules itself.
    var unused = repair();
  }

  /**
   * Deletes the L2 values of pending keys, bumps pending prefixes, publishes both; settles what
   * went through and tries again later for the rest. Never blocks.
   */
  CompletableFuture<Void> repair() {
    if (closed || pending.isEmpty() || !repairing.compareAndSet(false, true)) {
      return CompletableFuture.completedFuture(null);
    }
    CompletableFuture<Void> done;
    try {
      PendingRepairs.Snapshot todo = pending.snapshot();
      done = repair(todo);
    } catch (RuntimeException e) {
      calls.record(e);
      done = CompletableFuture.completedFuture(null);
    }
    return done.whenComplete(
        (r, t) -> {
          repairing.set(false);
          repairSoon(options.breakerOpen().toNanos());
        });
  }

  private CompletableFuture<Void> repair(PendingRepairs.Snapshot todo) {
    // Each command asks the breaker: while it is open nothing is sent; after its open time this
    // repair may be the probe that closes it.
    if (todo.isEmpty()) {
      return CompletableFuture.completedFuture(null);
    }
    if (todo.everything()) {
      return bumpAndPublish("")
          .thenAccept(
              b -> {
                if (b.done()) {
                  pending.settledPrefix("", todo.upTo());
                }
              });
    }
    List<CompletableFuture<?>> parts = new ArrayList<>();
    for (String prefix : todo.prefixes()) {
      parts.add(
          bumpAndPublish(prefix)
              .thenAccept(
                  b -> {
                    if (b.done()) {
                      pending.settledPrefix(prefix, todo.upTo());
                    }
                  }));
    }
    if (!todo.keys().isEmpty()) {
      List<String> keys = todo.keys();
      parts.add(
          sendDelete(keys)
              .thenCompose(
                  deleted ->
                      deleted
                          ? channel.publishKeys(keys)
                          : CompletableFuture.completedFuture(false))
              .thenAccept(
                  ok -> {
                    if (ok) {
                      pending.settledKeys(keys, todo.upTo());
                    }
                  }));
    }
    return CompletableFuture.allOf(parts.toArray(CompletableFuture[]::new));
  }

  /** Keys and prefixes whose change has not reached Redis yet. */
  public int pendingRepairs() {
    return pending.size();
  }

  // ---------------------------------------------------------------- lease

  /**
   * Tries to take the stampede lease of {@code key} for {@code leaseTime} with {@code token}; waits
   * at most the timeout.
   */
  public Lease tryLease(String key, String token, Duration leaseTime) {
    if (!calls.allow()) {
      return Lease.UNAVAILABLE;
    }
    CompletableFuture<String> f;
    try {
      f =
          connector
              .async()
              .set(leasePrefix + key, token, SetArgs.Builder.nx().px(leaseTime.toMillis()))
              .toCompletableFuture();
    } catch (RuntimeException e) {
      f = CompletableFuture.failedFuture(e);
    }
    Object[] answer = new Object[1];
    boolean ok = calls.awaitInto(f, answer);
    if (!ok) {
      return Lease.UNAVAILABLE;
    }
    return "OK".equals(answer[0]) ? Lease.ACQUIRED : Lease.HELD;
  }

  /**
   * Releases the lease if {@code token} still holds it (compare and delete, one Lua call). Call it
   * after the {@link #write} of the loaded value has completed: it goes over another connection, so
   * released earlier it could reach Redis before the value and send waiting processes to their
   * loaders.
   */
  public void releaseLease(String key, String token) {
    // The outcome only feeds the breaker: an unreleased lease expires by its own TTL.
    var unused =
        RELEASE
            .<Long>execute(
                connector, ScriptOutputType.INTEGER, new String[] {leasePrefix + key}, token)
            .whenComplete((r, t) -> calls.record(t));
  }

  /**
   * Polls L2 for {@code key} while another process holds its lease, until a value appears, the
   * lease is gone, or {@code maxWait} has passed (real time: this waits on another process). Each
   * poll reads the value and the lease in one round trip; polls are 5 ms apart, growing to 50.
   *
   * @return the value that appeared, or null if the caller should load itself
   */
  public @Nullable StoredValue awaitValue(String key, Duration maxWait) {
    if (pending.covers(key)) {
      return null;
    }
    long deadline = System.nanoTime() + maxWait.toNanos();
    long pause = TimeUnit.MILLISECONDS.toNanos(5);
    while (true) {
      CompletableFuture<@Nullable StoredValue> value = getAsync(key);
      CompletableFuture<Long> lease;
      try {
        lease = connector.async().exists(leasePrefix + key).toCompletableFuture();
      } catch (RuntimeException e) {
        lease = CompletableFuture.failedFuture(e);
      }
      StoredValue v = calls.await(value, null);
      if (v != null) {
        return v;
      }
      Long held = calls.awaitRecorded(lease);
      if (held == null || held == 0) {
        return null;
      }
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return null;
      }
      LockSupport.parkNanos(Math.min(pause, left));
      if (Thread.interrupted()) {
        Thread.currentThread().interrupt();
        return null;
      }
      pause = Math.min(pause * 2, TimeUnit.MILLISECONDS.toNanos(50));
    }
  }

  // ---------------------------------------------------------------- lost state

  private void lostState(String reason) {
    gaps.increment();
    generations.forgetAll();
    events.onStateLost(reason);
  }

  /**
   * The shared binary connection's commands. Call it on the caller's thread, never in a stage that
   * may run on a Redis I/O thread (after a generation fetch, say): the first call opens the
   * connection, and on a Cluster waits for its connections to the masters, so made on an event loop
   * it would block the very loop those connections need and time out every command behind it.
   */
  private RedisClusterAsyncCommands<String, byte[]> binary() {
    return connector.binaryAsync();
  }

  private @Nullable String valueKeyIfKnown(String key) {
    return generations.valueKeyIfKnown(key);
  }

  private CompletableFuture<List<String>> valueKeys(List<String> keys) {
    return generations.valueKeys(keys);
  }

  // ---------------------------------------------------------------- state

  /** UP while the breaker is closed and the channel subscribed, else DEGRADED. */
  public HealthStatus status() {
    return available() && channel.subscribed() ? HealthStatus.UP : HealthStatus.DEGRADED;
  }

  /**
   * Details for the cache's health: the Redis URL, the breaker, the subscription, and an open
   * outage.
   */
  public Map<String, Object> details() {
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("redis", connector.url());
    d.put("breaker", calls.breakerState().name());
    d.put("subscribed", channel.subscribed());
    long bad = repaired.sum();
    if (bad > 0) {
      d.put("generationsRepaired", bad);
    }
    int unrepaired = pending.size();
    if (unrepaired > 0) {
      d.put("pendingRepairs", unrepaired);
    }
    calls.addTo(d);
    return d;
  }

  /**
   * Whether entries in L1 may be served: yes while the invalidation channel is subscribed (every
   * change reaches L1), and while Redis is known to be down (the breaker is not closed: L1 is the
   * promised fallback, and the breaker's recovery clears it). No while Redis answers commands but
   * the channel is down (a reconnect backoff after an outage, a killed pub/sub connection): other
   * processes' changes would not reach L1, so reads go to L2 until the re-subscription, which
   * clears L1. A handful of volatile reads.
   */
  public boolean l1Trusted() {
    if (channel.subscribed() || !available()) {
      return true;
    }
    if (calls.answeredSinceChannelDown()) {
      return false;
    }
    // No sign yet that Redis is back: keep serving L1 (the outage fallback), and ask.
    probe();
    return true;
  }

  /** One PING at a time, to learn whether Redis answers while the channel is down. */
  private void probe() {
    if (!probing.compareAndSet(false, true)) {
      return;
    }
    CompletableFuture<String> ping;
    try {
      ping = connector.async().ping().toCompletableFuture();
    } catch (RuntimeException e) {
      ping = CompletableFuture.failedFuture(e);
    }
    // The outcome feeds the breaker and the answered flag; nothing waits for it.
    var unused =
        ping.orTimeout(calls.timeoutNanos(), TimeUnit.NANOSECONDS)
            .whenComplete(
                (r, t) -> {
                  calls.record(t);
                  probing.set(false);
                });
  }

  /** Whether the breaker lets commands through (closed). */
  public boolean available() {
    return calls.breakerState() == CircuitBreaker.State.CLOSED;
  }

  /** The breaker's state. */
  public CircuitBreaker.State breakerState() {
    return calls.breakerState();
  }

  /**
   * Whether the invalidation channel is subscribed now (false while its connection is down or the
   * re-subscription is not confirmed yet).
   */
  public boolean subscribed() {
    return channel.subscribed();
  }

  /** The pub/sub channel of this cache. */
  public String channel() {
    return channel.name();
  }

  /** The Redis key a user key has now, for tests and diagnostics; reads generations if needed. */
  public String redisKey(String key) {
    return valueKeys(List.of(key)).join().get(0);
  }

  /** L2 commands that failed or timed out. */
  public long errors() {
    return calls.errors();
  }

  /** L2 commands not sent because the breaker was open. */
  public long skipped() {
    return calls.skipped();
  }

  /**
   * Values that could not be decoded: corrupt ones (deleted) and ones of an unknown format version
   * (left).
   */
  public long corrupt() {
    return corrupt.sum();
  }

  /** Invalidation messages published. */
  public long sent() {
    return channel.sent();
  }

  /** Invalidation messages received from other processes. */
  public long received() {
    return channel.received();
  }

  /** Times local state was reported lost. */
  public long gaps() {
    return gaps.sum();
  }

  /**
   * Tries once more to repair what is pending (waiting at most the timeout), then unsubscribes; the
   * connector stays open.
   */
  @Override
  public void close() {
    if (!pending.isEmpty() && available()) {
      var unused = calls.await(repair(), null);
    }
    closed = true;
    Cancellable t = repairTimer;
    if (t != null) {
      t.cancel();
    }
    channel.close();
  }

  @Override
  public String toString() {
    return "RedisTier[" + options.cacheName() + " on " + connector.url() + "]";
  }
}
