package dev.headroom.cache.redis;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.headroom.core.time.TimeSource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/*
 * Pattern invalidation without KEYS or SCAN. The Redis key of a value names the generation of the
 * whole cache, then of each leading segment prefix of the user key up to the pattern depth
 * ("user:", "user:42:"), in base 36 joined by '.':  <valuePrefix><g>.<g>.<g>:<key>.
 * invalidatePattern("user:42:*") gives "user:42:" a new generation (one Lua call, in RedisTier:
 * draw a number, SET the generation key); from then on every process computes other Redis keys
 * for all keys under that prefix, so the old entries are unreachable and expire by their TTL.
 * clear() does the same for the prefix "". O(1) in Redis whatever the number of keys.
 *
 * Lost generations. A generation key can vanish (eviction under an allkeys-* or volatile-* policy,
 * a restart without persistence, a failover that lost a write, a DEL by hand). Reading it as 0
 * would make entries written before an invalidation reachable again, so a missing (or corrupt)
 * generation is never read as any old number: the script that reads generations gives it a new
 * one, drawn like a bump's. Numbers are Redis TIME in microseconds or the counter plus one,
 * whichever is larger, so a lost counter never reuses a number either. A read extends a
 * generation key with less than half its life left, so a prefix in use never expires (and misses
 * all at once); an unused one expires a while after its longest entry could.
 *
 * Generations are read from a small local map, so an L2 read is one GET; a prefix not in the map
 * costs one script call over the generation keys first (they share a hash tag: one slot, one round
 * trip). A
 * process learns of another's bump through the invalidation message and forgets its generation,
 * then re-reads it. An epoch counter, moved by every forget and checked atomically when a fetched
 * (or bumped) generation is installed, keeps a fetch that raced with a bump from installing the old
 * number. The map also forgets entries a minute after they were fetched, as a safety net against a
 * missed message; so a prefix in use costs one extra MGET about once a minute.
 */

/**
 * The generations of one cache's key prefixes: the Redis key of each user key, the generations
 * known locally, and the epoch that keeps a stale fetch from installing an old generation.
 * Thread-safe; never touches Redis itself (it is given the fetch of generation keys).
 */
final class Generations {

  private final String valuePrefix;
  private final String generationPrefix;
  private final String counterKey;
  private final int patternDepth;
  private final Function<List<String>, CompletionStage<List<@Nullable String>>> fetch;
  private final TimeSource time;
  // Replaced, not cleared, by forgetAll: O(1) on the Redis I/O thread that reports lost state.
  private volatile Cache<String, Long> known;
  private final AtomicLong epoch = new AtomicLong();

  /**
   * @param valuePrefix what every value key starts with
   * @param taggedPrefix the cache's hash-tagged prefix, for the generation keys and the counter
   * @param patternDepth how many leading key segments carry a generation
   * @param time the clock that expires known generations
   * @param fetch reads generation keys (one call), answering their values in order; a missing
   *     generation must be answered as a new one, never as null or an old number
   */
  Generations(
      String valuePrefix,
      String taggedPrefix,
      int patternDepth,
      TimeSource time,
      Function<List<String>, CompletionStage<List<@Nullable String>>> fetch) {
    this.valuePrefix = valuePrefix;
    this.generationPrefix = taggedPrefix + "gen:";
    this.counterKey = taggedPrefix + "genseq";
    this.patternDepth = patternDepth;
    this.fetch = fetch;
    this.time = time;
    this.known = newKnown(time);
  }

  private static Cache<String, Long> newKnown(TimeSource time) {
    return Caffeine.newBuilder()
        .maximumSize(100_000)
        .expireAfterWrite(Duration.ofMinutes(1))
        .ticker(time::nanoTime)
        .build();
  }

  /** The Redis key holding the generation of {@code prefix} ("" for the whole cache). */
  String generationKey(String prefix) {
    return generationPrefix + prefix;
  }

  /** The Redis key generations are drawn from. */
  String counterKey() {
    return counterKey;
  }

  /**
   * The Redis key of a user key under the generations known now, or null if one is not known
   * locally.
   */
  @Nullable String valueKeyIfKnown(String key) {
    return valueKey(key, known::getIfPresent);
  }

  /**
   * What the Redis key of every one of {@code keys} starts with, followed by the key itself, if
   * they all carry the cache's generation alone and it is known locally; else null (see {@link
   * #valueKeys}).
   */
  @Nullable String sharedKeyPrefix(List<String> keys) {
    Long root = known.getIfPresent("");
    if (root == null) {
      return null;
    }
    if (patternDepth > 0) {
      for (String k : keys) {
        if (k.indexOf(':') >= 0) {
          return null;
        }
      }
    }
    return rootKeyPrefix(root);
  }

