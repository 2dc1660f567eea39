package dev.headroom.cache.redis;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/*
 * Why this exists. A put or an invalidation whose L2 write or message fails (Redis down, a node
 * of a Cluster dead until the topology is refreshed, a timeout, an error reply) leaves the old
 * value in L2, where every process would read it again until its TTL. The cache does not throw
 * (the outage contract: no exception because Redis is down); it remembers what it could not
 * change here and, once Redis answers, deletes those values (or gives their prefix a new
 * generation) and publishes the invalidation. Until then this process reads none of them from L2.
 *
 * Each entry carries the number of the change that made it pending. A repair, or a later
 * successful write of the same key, removes only entries at most as new as the moment it started,
 * so a failure that happens while it runs stays pending. Bounded: past MAX_KEYS keys or
 * MAX_PREFIXES prefixes, the whole cache (prefix "") is pending instead, repaired by one
 * generation bump.
 */

/**
 * The keys and prefixes whose change this process could not make in L2: they are repaired when
 * Redis answers again and, until then, not read from L2 by this process. Thread-safe.
 */
final class PendingRepairs {

  /** Keys remembered one by one; past this, the whole cache is pending. */
  static final int MAX_KEYS = 10_000;

  /** Prefixes remembered one by one; past this, the whole cache is pending. */
  static final int MAX_PREFIXES = 100;

  /** What a repair has to do, taken at one moment. */
  record Snapshot(long upTo, List<String> keys, List<String> prefixes) {
    /** Whether the whole cache must be repaired (prefix ""). */
    boolean everything() {
      return prefixes.contains("");
    }

    boolean isEmpty() {
      return keys.isEmpty() && prefixes.isEmpty();
    }
  }

  private final AtomicLong changes = new AtomicLong();
  private final ConcurrentHashMap<String, Long> keys = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, Long> prefixes = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, Integer> inFlight = new ConcurrentHashMap<>();

  /**
   * A change of {@code list} is being sent: until {@link #sent} they are not read from L2 (a read
   * could otherwise take the old value into L1 between a failure and its {@link #addKeys}).
   */
  void sending(Collection<String> list) {
    for (String k : list) {
      inFlight.merge(k, 1, Integer::sum);
    }
  }

  /** The change {@link #sending} announced has its outcome (already added if it failed). */
  void sent(Collection<String> list) {
    for (String k : list) {
      inFlight.computeIfPresent(k, (key, n) -> n == 1 ? null : n - 1);
    }
  }

  /**
   * The number of the latest change: a write that starts now and succeeds settles every entry at
   * most this new.
   */
  long now() {
    return changes.get();
  }

  /** Remembers keys whose L2 value may be stale. */
  void addKeys(Collection<String> list) {
    long n = changes.incrementAndGet();
    if (keys.size() + list.size() > MAX_KEYS) {
      prefixes.put("", n);
      return;
    }
    for (String k : list) {
      keys.put(k, n);
    }
  }

  /** Remembers a prefix ("" for the whole cache) whose generation may not have changed. */
  void addPrefix(String prefix) {
    long n = changes.incrementAndGet();
    if (!prefixes.containsKey(prefix) && prefixes.size() >= MAX_PREFIXES) {
      prefixes.put("", n);
      return;
    }
    prefixes.put(prefix, n);
  }

  /**
   * Whether {@code key} may be stale in L2: pending itself, being changed, or under a pending
   * prefix.
   */
  boolean covers(String key) {
    if (prefixes.isEmpty()) {
      return (!keys.isEmpty() && keys.containsKey(key))
          || (!inFlight.isEmpty() && inFlight.containsKey(key));
    }
    if (keys.containsKey(key) || inFlight.containsKey(key)) {
      return true;
    }
    for (String p : prefixes.keySet()) {
      if (key.startsWith(p)) {
        return true;
      }
    }
    return false;
  }

  /** Whether nothing is pending (changes being sent aside). */
  boolean isEmpty() {
    return keys.isEmpty() && prefixes.isEmpty();
  }

  /** Whether no key is pending or being changed: {@link #covers} is false for every key. */
  boolean coversNothing() {
    return isEmpty() && inFlight.isEmpty();
  }

  /** How many keys and prefixes are pending. */
  int size() {
    return keys.size() + prefixes.size();
  }

  /** What is pending now. */
  Snapshot snapshot() {
    long upTo = changes.get();
    List<String> k = new ArrayList<>();
    for (Map.Entry<String, Long> e : keys.entrySet()) {
      if (e.getValue() <= upTo) {
        k.add(e.getKey());
      }
    }
    List<String> p = new ArrayList<>();
    for (Map.Entry<String, Long> e : prefixes.entrySet()) {
      if (e.getValue() <= upTo) {
        p.add(e.getKey());
      }
    }
    return new Snapshot(upTo, k, p);
  }

  /** {@code list} was written in L2 and published by a change that started at {@code upTo}. */
  void settledKeys(Collection<String> list, long upTo) {
    if (keys.isEmpty()) {
      return;
    }
    for (String k : list) {
      keys.computeIfPresent(k, (key, n) -> n <= upTo ? null : n);
    }
  }

  /**
   * {@code prefix} got a new generation, published, by a change that started at {@code upTo}: it
   * and every key and prefix under it are settled.
   */
  void settledPrefix(String prefix, long upTo) {
    prefixes.entrySet().removeIf(e -> e.getKey().startsWith(prefix) && e.getValue() <= upTo);
    keys.entrySet().removeIf(e -> e.getKey().startsWith(prefix) && e.getValue() <= upTo);
  }
}
