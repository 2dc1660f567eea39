package dev.headroom.ratelimit.memory;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.headroom.core.health.Health;
import dev.headroom.core.health.HealthStatus;
import dev.headroom.ratelimit.Algorithm;
import dev.headroom.ratelimit.Decision;
import dev.headroom.ratelimit.DecisionSource;
import dev.headroom.ratelimit.Limit;
import dev.headroom.ratelimit.RateLimitPolicy;
import dev.headroom.ratelimit.RateLimiterConfig;
import dev.headroom.ratelimit.spi.LimiterBackend;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * The in-process backend: per-key state in a Caffeine map bounded by {@link
 * RateLimiterConfig#maxKeys()} (least recently used beyond it are evicted, which resets their
 * budgets), from which keys idle long enough that forgetting them cannot change a decision are
 * removed (the longest window; twice that for the sliding counter, whose previous window still
 * counts). Sliding counter and fixed window are lock-free, the token bucket is Bucket4j's lock-free
 * local bucket, the sliding log locks one key at a time; there is no global lock. Reached through
 * {@link dev.headroom.ratelimit.RateLimiters#inMemory}. Thread-safe.
 */
/*
 * Forgetting idle keys. Caffeine's own expire-after-access writes an access time into the entry on
 * every lookup: on a hot key shared by several threads that write bounces a cache line between
 * cores and costs more than the whole decision. So the map is bounded by size only (a lookup is a
 * few nanoseconds), and idleness is tracked here:
 *
 *  - each state records when it was last used (`touched`), written at most once per touch interval
 *    (1/8 of the idle horizon), so a hot key is almost never written;
 *  - at most once per sweep interval (half the horizon, at least 100 ms) a decision hands a sweep to
 *    the common pool; it removes states unused for longer than the horizon plus the touch interval.
 *
 * The key touched last is remembered (`recent`), and while its state was touched within the touch
 * interval a decision on that key skips the map: on a hot key the lookup was a fifth of a
 * decision. The map still sees the key at every touch, so its eviction order and frequency counts
 * keep it. A remembered state can only have left the map as a retired one: the sweep retires the
 * states it removes (below), and a state evicted for size is retired by the eviction listener,
 * within the eviction; a decider that finds its state retired looks the key up again. `recent` is
 * replaced only when the state it names has gone untouched for a touch interval, so with many keys
 * it is written about once per interval, not once per decision.
 *
 * A decision racing with the removal of its key must not be lost. The decider writes `touched`
 * (the key was idle, so the write is due) and then reads `status`; the sweep, inside the map's
 * atomic compute for that key, sets `status` RETIRED and then re-reads `touched`. Both fields are
 * volatile, so at least one side sees the other's write: either the decider sees RETIRED and looks
 * the key up again (it has decided nothing yet), or the sweep sees the fresh `touched`, restores
 * ACTIVE and keeps the state (a decider that saw RETIRED meanwhile finds the same state again).
 */
public final class InMemoryRateLimiter implements LimiterBackend {

  private final String name;
  private final RateLimitPolicy policy;
  private final AnchoredWallClock clock;
  private final Cache<String, KeyState> states;
  private final Function<String, KeyState> stateFactory;
  private final Function<String, KeyState> newState = this::newState;
  private final List<Limit> limits;
  private final Limit firstLimit;
  private final long idleNanos;
  private final long touchIntervalNanos;
  private final long sweepIntervalNanos;
  private final AtomicLong nextSweep;
  private volatile @Nullable Recent recent;
  final long[] permits;
  final long[] windowNanos;
  final long longestWindowNanos;

  /** {@code 1.0 / windowNanos[0]}. */
  final double firstWindowInverse;

  private InMemoryRateLimiter(String name, RateLimiterConfig config) {
    this.name = name;
    this.policy = config.policy();
    this.clock = new AnchoredWallClock(config.timeSource());
    this.limits = policy.limits();
    this.firstLimit = limits.get(0);
    this.permits = limits.stream().mapToLong(Limit::permits).toArray();
    this.windowNanos = limits.stream().mapToLong(Limit::windowNanos).toArray();
    this.longestWindowNanos = policy.longestWindow().toNanos();
    this.firstWindowInverse = 1.0 / windowNanos[0];
    int n = limits.size();
    Algorithm algorithm = policy.algorithm();
    this.stateFactory =
        switch (algorithm) {
          case SLIDING_LOG -> k -> new SlidingLogState();
          case SLIDING_COUNTER ->
              n == 1 ? k -> new OneLimitWindowState(true) : k -> new SlidingCounterState(n);
          case FIXED_WINDOW ->
              n == 1 ? k -> new OneLimitWindowState(false) : k -> new FixedWindowState(n);
          case TOKEN_BUCKET -> k -> new TokenBucketState(this);
        };
    long horizon =
        algorithm == Algorithm.SLIDING_COUNTER ? 2 * longestWindowNanos : longestWindowNanos;
    this.touchIntervalNanos = Math.max(1, horizon / 8);
    this.idleNanos = horizon + touchIntervalNanos;
    this.sweepIntervalNanos = Math.max(horizon / 2, 100_000_000L);
    this.nextSweep = new AtomicLong(clock.nanoTime() + sweepIntervalNanos);
    // Maintenance (draining the read buffer, evicting) runs on the calling thread: it is amortized
    // and short, and handing it to a pool would cost a thread wake-up on hot keys.
    this.states =
        Caffeine.newBuilder()
            .maximumSize(config.maxKeys())
            .executor(Runnable::run)
            .<String, KeyState>evictionListener(
                (key, state, cause) -> {
                  if (state != null) {
                    state.status = KeyState.RETIRED; // for good: it is no longer in the map
                  }
                })
            .build();
  }

  /**
   * The backend of the limiter {@code name} (the name its decisions carry) counting {@code
   * config}'s policy on {@code config}'s time source.
   */
  public static InMemoryRateLimiter create(String name, RateLimiterConfig config) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(config, "config");
    return new InMemoryRateLimiter(name, config);
  }

  /** The policy this backend counts. */
  public RateLimitPolicy policy() {
    return policy;
  }

  @Override
  public Decision tryAcquire(String key, long permits) {
    long now = clock.nanoTime();
    if (now - nextSweep.get() >= 0) {
      scheduleSweep(now);
    }
    Recent r = recent;
    KeyState state = r != null && r.key.equals(key) ? r.state : null;
    if (state == null
        || now - state.touched > touchIntervalNanos
        || state.status != KeyState.ACTIVE) {
      state = lookUp(key, now);
    }
    return state.decide(permits, now, this);
  }

  /** The key's state from the map, touched if due, once it is not being removed. */
  private KeyState lookUp(String key, long now) {
    while (true) {
      KeyState state = states.get(key, newState);
      if (now - state.touched > touchIntervalNanos) {
        state.touched = now;
        remember(key, state, now);
      }
      if (state.status == KeyState.ACTIVE) {
        return state;
      }
      Thread.onSpinWait(); // the sweep is removing this idle state right now
    }
  }

  /** Makes {@code key} the recent key, unless the recent one was touched within the interval. */
  private void remember(String key, KeyState state, long now) {
    Recent r = recent;
    if (r == null
        || (r.state != state
            && (now - r.state.touched > touchIntervalNanos || r.state.status != KeyState.ACTIVE))) {
      recent = new Recent(key, state);
    }
  }

  private KeyState newState(String key) {
    KeyState s = stateFactory.apply(key);
    s.touched = clock.nanoTime();
    return s;
  }

  private void scheduleSweep(long now) {
    long due = nextSweep.get();
    if (now - due >= 0 && nextSweep.compareAndSet(due, now + sweepIntervalNanos)) {
      ForkJoinPool.commonPool().execute(this::sweep);
    }
  }

  private void sweep() {
    long now = clock.nanoTime();
    states
        .asMap()
        .forEach(
            (key, state) -> {
              if (now - state.touched > idleNanos) {
                states
                    .asMap()
                    .computeIfPresent(
                        key,
                        (k, s) -> {
                          if (s != state) {
                            return s;
                          }
                          s.status = KeyState.RETIRED;
                          if (now - s.touched > idleNanos) {
                            return null;
                          }
                          s.status = KeyState.ACTIVE;
                          return s;
                        });
              }
            });
  }

  @Override
  public CompletableFuture<Decision> tryAcquireAsync(String key, long permits) {
    return CompletableFuture.completedFuture(tryAcquire(key, permits));
  }

  /** How many keys are tracked now (an estimate: expired keys may still count until cleaned up). */
  public long trackedKeys() {
    return states.estimatedSize();
  }

  /**
   * Removes idle keys and runs pending evictions now (both otherwise run as the limiter is used).
   */
  public void cleanUp() {
    sweep();
    states.cleanUp();
  }

  /** Whether the map holds a state for {@code key} (without counting as a use). */
  boolean tracks(String key) {
    return states.asMap().containsKey(key);
  }

  /** Drops every key's state. */
  @Override
  public void close() {
    states.invalidateAll();
  }

  /** Always UP; details name the algorithm and the tracked keys. */
  @Override
  public Health health() {
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("backend", "memory");
    details.put("algorithm", policy.algorithm().name());
    details.put("keys", states.estimatedSize());
    return Health.of(HealthStatus.UP, details);
  }

  long nanoTime() {
    return clock.nanoTime();
  }

  Decision decision(ReportedLimit b, long now) {
    return Decision.of(
        !b.denied,
        name,
        limits.get(b.index),
        b.remaining,
        b.resetAfter,
        b.retryAfter,
        clock.wallClockMillis(now),
        DecisionSource.LIMITER);
  }

  /** The decision on the policy's only limit; negative amounts are reported as zero. */
  Decision decision(boolean allowed, long remaining, long resetAfter, long retryAfter, long now) {
    return Decision.of(
        allowed,
        name,
        firstLimit,
        Math.max(0, remaining),
        Math.max(0, resetAfter),
        Math.max(0, retryAfter),
        clock.wallClockMillis(now),
        DecisionSource.LIMITER);
  }

  @Override
  public String toString() {
    return "InMemoryRateLimiter[" + name + ", " + policy + "]";
  }

  /** The key touched last and its state. */
  private record Recent(String key, KeyState state) {}
}
