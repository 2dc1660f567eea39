package dev.headroom.cache.redis;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.headroom.core.health.HealthStatus;
import dev.headroom.core.key.KeySpace;
import dev.headroom.core.redis.RedisConnector;
import dev.headroom.core.redis.RedisScript;
import dev.headroom.core.time.TimeSource;
import io.lettuce.core.KeyValue;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/*
 * The Redis side of one cache: values, generations, invalidation messages, circuit breaker, lease.
 *
 * Key layout, for a cache "users" in key space "app:cache:" (K = the user's key):
 *   app:cache:users:v:<g>:K           the value (header + codec bytes), PX = its hard expiry
 *   app:cache:{users}:gen:<prefix>    generation of a key prefix ("" = the whole cache)
 *   app:cache:{users}:genseq          the counter generations are drawn from
 *   app:cache:users:lease:K           stampede lease (token), PX = lease time
 *   channel app:cache:users:events    invalidation messages
 * With singleSlot the value and lease keys carry the {users} tag too, so all keys share one slot.
 *
 * Pattern invalidation without KEYS or SCAN (generations): <g> lists the generation of the whole
 * cache, then of each leading segment prefix of K up to the pattern depth ("user:", "user:42:"),
 * in base 36 joined by '.'. invalidatePattern("user:42:*") gives "user:42:" a new generation (one
 * Lua call: INCR the counter, SET the generation key); from then on every process computes other
 * Redis keys for all keys under that prefix, so the old entries are unreachable and expire by
 * their TTL. clear() does the same for the prefix "". O(1) in Redis whatever the number of keys.
 * A generation key lives as long as the longest entry may (then it reads 0 again; since numbers
 * come from one counter they are never reused, so entries of an expired generation stay orphaned).
 *
 * Generations are read from a small local map, so an L2 read is one GET; a prefix not in the map
 * costs one MGET of generation keys first (they share a hash tag: one slot, one round trip).
 * A process learns of another's bump through the invalidation message, drops its cached
 * generation, and re-reads it. An epoch counter, bumped before every drop and checked atomically
 * when a fetched generation is installed, keeps a fetch that raced with a bump from installing
 * the old number. The map also forgets entries a minute after they were fetched, as a safety net
 * against a missed message; so a prefix in use costs one extra MGET about once a minute.
 *
 * Cross-process invalidation (pub/sub rather than client-side tracking): tracking needs RESP3 and
 * a per-connection redirect on every node, is not supported through Lettuce's cluster client, and
 * cannot express "every key under a prefix" or "clear" without broadcasting anyway. A channel per
 * cache carries messages "1|publisher|sequence|op|body". The publisher numbers every message it
 * tries to send (under a lock, so numbers go out in order on the one connection); a receiver
 * ignores its own messages, and when a publisher's number skips (a message was lost because Redis
 * was down for the publisher) it reports lost state, and the cache clears its L1. The same happens
 * when the subscription is re-established after a disconnect (messages sent meanwhile are lost)
 * and when the circuit breaker closes after an outage.
 *
 * Failures: every command first asks the circuit breaker; a refused command counts as skipped and
 * reads as a miss. Only unavailability (RedisConnector.isUnavailability) counts as a breaker
 * failure; an error reply is an L2 error and a miss, but Redis is there, so the breaker stays. Synchronous reads wait on the caller's thread for at most the L2 timeout (no
 * timer per call); getAsync times out by itself (a timer per call). Either way a late answer is a
 * miss and one breaker failure, and the answer itself, when it comes, is not recorded again. Nothing here throws because of
 * Redis: failures are counted and read as misses or skipped writes.
 */

/**
 * The Redis tier of one two-level cache: values with a header ({@link StoredValue}), generations
 * for O(1) pattern invalidation and clear, invalidation messages on a pub/sub channel, a circuit
 * breaker and the stampede lease. Used by {@link dev.headroom.cache.Caches#redis}; methods
 * never throw because of Redis. Thread-safe.
 */
