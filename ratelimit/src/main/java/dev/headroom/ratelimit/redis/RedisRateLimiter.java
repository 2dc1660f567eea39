package dev.headroom.ratelimit.redis;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import dev.headroom.core.health.Health;
import dev.headroom.core.health.HealthStatus;
import dev.headroom.core.key.InvalidKeyException;
import dev.headroom.core.key.KeySpace;
import dev.headroom.core.redis.RedisConnector;
import dev.headroom.core.redis.RedisScript;
import dev.headroom.core.time.TimeSource;
import dev.headroom.ratelimit.Algorithm;
import dev.headroom.ratelimit.Decision;
import dev.headroom.ratelimit.DecisionSource;
import dev.headroom.ratelimit.FailureMode;
import dev.headroom.ratelimit.Limit;
import dev.headroom.ratelimit.RateLimitPolicy;
import dev.headroom.ratelimit.RateLimiter;
import dev.headroom.ratelimit.RateLimiterOptions;
import dev.headroom.ratelimit.memory.InMemoryRateLimiter;
import io.lettuce.core.ScriptOutputType;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Redis backend: each decision is one {@code EVALSHA} of the policy's algorithm script
 * (composite limits included), on one key {@code <key space>{<policy>:<key>}:<algorithm>} whose
 * hash tag keeps it Cluster-safe and whose expiry ends just past its window. Time is the Redis
 * server's. When Redis fails or is slower than the policy's timeout, the policy's
 * {@link FailureMode} decides, the decision is counted, and health is DEGRADED until Redis answers
 * again. With the local deny cache on, a key denied until T is denied on this node without a round
 * trip until T (for requests of the same size: a larger one may need longer, so it asks Redis). Use {@link dev.headroom.ratelimit.RateLimiters#redis} rather than this class. Thread-safe.
 */
public final class RedisRateLimiter implements RateLimiter {

  private static final Logger log = LoggerFactory.getLogger(RedisRateLimiter.class);
  private static final Map<Algorithm, RedisScript> SCRIPTS = new EnumMap<>(Algorithm.class);

  static {
    SCRIPTS.put(Algorithm.SLIDING_LOG, RedisScript.fromClasspath(RedisRateLimiter.class, "prelude.lua", "sliding_log.lua"));
    SCRIPTS.put(Algorithm.SLIDING_COUNTER, RedisScript.fromClasspath(RedisRateLimiter.class, "prelude.lua", "sliding_counter.lua"));
    SCRIPTS.put(Algorithm.FIXED_WINDOW, RedisScript.fromClasspath(RedisRateLimiter.class, "prelude.lua", "fixed_window.lua"));
    SCRIPTS.put(Algorithm.TOKEN_BUCKET, RedisScript.fromClasspath(RedisRateLimiter.class, "prelude.lua", "token_bucket.lua"));
  }

  private final RedisConnector connector;
  private final RateLimitPolicy policy;
  private final RedisScript script;
  private final KeySpace keySpace;
  private final String keySuffix;
  private final TimeSource time;
  private final boolean serverTime;
  private final List<Limit> limits;
  private final String[] limitArgs;
  private final long timeoutNanos;
  private final Duration failClosedRetry;
  private final @Nullable InMemoryRateLimiter fallback;
  private final @Nullable Cache<String, Denial> denials;
  private final @Nullable MeterRegistry meters;
  private final @Nullable Timer latency;
  private final @Nullable Counter denyCacheHits;
  private final Object healthLock = new Object();
  private volatile boolean degraded;
  private @Nullable Instant degradedSince;
  private @Nullable String lastError;
  private long fallbackDecisions;

  private RedisRateLimiter(RedisConnector connector, RateLimitPolicy policy, RateLimiterOptions options) {
    this.connector = connector;
    this.policy = policy;
    this.script = SCRIPTS.get(policy.algorithm());
    this.keySpace = options.keySpace();
    this.keySuffix = ":" + policy.algorithm().code();
    this.time = options.timeSource();
    this.serverTime = options.serverTime();
    this.limits = policy.limits();
    this.limitArgs = new String[2 * limits.size()];
    for (int i = 0; i < limits.size(); i++) {
      limitArgs[2 * i] = Long.toString(limits.get(i).permits());
      limitArgs[2 * i + 1] = Long.toString(limits.get(i).windowMicros());
    }
    this.timeoutNanos = policy.redisTimeout().toNanos();
    Duration shortest = limits.stream().map(Limit::window).min(Duration::compareTo).orElseThrow();
    this.failClosedRetry = shortest.compareTo(Duration.ofSeconds(1)) < 0 ? shortest : Duration.ofSeconds(1);
    this.fallback = policy.failureMode() == FailureMode.LOCAL_FALLBACK
        ? InMemoryRateLimiter.create(policy.scaled(policy.fallbackShare()), options) : null;
    this.denials = policy.localDenyCache()
        ? Caffeine.newBuilder().maximumSize(options.maxKeys()).ticker(time::nanoTime)
            .expireAfter(Expiry.creating((String k, Denial d) -> Duration.ofNanos(d.untilNanos - time.nanoTime())))
            .build()
        : null;
    this.meters = options.meterRegistry().orElse(null);
    if (meters != null) {
      this.latency = Timer.builder("headroom.ratelimit.redis.latency").description("Redis rate-limit decision round trips")
          .tag("policy", policy.name()).register(meters);
      this.denyCacheHits = Counter.builder("headroom.ratelimit.deny.cache.hits")
          .description("Decisions answered by the local deny cache without a Redis round trip")
          .tag("policy", policy.name()).register(meters);
    } else {
      this.latency = null;
      this.denyCacheHits = null;
    }
  }

  /** A limiter for {@code policy}; prefer {@link dev.headroom.ratelimit.RateLimiters#redis}, which adds shadow mode and meters. */
  public static RedisRateLimiter create(RedisConnector connector, RateLimitPolicy policy, RateLimiterOptions options) {
    Objects.requireNonNull(connector, "connector");
    Objects.requireNonNull(policy, "policy");
    Objects.requireNonNull(options, "options");
    return new RedisRateLimiter(connector, policy, options);
  }

  @Override
  public RateLimitPolicy policy() {
    return policy;
  }

  /**
   * The Redis key holding {@code key}'s state under this policy.
   *
   * @throws IllegalArgumentException naming the policy if the full key exceeds the key space's limit
   */
  public String redisKey(String key) {
    try {
      return keySpace.taggedKey(policy.name() + ":" + key, keySuffix);
    } catch (InvalidKeyException e) {
      throw new IllegalArgumentException("policy '" + policy.name() + "': " + e.getMessage(), e);
    }
  }

  /**
   * Decides on the calling thread: it waits for the reply at most the policy's Redis timeout (no
   * timer involved) and builds the decision itself, so Lettuce's I/O thread only hands the reply over.
   */
  @Override
  public Decision tryAcquire(String key, long permits) {
    policy.checkRequest(key, permits);
    Decision cached = cachedDenial(key, permits);
    if (cached != null) {
      return cached;
    }
    long start = System.nanoTime();
    CompletableFuture<List<Object>> reply = send(key, permits);
    try {
      return onReply(key, permits, reply.get(timeoutNanos, TimeUnit.NANOSECONDS), start);
    } catch (ExecutionException e) {
      return onFailure(key, permits, e.getCause() == null ? e : e.getCause());
    } catch (TimeoutException e) {
      return onFailure(key, permits, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return onFailure(key, permits, e);
    }
  }

  @Override
  public CompletableFuture<Decision> tryAcquireAsync(String key, long permits) {
    policy.checkRequest(key, permits);
    Decision cached = cachedDenial(key, permits);
    if (cached != null) {
      return CompletableFuture.completedFuture(cached);
    }
    long start = System.nanoTime();
    return send(key, permits).orTimeout(timeoutNanos, TimeUnit.NANOSECONDS).handle((r, failure) -> failure == null
        ? onReply(key, permits, r, start) : onFailure(key, permits, failure));
  }

  private @Nullable Decision cachedDenial(String key, long permits) {
    if (denials == null) {
      return null;
    }
    Denial denial = denials.getIfPresent(key);
    if (denial == null || permits != denial.permits) {
      return null;
    }
    long now = time.nanoTime();
    if (now - denial.untilNanos >= 0) {
      return null;
    }
    if (denyCacheHits != null) {
      denyCacheHits.increment();
    }
    return denial.at(now, time.now());
  }

  private CompletableFuture<List<Object>> send(String key, long permits) {
    String[] keys = {redisKey(key)};
    String[] args = new String[2 + limitArgs.length];
    args[0] = Long.toString(permits);
    args[1] = serverTime ? "" : Long.toString(time.nanoTime() / 1000);
    System.arraycopy(limitArgs, 0, args, 2, limitArgs.length);
    return script.execute(connector, ScriptOutputType.MULTI, keys, args);
  }

  private Decision onReply(String key, long permits, List<Object> reply, long start) {
    if (latency != null) {
      latency.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
    }
    if (degraded) {
      recovered();
    }
    boolean allowed = ((Long) reply.get(0)) == 1L;
    Limit limit = limits.get((int) (((Long) reply.get(1)) - 1));
    long remaining = Math.max(0, (Long) reply.get(2));
    Duration resetAfter = micros((Long) reply.get(3));
    Instant now = time.now();
    if (allowed) {
      return Decision.allowed(policy.name(), limit, remaining, resetAfter, now, DecisionSource.LIMITER);
    }
    Duration retryAfter = micros((Long) reply.get(4));
    Decision d = Decision.denied(policy.name(), limit, remaining, resetAfter, retryAfter, now, DecisionSource.LIMITER);
    if (denials != null && !retryAfter.isZero()) {
      denials.put(key, new Denial(d, permits, time.nanoTime()));
    }
    return d;
  }

  private Decision onFailure(String key, long permits, Throwable failure) {
    Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
    String reason = cause instanceof TimeoutException ? "timeout"
        : cause instanceof InterruptedException ? "interrupted"
        : RedisConnector.isUnavailability(cause) ? "unavailable" : "error";
    if (reason.equals("error")) {
      log.warn("rate limiter '{}': Redis failed with an error, applying {}", policy.name(), policy.failureMode(), cause);
    }
    if (!reason.equals("interrupted")) {
      degrade(reason + ": " + cause);
    }
    if (meters != null) {
      Counter.builder("headroom.ratelimit.fallbacks").description("Decisions made by a failure mode because Redis failed")
          .tag("policy", policy.name()).tag("mode", policy.failureMode().name().toLowerCase(java.util.Locale.ROOT))
          .tag("reason", reason).register(meters).increment();
    }
    Instant now = time.now();
    Limit first = limits.get(0);
    switch (policy.failureMode()) {
      case FAIL_OPEN:
        return Decision.allowed(policy.name(), first, Math.max(0, first.permits() - permits), Duration.ZERO, now,
            DecisionSource.FAIL_OPEN);
      case FAIL_CLOSED:
        return Decision.denied(policy.name(), first, 0, Duration.ZERO, failClosedRetry, now, DecisionSource.FAIL_CLOSED);
      default:
        InMemoryRateLimiter local = Objects.requireNonNull(fallback);
        List<Limit> scaled = local.policy().limits();
        long smallest = scaled.stream().mapToLong(Limit::permits).min().orElseThrow();
        if (permits > smallest) {
          return Decision.denied(policy.name(), scaled.get(0), 0, Duration.ZERO, failClosedRetry, now,
              DecisionSource.LOCAL_FALLBACK);
        }
        return local.tryAcquire(key, permits).withSource(DecisionSource.LOCAL_FALLBACK);
    }
  }

  private void degrade(String error) {
    synchronized (healthLock) {
      if (!degraded) {
        degradedSince = time.now();
        log.warn("rate limiter '{}': Redis unavailable ({}); deciding by {} until it answers again", policy.name(),
            error, policy.failureMode());
      }
      degraded = true;
      lastError = error;
      fallbackDecisions++;
    }
  }

  private void recovered() {
    synchronized (healthLock) {
      if (degraded) {
        log.info("rate limiter '{}': Redis answers again after {} fallback decisions", policy.name(), fallbackDecisions);
        degraded = false;
        degradedSince = null;
        lastError = null;
        fallbackDecisions = 0;
      }
    }
  }

  /**
   * UP while Redis answers; DEGRADED while decisions are made by the failure mode (from the first
   * failed decision to the next successful one), with the mode, since when, the last error and the
   * number of fallback decisions in the details. Never blocks.
   */
  @Override
  public Health health() {
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("backend", "redis");
    details.put("algorithm", policy.algorithm().name());
    details.put("failureMode", policy.failureMode().name());
    synchronized (healthLock) {
      if (!degraded) {
        return Health.of(HealthStatus.UP, details);
      }
      details.put("since", String.valueOf(degradedSince));
      details.put("lastError", String.valueOf(lastError));
      details.put("fallbackDecisions", fallbackDecisions);
    }
    return Health.of(HealthStatus.DEGRADED, details);
  }

  private static Duration micros(long micros) {
    return Duration.ofNanos(Math.max(0, micros) * 1000);
  }

  @Override
  public String toString() {
    return "RedisRateLimiter[" + policy + ", " + connector + "]";
  }

  /** A denial remembered by the local deny cache until {@code untilNanos}. */
  private static final class Denial {
    final Decision decision;
    final long permits;
    final long createdNanos;
    final long untilNanos;

    Denial(Decision decision, long permits, long createdNanos) {
      this.decision = decision;
      this.permits = permits;
      this.createdNanos = createdNanos;
      this.untilNanos = createdNanos + decision.retryAfter().toNanos();
    }

    Decision at(long nowNanos, Instant now) {
      Duration elapsed = Duration.ofNanos(nowNanos - createdNanos);
      Duration reset = decision.resetAfter().minus(elapsed);
      return Decision.denied(decision.policy(), decision.limit(), decision.remaining(),
          reset.isNegative() ? Duration.ZERO : reset, Duration.ofNanos(untilNanos - nowNanos), now,
          DecisionSource.DENY_CACHE);
    }
  }
}