  /** The Redis keys of user keys, reading unknown generations first (one fetch). */
  CompletableFuture<List<String>> valueKeys(List<String> keys) {
    List<String> out = new ArrayList<>(keys.size());
    Set<String> missing = null;
    // One lookup per distinct prefix in a batch, not one per key. A key with no segment that
    // carries a generation (no ':' within the pattern depth) needs only the cache's generation,
    // looked up and rendered once per batch.
    Long root = known.getIfPresent("");
    String rootKeyPrefix = root == null ? null : rootKeyPrefix(root);
    Map<String, @Nullable Long> seen = new HashMap<>();
    seen.put("", root);
    Function<String, @Nullable Long> lookup = p -> seen.computeIfAbsent(p, known::getIfPresent);
    for (String k : keys) {
      String vk =
          rootKeyPrefix != null && (patternDepth == 0 || k.indexOf(':') < 0)
              ? rootKeyPrefix.concat(k)
              : valueKey(k, lookup);
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
    prefixes.removeIf(p -> known.getIfPresent(p) != null);
    long before = epoch.get();
    List<String> genKeys = prefixes.stream().map(this::generationKey).toList();
    CompletionStage<List<@Nullable String>> fetched;
    try {
      fetched =
          genKeys.isEmpty() ? CompletableFuture.completedFuture(List.of()) : fetch.apply(genKeys);
    } catch (RuntimeException e) {
      fetched = CompletableFuture.failedFuture(e);
    }
    return fetched
        .thenApply(
            values -> {
              Map<String, Long> got = new HashMap<>();
              for (int i = 0; i < values.size(); i++) {
                String v = values.get(i);
                if (v == null) {
                  // The script never answers an absent generation: it draws a new one.
                  throw new IllegalStateException(
                      "no generation for prefix '" + prefixes.get(i) + "'");
                }
                long g = Long.parseLong(v);
                String p = prefixes.get(i);
                got.put(p, g);
                known
                    .asMap()
                    .compute(p, (k, old) -> old != null ? old : epoch.get() == before ? g : null);
              }
              List<String> resolved = new ArrayList<>(keys.size());
              for (int i = 0; i < keys.size(); i++) {
                String vk = out.get(i);
                if (vk == null) {
                  vk =
                      valueKey(
                          keys.get(i),
                          p -> {
                            Long f = got.get(p);
                            return f != null ? f : known.getIfPresent(p);
                          });
                }
                resolved.add(Objects.requireNonNull(vk));
              }
              return resolved;
            })
        .toCompletableFuture();
  }

  /**
   * Forgets the generation of {@code prefix} (another process bumped it, or this one is about to)
   * and moves the epoch, so no fetch begun before installs it. Answers the new epoch, for {@link
   * #bumped}.
   */
  long forget(String prefix) {
    long e = epoch.incrementAndGet();
    known.invalidate(prefix);
    return e;
  }

  /** Forgets every generation (invalidations may have been missed). */
  void forgetAll() {
    epoch.incrementAndGet();
    known = newKnown(time);
  }

  /**
   * Installs the generation this process's bump of {@code prefix} got, unless another bump was
   * learned since {@code epochOfBump} (a message or lost state moves the epoch): that one may be
   * newer than this reply.
   */
  void bumped(String prefix, long epochOfBump, long generation) {
    Long g = generation; // boxed: "? g : old" must not unbox a null old
    known.asMap().compute(prefix, (k, old) -> epoch.get() == epochOfBump ? g : old);
  }

  /** The generation of {@code prefix} known locally, or null. */
  @Nullable Long known(String prefix) {
    return known.getIfPresent(prefix);
  }

  /** What the Redis key of every user key without generation-carrying segments starts with. */
  private String rootKeyPrefix(long generation) {
    StringBuilder sb = new StringBuilder(valuePrefix.length() + 14).append(valuePrefix);
    appendGeneration(sb, generation);
    return sb.append(':').toString();
  }

  private @Nullable String valueKey(String key, Function<String, @Nullable Long> generation) {
    Long g = generation.apply("");
    if (g == null) {
      return null;
    }
    StringBuilder sb =
        new StringBuilder(valuePrefix.length() + key.length() + 12).append(valuePrefix);
    appendGeneration(sb, g);
    int from = 0;
    for (int depth = 0; depth < patternDepth; depth++) {
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
    for (int depth = 0; depth < patternDepth; depth++) {
      int colon = key.indexOf(':', from);
      if (colon < 0) {
        return;
      }
      into.add(key.substring(0, colon + 1));
      from = colon + 1;
    }
  }
}
