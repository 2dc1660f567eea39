package dev.headroom.ratelimit.memory;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.headroom.core.health.Health;
import dev.headroom.core.health.HealthStatus;
import dev.headroom.core.time.TimeSource;
import dev.headroom.ratelimit.Algorithm;
import dev.headroom.ratelimit.Decision;
import dev.headroom.ratelimit.DecisionSource;
import dev.headroom.ratelimit.Limit;
import dev.headroom.ratelimit.RateLimitPolicy;
import dev.headroom.ratelimit.RateLimiter;
import dev.headroom.ratelimit.RateLimiterOptions;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * The in-process backend: per-key state in a bounded Caffeine map that evicts the least recently
 * used keys beyond {@link RateLimiterOptions#maxKeys()} and forgets a key once it has been idle
 * long enough that forgetting cannot change a decision (the longest window; twice that for the
 * sliding counter, whose previous window still counts). Sliding counter and fixed window are
 * lock-free, the token bucket is Bucket4j's lock-free local bucket, the sliding log locks one key
 * at a time; there is no global lock. Use {@link dev.headroom.ratelimit.RateLimiters#inMemory}
 * rather than this class. Thread-safe.
 */
public final class InMemoryRateLimiter implements RateLimiter {

  private final RateLimitPolicy policy;
  private final TimeSource time;
  private final Cache<String, KeyState> states;
  private final Function<String, KeyState> newState;
  private final List<Limit> limits;
  final long[] permits;
  final long[] windowNanos;
  final long longestWindowNanos;

  private InMemoryRateLimiter(RateLimitPolicy policy, RateLimiterOptions options) {
    this.policy = policy;
    this.time = options.timeSource();
    this.limits = policy.limits();
    this.permits = limits.stream().mapToLong(Limit::permits).toArray();
    this.windowNanos = limits.stream().mapToLong(Limit::windowNanos).toArray();
    this.longestWindowNanos = policy.longestWindow().toNanos();
    int n = limits.size();
    Algorithm algorithm = policy.algorithm();
    this.newState = switch (algorithm) {
      case SLIDING_LOG -> k -> new SlidingLogState();
      case SLIDING_COUNTER -> k -> new SlidingCounterState(n);
      case FIXED_WINDOW -> k -> new FixedWindowState(n);
      case TOKEN_BUCKET -> k -> new TokenBucketState(this);
    };
    Duration idle = algorithm == Algorithm.SLIDING_COUNTER ? policy.longestWindow().multipliedBy(2) : policy.longestWindow();
    this.states = Caffeine.newBuilder().maximumSize(options.maxKeys()).expireAfterAccess(idle)
        .ticker(time::nanoTime).build();
  }

  /** A limiter for {@code policy}; prefer {@link dev.headroom.ratelimit.RateLimiters#inMemory}, which adds shadow mode and meters. */
  public static InMemoryRateLimiter create(RateLimitPolicy policy, RateLimiterOptions options) {
    Objects.requireNonNull(policy, "policy");
    Objects.requireNonNull(options, "options");
    return new InMemoryRateLimiter(policy, options);
  }

  @Override
  public RateLimitPolicy policy() {
    return policy;
  }

  @Override
  public Decision tryAcquire(String key, long permits) {
    policy.checkRequest(key, permits);
    return states.get(key, newState).decide(permits, this);
  }

  @Override
  public CompletableFuture<Decision> tryAcquireAsync(String key, long permits) {
    return CompletableFuture.completedFuture(tryAcquire(key, permits));
  }

  /** How many keys are tracked now (an estimate: expired keys may still count until cleaned up). */
  public long trackedKeys() {
    return states.estimatedSize();
  }

  /** Runs pending evictions and expirations now (they otherwise run as the map is used). */
  public void cleanUp() {
    states.cleanUp();
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
    return time.nanoTime();
  }

  Decision decision(Binding b) {
    Limit limit = limits.get(b.index);
    if (b.denied) {
      return Decision.denied(policy.name(), limit, b.remaining, Duration.ofNanos(b.resetAfter),
          Duration.ofNanos(b.retryAfter), time.now(), DecisionSource.LIMITER);
    }
    return Decision.allowed(policy.name(), limit, b.remaining, Duration.ofNanos(b.resetAfter), time.now(),
        DecisionSource.LIMITER);
  }

  @Override
  public String toString() {
    return "InMemoryRateLimiter[" + policy + "]";
  }
}