public final class RedisTier implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(RedisTier.class);
  private static final RedisScript BUMP = RedisScript.fromClasspath(RedisTier.class, "bump_generation.lua");
  private static final RedisScript RELEASE = RedisScript.fromClasspath(RedisTier.class, "release_lease.lua");
  private static final int MAX_KEYS_PER_MESSAGE = 1000;

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
   */
  public record Options(String cacheName, KeySpace keySpace, Duration timeout, int patternDepth, boolean singleSlot,
      Duration longestLife, int breakerFailures, Duration breakerOpen, TimeSource time) {}

  /** What the tier tells its cache. */
  public interface Events {
    /** Another process invalidated something: drop it from L1. Called on a Redis I/O thread: be quick. */
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
  private final String genPrefix;
  private final String genSeqKey;
  private final String channel;
  private final long timeoutNanos;
  private final String publisherId = UUID.randomUUID().toString();
  private final Object publishLock = new Object();
  private long sequence;
  private final Cache<String, Long> generations;
  private final AtomicLong generationEpoch = new AtomicLong();
  private final Cache<String, Long> lastSequence;
  private final CircuitBreaker breaker;
  private final LongAdder errors = new LongAdder();
  private final LongAdder skipped = new LongAdder();
  private final LongAdder corrupt = new LongAdder();
  private final LongAdder sent = new LongAdder();
  private final LongAdder received = new LongAdder();
  private final LongAdder gaps = new LongAdder();
  private final AtomicBoolean corruptLogged = new AtomicBoolean();
  private final AtomicBoolean unknownFormatLogged = new AtomicBoolean();
  private final AtomicInteger subscriptions = new AtomicInteger();
  private volatile @Nullable String lastError;
  private volatile @Nullable StatefulRedisPubSubConnection<String, String> pubsub;
  private volatile @Nullable ScheduledFuture<?> retry;
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
    this.genPrefix = tagged + "gen:";
    this.genSeqKey = tagged + "genseq";
    this.channel = plain + "events";
    this.timeoutNanos = options.timeout().toNanos();
    this.generations = Caffeine.newBuilder().maximumSize(100_000).expireAfterWrite(Duration.ofMinutes(1))
        .ticker(options.time()::nanoTime).build();
    this.lastSequence = Caffeine.newBuilder().maximumSize(10_000).expireAfterAccess(Duration.ofHours(1)).build();
    this.breaker = new CircuitBreaker(options.breakerFailures(), options.breakerOpen().toNanos(), options.time(),
        new CircuitBreaker.Listener() {
          @Override
          public void onOpen() {
            log.warn("cache '{}': Redis failed {} times in a row; serving from L1 and loaders for {}",
                name, options.breakerFailures(), options.breakerOpen());
          }

          @Override
          public void onClose() {
            log.info("cache '{}': Redis answers again; clearing L1 (invalidations may have been missed)", name);
            lostState("Redis recovered");
          }
        });
  }

  /** Creates the tier and subscribes to its channel (in the background, retrying, if Redis is down). */
  public static RedisTier create(RedisConnector connector, Options options, Events events) {
    Objects.requireNonNull(connector, "connector");
    Objects.requireNonNull(options, "options");
    Objects.requireNonNull(events, "events");
    RedisTier tier = new RedisTier(connector, options, events);
    tier.subscribe();
    return tier;
  }

  // ---------------------------------------------------------------- reads

  /**
   * The value of {@code key}, or null on a miss, a timeout, a failure or a corrupt value. Waits at
   * most the timeout, on Lettuce's own future (no dependent stage), and decodes on the caller's thread.
   */
  public @Nullable StoredValue get(String key) {
    String known = valueKeyIfKnown(key);
    if (known == null) {
      return await(getAsync(key), null);
    }
    if (!breaker.allow()) {
      skipped.increment();
      return null;
    }
    byte[] bytes;
    try {
      bytes = binary().get(known).toCompletableFuture().get(timeoutNanos, TimeUnit.NANOSECONDS);
      breaker.onSuccess();
    } catch (TimeoutException e) {
      timedOut();
      return null;
    } catch (ExecutionException e) {
      record(e.getCause() == null ? e : e.getCause());
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    } catch (RuntimeException e) {
      record(e);
      return null;
    }
    return bytes == null ? null : decode(key, bytes);
  }

  /**
   * Like {@link #get(String)} without waiting; the future completes with null on a failure or after
   * the timeout (one timer per call), and records that outcome once.
   */
  public CompletableFuture<@Nullable StoredValue> getAsync(String key) {
    if (!breaker.allow()) {
      skipped.increment();
      return CompletableFuture.completedFuture(null);
    }
    String known = valueKeyIfKnown(key);
    CompletableFuture<byte[]> raw;
    try {
      if (known != null) {
        raw = binary().get(known).toCompletableFuture();
      } else {
        raw = valueKeys(List.of(key)).thenCompose(keys -> binary().get(keys.get(0)));
      }
    } catch (RuntimeException e) {
      raw = CompletableFuture.failedFuture(e);
    }
    // The timeout is part of this future, so its one outcome (answer, error or timeout) is recorded
    // once; an answer arriving after the timeout is dropped.
    return raw.orTimeout(timeoutNanos, TimeUnit.NANOSECONDS).handle((bytes, failure) -> {
      record(failure);
      return failure == null && bytes != null ? decode(key, bytes) : null;
    });
  }

  /** The values present for {@code keys}, by key, in one {@code MGET} (split per slot on a cluster). Waits at most the timeout. */
  public Map<String, StoredValue> getAll(List<String> keys) {
    if (keys.isEmpty()) {
      return Map.of();
    }
    if (!breaker.allow()) {
      skipped.increment();
      return Map.of();
    }
    CompletableFuture<List<KeyValue<String, byte[]>>> f;
    try {
      CompletableFuture<List<String>> valueKeys = valueKeys(keys);
      f = valueKeys.isDone() && !valueKeys.isCompletedExceptionally()
          ? binary().mget(valueKeys.join().toArray(String[]::new)).toCompletableFuture()
          : valueKeys.thenCompose(vk -> binary().mget(vk.toArray(String[]::new))).toCompletableFuture();
    } catch (RuntimeException e) {
      f = CompletableFuture.failedFuture(e);
    }
    List<KeyValue<String, byte[]>> kvs = awaitRecorded(f);
    if (kvs == null) {
      return Map.of();
    }
    Map<String, StoredValue> out = new HashMap<>();
    int i = 0;
    for (KeyValue<String, byte[]> kv : kvs) {
      String key = keys.get(i++);
      if (kv.hasValue()) {
        StoredValue v = decode(key, kv.getValue());
        if (v != null) {
          out.put(key, v);
        }
      }
    }
    return out;
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
      log.warn("cache '{}': a value in Redis has a format this version does not read (key '{}'); it is read as a miss"
          + " and left in place, later ones are only counted: {}", options.cacheName(), key, cause.getMessage());
    }
  }

  /** A value of {@code key} could not be decoded: delete it, count it, log the first one. */
  public void corrupt(String key, Exception cause) {
    corrupt.increment();
    if (corruptLogged.compareAndSet(false, true)) {
      log.warn("cache '{}': a value in Redis could not be decoded and was deleted (key '{}'); later ones are only counted: {}",
          options.cacheName(), key, cause.toString());
    }
    delete(List.of(key), false);
  }

  // ---------------------------------------------------------------- writes

  /**
   * Stores values (null: delete the key, for values too large for L2) and, if {@code publish},
   * tells other processes to drop these keys from L1 once Redis has them. Never fails.
   */
  public CompletableFuture<Void> write(Map<String, @Nullable StoredValue> values, boolean publish) {
    if (values.isEmpty()) {
      return CompletableFuture.completedFuture(null);
    }
    List<String> keys = new ArrayList<>(values.keySet());
    CompletableFuture<Void> stored;
    if (!breaker.allow()) {
      skipped.increment();
      stored = CompletableFuture.completedFuture(null);
    } else {
      stored = valueKeys(keys).thenCompose(valueKeys -> {
        long now = options.time().currentTimeMillis();
        List<CompletableFuture<?>> commands = new ArrayList<>(keys.size());
        List<String> deletes = new ArrayList<>();
        RedisClusterAsyncCommands<String, byte[]> cmd = binary();
        for (int i = 0; i < keys.size(); i++) {
          StoredValue v = values.get(keys.get(i));
          long px = v == null ? 0 : v.hardUntilMillis() - now;
          if (px <= 0) {
            deletes.add(valueKeys.get(i));
          } else {
            commands.add(cmd.set(valueKeys.get(i), v.encode(), SetArgs.Builder.px(px)).toCompletableFuture());
          }
        }
        if (!deletes.isEmpty()) {
          commands.add(cmd.del(deletes.toArray(String[]::new)).toCompletableFuture());
        }
        return CompletableFuture.allOf(commands.toArray(CompletableFuture[]::new));
      }).handle((r, t) -> {
        record(t);
        return null;
      });
    }
    return publish ? stored.thenCompose(x -> publishKeys(keys)) : stored;
  }

  /** Deletes {@code keys} from Redis and, if {@code publish}, tells other processes. Never fails. */
  public CompletableFuture<Void> delete(Collection<String> keys, boolean publish) {
    if (keys.isEmpty()) {
      return CompletableFuture.completedFuture(null);
    }
    List<String> list = List.copyOf(keys);
    CompletableFuture<Void> deleted;
    if (!breaker.allow()) {
      skipped.increment();
      deleted = CompletableFuture.completedFuture(null);
    } else {
      deleted = valueKeys(list).thenCompose(vk -> binary().del(vk.toArray(String[]::new)))
          .handle((r, t) -> {
            record(t);
            return null;
          });
    }
    return publish ? deleted.thenCompose(x -> publishKeys(list)) : deleted;
  }

  /** Gives {@code prefix} ("" for the whole cache) a new generation and tells other processes. Never fails. */
  public CompletableFuture<Void> invalidatePrefix(String prefix) {
    long epoch = generationEpoch.incrementAndGet();
    generations.invalidate(prefix);
    CompletableFuture<Void> bumped;
    if (!breaker.allow()) {
      skipped.increment();
      bumped = CompletableFuture.completedFuture(null);
    } else {
      bumped = BUMP.<Long>execute(connector, ScriptOutputType.INTEGER, new String[] {genSeqKey, genPrefix + prefix},
          Long.toString(Math.max(1, options.longestLife().toMillis())))
          .handle((g, t) -> {
            record(t);
            if (g != null) {
              // Installed only if no other bump was learned since ours (a message or lost state
              // moves the epoch): that one may be newer than this reply. Same guard as valueKeys.
              generations.asMap().compute(prefix, (k, old) -> generationEpoch.get() == epoch ? g : old);
            }
            return null;
          });
    }
    Invalidation.Op op = prefix.isEmpty() ? Invalidation.Op.CLEAR : Invalidation.Op.PREFIX;
    return bumped.thenCompose(x -> publish(op, List.of(), prefix));
  }

  // ---------------------------------------------------------------- lease

  /** Tries to take the stampede lease of {@code key} for {@code leaseTime} with {@code token}; waits at most the timeout. */
  public Lease tryLease(String key, String token, Duration leaseTime) {
    if (!breaker.allow()) {
      skipped.increment();
      return Lease.UNAVAILABLE;
    }
    CompletableFuture<String> f;
    try {
      f = connector.async().set(leasePrefix + key, token, SetArgs.Builder.nx().px(leaseTime.toMillis()))
          .toCompletableFuture();
    } catch (RuntimeException e) {
      f = CompletableFuture.failedFuture(e);
    }
    Object[] answer = new Object[1];
    boolean ok = awaitInto(f, answer);
    if (!ok) {
      return Lease.UNAVAILABLE;
    }
    return "OK".equals(answer[0]) ? Lease.ACQUIRED : Lease.HELD;
  }

  /**
   * Releases the lease if {@code token} still holds it (compare and delete, one Lua call). Call it
   * after the {@link #write} of the loaded value has completed: it goes over another connection, so
   * released earlier it could reach Redis before the value and send waiting processes to their loaders.
   */
  public void releaseLease(String key, String token) {
    RELEASE.<Long>execute(connector, ScriptOutputType.INTEGER, new String[] {leasePrefix + key}, token)
        .whenComplete((r, t) -> record(t));
  }

  /**
   * Polls L2 for {@code key} while another process holds its lease, until a value appears, the
   * lease is gone, or {@code maxWait} has passed (real time: this waits on another process).
   * Each poll reads the value and the lease in one round trip; polls are 5 ms apart, growing to 50.
   *
   * @return the value that appeared, or null if the caller should load itself
   */
  public @Nullable StoredValue awaitValue(String key, Duration maxWait) {
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
      StoredValue v = await(value, null);
      if (v != null) {
        return v;
      }
      Long held = awaitRecorded(lease);
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

  // ---------------------------------------------------------------- keys and generations

  /** The Redis key of a user key under the generations known now, or null if one is not known locally. */
  private @Nullable String valueKeyIfKnown(String key) {
    return valueKey(key, generations::getIfPresent);
  }

  private @Nullable String valueKey(String key, Function<String, @Nullable Long> generation) {
    Long g = generation.apply("");
    if (g == null) {
      return null;
    }
    StringBuilder sb = new StringBuilder(valuePrefix.length() + key.length() + 12).append(valuePrefix);
    appendGeneration(sb, g);
    int from = 0;
    for (int depth = 0; depth < options.patternDepth(); depth++) {
      int colon = key.indexOf(':', from);
      if (colon < 0) {
        break;
      }
      Long pg = generation.apply(key.substring(0, colon + 1));
      if (pg == null) {
        return null;
      }
      appendGeneration(sb.append('.'), pg);
      from = colon + 1;
    }
    return sb.append(':').append(key).toString();
  }

  private static void appendGeneration(StringBuilder sb, long g) {
    if (g == 0) {
      sb.append('0');
    } else {
      sb.append(Long.toString(g, 36));
    }
  }

  private void prefixesOf(String key, Set<String> into) {
    into.add("");
    int from = 0;
    for (int depth = 0; depth < options.patternDepth(); depth++) {
      int colon = key.indexOf(':', from);
      if (colon < 0) {
        return;
      }
      into.add(key.substring(0, colon + 1));
      from = colon + 1;
    }
  }

  /** The Redis keys of user keys, reading unknown generations first (one MGET). */
  private CompletableFuture<List<String>> valueKeys(List<String> keys) {
    List<String> out = new ArrayList<>(keys.size());
    Set<String> missing = null;
    // One lookup per distinct prefix in a batch, not one per key.
    Map<String, @Nullable Long> seen = new HashMap<>();
    Function<String, @Nullable Long> known = p -> seen.computeIfAbsent(p, generations::getIfPresent);
    for (String k : keys) {
      String vk = valueKey(k, known);
      if (vk == null) {
        if (missing == null) {
          missing = new LinkedHashSet<>();
        }
        prefixesOf(k, missing);
      }
      out.add(vk);
    }
    if (missing == null) {
      return CompletableFuture.completedFuture(out);
    }
    List<String> prefixes = new ArrayList<>(missing);
    prefixes.removeIf(p -> generations.getIfPresent(p) != null);
    long epoch = generationEpoch.get();
    String[] genKeys = prefixes.stream().map(p -> genPrefix + p).toArray(String[]::new);
    CompletionStage<List<KeyValue<String, String>>> fetch;
    try {
      fetch = genKeys.length == 0 ? CompletableFuture.completedFuture(List.of()) : connector.async().mget(genKeys);
    } catch (RuntimeException e) {
      fetch = CompletableFuture.failedFuture(e);
    }
    return fetch.thenApply(kvs -> {
      Map<String, Long> fetched = new HashMap<>();
      for (int i = 0; i < kvs.size(); i++) {
        KeyValue<String, String> kv = kvs.get(i);
        long g = kv.hasValue() ? Long.parseLong(kv.getValue()) : 0L;
        String p = prefixes.get(i);
        fetched.put(p, g);
        generations.asMap().compute(p, (k, old) -> old != null ? old : generationEpoch.get() == epoch ? g : null);
      }
      List<String> resolved = new ArrayList<>(keys.size());
      for (int i = 0; i < keys.size(); i++) {
        String vk = out.get(i);
        if (vk == null) {
          vk = valueKey(keys.get(i), p -> {
            Long f = fetched.get(p);
            return f != null ? f : generations.getIfPresent(p);
          });
        }
        resolved.add(Objects.requireNonNull(vk));
      }
      return resolved;
    }).toCompletableFuture();
  }

  // ---------------------------------------------------------------- invalidation messages

  private CompletableFuture<Void> publishKeys(List<String> keys) {
    if (keys.size() <= MAX_KEYS_PER_MESSAGE) {
      return publish(Invalidation.Op.KEYS, keys, "");
    }
    List<CompletableFuture<Void>> parts = new ArrayList<>();
    for (int i = 0; i < keys.size(); i += MAX_KEYS_PER_MESSAGE) {
      parts.add(publish(Invalidation.Op.KEYS, keys.subList(i, Math.min(keys.size(), i + MAX_KEYS_PER_MESSAGE)), ""));
    }
    return CompletableFuture.allOf(parts.toArray(CompletableFuture[]::new));
  }

  private CompletableFuture<Void> publish(Invalidation.Op op, List<String> keys, String prefix) {
    CompletableFuture<Long> f;
    synchronized (publishLock) {
      // Numbered even when not sent: receivers then see a gap and clear their L1.
      long seq = ++sequence;
      if (!breaker.allow()) {
        skipped.increment();
        return CompletableFuture.completedFuture(null);
      }
      String message = new Invalidation(publisherId, seq, op, keys, prefix).encode();
      try {
        f = connector.async().publish(channel, message).toCompletableFuture();
      } catch (RuntimeException e) {
        f = CompletableFuture.failedFuture(e);
      }
    }
    return f.handle((r, t) -> {
      record(t);
      if (t == null) {
        sent.increment();
      }
      return null;
    });
  }

  private void onMessage(String text) {
    Invalidation m;
    try {
      m = Invalidation.decode(text);
    } catch (IllegalArgumentException e) {
      log.warn("cache '{}': {}", options.cacheName(), e.getMessage());
      lostState("an unreadable invalidation message");
      return;
    }
    if (m.publisher().equals(publisherId)) {
      return;
    }
    received.increment();
    Long last = lastSequence.getIfPresent(m.publisher());
    if (last == null || m.sequence() > last) {
      lastSequence.put(m.publisher(), m.sequence());
    }
    if (last != null && m.sequence() > last + 1) {
      lostState("messages " + (last + 1) + ".." + (m.sequence() - 1) + " from publisher " + m.publisher() + " were missed");
      return;
    }
    if (m.op() != Invalidation.Op.KEYS) {
      generationEpoch.incrementAndGet();
      generations.invalidate(m.prefix());
    }
    events.onInvalidation(m);
  }

  private void lostState(String reason) {
    gaps.increment();
    generationEpoch.incrementAndGet();
    generations.invalidateAll();
    events.onStateLost(reason);
  }

  private void subscribe() {
    if (closed) {
      return;
    }
    try {
      StatefulRedisPubSubConnection<String, String> c = connector.connectPubSub();
      c.addListener(new RedisPubSubAdapter<>() {
        @Override
        public void message(String ch, String message) {
          if (channel.equals(ch)) {
            onMessage(message);
          }
        }

        @Override
        public void subscribed(String ch, long count) {
          // The first confirmation is the initial subscription; later ones follow a reconnect,
          // after which messages sent while disconnected are lost.
          if (channel.equals(ch) && subscriptions.incrementAndGet() > 1) {
            lostState("the invalidation channel was re-subscribed after a disconnect");
          }
        }
      });
      try {
        c.async().subscribe(channel).get(connector.options().commandTimeout().toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        c.close();
        return;
      } catch (ExecutionException | TimeoutException e) {
        c.close();
        throw new IllegalStateException(e.getCause() == null ? e : e.getCause());
      }
      pubsub = c;
      if (closed) {
        c.close();
      }
    } catch (RuntimeException e) {
      lastError = "subscribe: " + e.getMessage();
      log.debug("cache '{}': could not subscribe to {} yet", options.cacheName(), channel, e);
      retry = Retry.SCHEDULER.schedule(this::subscribe, options.breakerOpen().toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  // ---------------------------------------------------------------- waiting and accounting

  private RedisClusterAsyncCommands<String, byte[]> binary() {
    return connector.binaryAsync();
  }

  /**
   * Records a command's outcome. Every failure counts as an L2 error, but only unavailability
   * (connection lost, timeout) feeds the breaker: an error reply (OOM, WRONGTYPE, a script error)
   * proves Redis is there, and opening the breaker on it would take L2 away from every key.
   */
  private void record(@Nullable Throwable failure) {
    if (failure == null) {
      breaker.onSuccess();
      return;
    }
    Throwable cause = unwrap(failure);
    if (cause instanceof TimeoutException) {
      timedOut();
      return;
    }
    errors.increment();
    lastError = String.valueOf(cause);
    if (RedisConnector.isUnavailability(cause)) {
      breaker.onFailure();
    }
  }

  /** Waits for a future that records its own outcome (including its own timeout), so records nothing itself. */
  private <T> @Nullable T await(CompletableFuture<T> f, @Nullable T onTimeout) {
    try {
      return f.get(timeoutNanos, TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      return onTimeout;
    } catch (ExecutionException e) {
      return onTimeout;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return onTimeout;
    }
  }

  /** Waits for a future and records its outcome. */
  private <T> @Nullable T awaitRecorded(CompletableFuture<T> f) {
    Object[] out = new Object[1];
    if (!awaitInto(f, out)) {
      return null;
    }
    @SuppressWarnings("unchecked")
    T t = (T) out[0];
    return t;
  }

  private boolean awaitInto(CompletableFuture<?> f, Object[] out) {
    try {
      out[0] = f.get(timeoutNanos, TimeUnit.NANOSECONDS);
      breaker.onSuccess();
      return true;
    } catch (TimeoutException e) {
      timedOut();
      return false;
    } catch (ExecutionException e) {
      record(e.getCause() == null ? e : e.getCause());
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private void timedOut() {
    errors.increment();
    lastError = "no answer within " + options.timeout();
    breaker.onFailure();
  }

  private static Throwable unwrap(Throwable t) {
    Throwable c = t;
    while ((c instanceof java.util.concurrent.CompletionException || c instanceof ExecutionException) && c.getCause() != null) {
      c = c.getCause();
    }
    return c;
  }

  // ---------------------------------------------------------------- state

  /** HEALTHY-looking details: UP while the breaker is closed and the channel subscribed, else DEGRADED. */
  public HealthStatus status() {
    return breaker.state() == CircuitBreaker.State.CLOSED && pubsub != null ? HealthStatus.UP : HealthStatus.DEGRADED;
  }

  /** Details for the cache's health. */
  public Map<String, Object> details() {
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("redis", connector.url());
    d.put("breaker", breaker.state().name());
    d.put("subscribed", pubsub != null);
    String e = lastError;
    if (e != null && status() != HealthStatus.UP) {
      d.put("lastError", e);
    }
    return d;
  }

  /** Whether the breaker lets commands through (closed). */
  public boolean available() {
    return breaker.state() == CircuitBreaker.State.CLOSED;
  }

  /** The breaker's state. */
  public CircuitBreaker.State breakerState() {
    return breaker.state();
  }

  /** Whether the invalidation channel is subscribed. */
  public boolean subscribed() {
    return pubsub != null;
  }

  /** The pub/sub channel of this cache. */
  public String channel() {
    return channel;
  }

  /** The Redis key a user key has now, for tests and diagnostics; reads generations if needed. */
  public String redisKey(String key) {
    return valueKeys(List.of(key)).join().get(0);
  }

  /** L2 commands that failed or timed out. */
  public long errors() {
    return errors.sum();
  }

  /** L2 commands not sent because the breaker was open. */
  public long skipped() {
    return skipped.sum();
  }

  /** Values that could not be decoded: corrupt ones (deleted) and ones of an unknown format version (left). */
  public long corrupt() {
    return corrupt.sum();
  }

  /** Invalidation messages published. */
  public long sent() {
    return sent.sum();
  }

  /** Invalidation messages received from other processes. */
  public long received() {
    return received.sum();
  }

  /** Times local state was reported lost. */
  public long gaps() {
    return gaps.sum();
  }

  /** Unsubscribes; the connector stays open. */
  @Override
  public void close() {
    closed = true;
    ScheduledFuture<?> r = retry;
    if (r != null) {
      r.cancel(false);
    }
    StatefulRedisPubSubConnection<String, String> c = pubsub;
    pubsub = null;
    if (c != null) {
      c.closeAsync();
    }
  }

  @Override
  public String toString() {
    return "RedisTier[" + options.cacheName() + " on " + connector.url() + "]";
  }

  /** One daemon thread, shared by all tiers, for subscription retries. */
  private static final class Retry {
    static final ScheduledExecutorService SCHEDULER = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "headroom-cache-retry");
      t.setDaemon(true);
      return t;
    });
  }
}
