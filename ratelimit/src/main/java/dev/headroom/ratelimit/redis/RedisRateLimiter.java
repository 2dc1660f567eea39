package dev.headroom.ratelimit.redis;

import static dev.headroom.core.metrics.HeadroomMeters.RATELIMIT_DENY_CACHE_HITS;
import static dev.headroom.core.metrics.HeadroomMeters.RATELIMIT_FALLBACKS;
import static dev.headroom.core.metrics.HeadroomMeters.RATELIMIT_REDIS_LATENCY;
import static dev.headroom.core.metrics.HeadroomMeters.TAG_MODE;
import static dev.headroom.core.metrics.HeadroomMeters.TAG_REASON;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import dev.headroom.core.concurrent.Failures;
import dev.headroom.core.health.Health;
import dev.headroom.core.health.HealthStatus;
import dev.headroom.core.health.Outage;
import dev.headroom.core.key.InvalidKeyException;
import dev.headroom.core.key.KeySpace;
import dev.headroom.core.metrics.InstanceMeters;
import dev.headroom.core.redis.RedisConnector;
import dev.headroom.core.redis.RedisScript;
import dev.headroom.core.time.TimeSource;
import dev.headroom.ratelimit.Algorithm;
import dev.headroom.ratelimit.Decision;
import dev.headroom.ratelimit.DecisionSource;
import dev.headroom.ratelimit.FailureMode;
import dev.headroom.ratelimit.Limit;
import dev.headroom.ratelimit.RateLimitPolicy;
import dev.headroom.ratelimit.RateLimiterConfig;
import dev.headroom.ratelimit.memory.InMemoryRateLimiter;
import dev.headroom.ratelimit.spi.LimiterBackend;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.output.CommandOutput;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.CommandType;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Redis backend: each decision is one {@code EVALSHA} of the algorithm's script (several limits
 * included), on one key {@code <key space>{<limiter>:<key>}:<algorithm>} whose hash tag keeps it
 * Cluster-safe and whose expiry ends just past its window. Time is the Redis server's. When Redis
 * fails or is slower than the configured timeout, the configured {@link FailureMode} decides, the
 * decision is counted, and health is DEGRADED until Redis answers again. With the local deny cache
 * on, a key denied until T is denied on this node without a round trip until T, for requests of the
 * same size, when the denial was one permit short (then its answer, permits left included, holds
 * until T unless other nodes take permits meanwhile); an admission on this node forgets it. The
 * deny cache and the round-trip meter read the configured time source; the Redis deadline is real
 * time, as it bounds real I/O. Reached through {@link dev.headroom.ratelimit.RateLimiters#redis}.
 * Thread-safe.
 */
public final class RedisRateLimiter implements LimiterBackend {

  private static final Logger log = LoggerFactory.getLogger(RedisRateLimiter.class);
  private static final Map<Algorithm, RedisScript> SCRIPTS = new EnumMap<>(Algorithm.class);
  private static final TimeUnit NANOS = TimeUnit.NANOSECONDS;
  private static final String[] REASONS = {"timeout", "interrupted", "unavailable", "error"};

  /**
   * Where asynchronous decisions of the failure mode run: short work (a local decision), never on a
   * Lettuce I/O thread, and not on the common fork-join pool either: on a two-core machine that
   * pool has a single thread, which any task of the application (a cache loader waiting on a
   * database, say) can hold, and a request waiting for its decision must not queue behind it.
   * Daemon threads, as many as the cores (at least two), ended after a minute idle.
   */
  private static final Executor FALLBACK = fallbackExecutor();

  /** Connectors whose eviction policy was warned about: once per connector is enough. */
  private static final Set<RedisConnector> WARNED =
      Collections.synchronizedSet(Collections.newSetFromMap(new WeakHashMap<>()));

  /**
   * Where the connector's shared connection is opened, which blocks up to its connect and command
   * timeouts: daemon threads, created on demand and ended after a minute idle.
   */
  private static final ExecutorService CONNECTING =
      Executors.newCachedThreadPool(
          r -> {
            Thread t = new Thread(r, "headroom-ratelimit-connect");
            t.setDaemon(true);
            return t;
          });

  private static Executor fallbackExecutor() {
    int threads = Math.max(2, Runtime.getRuntime().availableProcessors());
    ThreadPoolExecutor pool =
        new ThreadPoolExecutor(
            threads,
            threads,
            1,
            TimeUnit.MINUTES,
            new LinkedBlockingQueue<>(),
            r -> {
              Thread t = new Thread(r, "headroom-ratelimit-fallback");
              t.setDaemon(true);
              return t;
            });
    pool.allowCoreThreadTimeOut(true);
    return pool;
  }

  static {
    SCRIPTS.put(
        Algorithm.SLIDING_LOG,
        RedisScript.fromClasspath(RedisRateLimiter.class, "prelude.lua", "sliding_log.lua"));
    SCRIPTS.put(
        Algorithm.SLIDING_COUNTER,
        RedisScript.fromClasspath(RedisRateLimiter.class, "prelude.lua", "sliding_counter.lua"));
    SCRIPTS.put(
        Algorithm.FIXED_WINDOW,
        RedisScript.fromClasspath(RedisRateLimiter.class, "prelude.lua", "fixed_window.lua"));
    SCRIPTS.put(
        Algorithm.TOKEN_BUCKET,
        RedisScript.fromClasspath(RedisRateLimiter.class, "prelude.lua", "token_bucket.lua"));
  }

  private final RedisConnector connector;
  private final String name;
  private final RateLimiterConfig config;
  private final FailureMode failureMode;
  private final RedisScript script;
  private final KeySpace keySpace;
  private final String keySuffix;
  private final TimeSource time;
  private final boolean serverTime;
  private final List<Limit> limits;
  private final String[] limitArgs;
  // the arguments of a one-permit request on server time: the same for every call, and Lettuce
  // only reads them, so one array serves every call
  private final String @Nullable [] onePermitArgs;
  private final long timeoutNanos;
  private final Duration failClosedRetry;
  private final @Nullable InMemoryRateLimiter fallback;
  private final @Nullable Cache<String, Denial> denials;
  private final @Nullable Timer latency;
  private final @Nullable Counter denyCacheHits;
  private final @Nullable Counter @Nullable [] fallbacks;
  private final Outage outage;
  private final AtomicLong fallbackDecisions = new AtomicLong();
  private final AtomicReference<@Nullable CompletableFuture<@Nullable Void>> connecting =
      new AtomicReference<>();
  private volatile boolean connected;
  private volatile @Nullable String maxmemoryPolicy;
  private volatile @Nullable String lastReason;

  private RedisRateLimiter(
      RedisConnector connector, String name, RateLimiterConfig config, InstanceMeters meters) {
    this.connector = connector;
    this.name = name;
    this.config = config;
    this.failureMode = config.failureMode();
    RateLimitPolicy policy = config.policy();
    this.script =
        Objects.requireNonNull(SCRIPTS.get(policy.algorithm()), "every algorithm has a script");
    this.keySpace = config.keySpace();
    this.keySuffix = ":" + policy.algorithm().code();
    this.time = config.timeSource();
    this.serverTime = config.serverTime();
    this.limits = policy.limits();
    this.limitArgs = new String[2 * limits.size()];
    for (int i = 0; i < limits.size(); i++) {
      limitArgs[2 * i] = Long.toString(limits.get(i).permits());
      limitArgs[2 * i + 1] = Long.toString(limits.get(i).windowMicros());
    }
    this.onePermitArgs = serverTime ? args(1, "") : null;
    this.timeoutNanos = config.redisTimeout().toNanos();
    Duration shortest = limits.stream().map(Limit::window).min(Duration::compareTo).orElseThrow();
    this.failClosedRetry =
        shortest.compareTo(Duration.ofSeconds(1)) < 0 ? shortest : Duration.ofSeconds(1);
    this.fallback =
        failureMode == FailureMode.LOCAL_FALLBACK
            ? InMemoryRateLimiter.create(
                name, config.toBuilder().policy(policy.scaled(config.fallbackShare())).build())
            : null;
    this.denials =
        config.localDenyCache()
            ? Caffeine.newBuilder()
                .maximumSize(denyCacheBound(config))
                .ticker(time::nanoTime)
                .expireAfter(
                    Expiry.creating(
                        (String k, Denial d) -> Duration.ofNanos(d.untilNanos - time.nanoTime())))
                .build()
            : null;
    this.latency =
        meters.register(
            r ->
                Timer.builder(RATELIMIT_REDIS_LATENCY)
                    .description("Redis rate-limit decision round trips")
                    .tags(meters.tags())
                    .register(r));
    this.denyCacheHits =
        meters.register(
            r ->
                Counter.builder(RATELIMIT_DENY_CACHE_HITS)
                    .description(
                        "Decisions answered by the local deny cache without a Redis round trip")
                    .tags(meters.tags())
                    .register(r));
    if (meters.enabled()) {
      String mode = failureMode.name().toLowerCase(Locale.ROOT);
      this.fallbacks = new Counter[REASONS.length];
      for (int i = 0; i < REASONS.length; i++) {
        String reason = REASONS[i];
        fallbacks[i] =
            meters.register(
                r ->
                    Counter.builder(RATELIMIT_FALLBACKS)
                        .description("Decisions made by a failure mode because Redis failed")
                        .tags(meters.tags(TAG_MODE, mode, TAG_REASON, reason))
                        .register(r));
      }
    } else {
      this.fallbacks = null;
    }
    this.outage =
        new Outage("rate limiter '" + name + "' (deciding by " + failureMode + " meanwhile)", time);
  }

  /** The most denials the deny cache keeps: a tenth of {@code maxKeys}, at least 1. */
  static long denyCacheBound(RateLimiterConfig config) {
    return Math.max(1, config.maxKeys() / 10);
  }

  /**
   * The backend of the limiter {@code name} on {@code connector} (shared, not owned), binding its
   * own meters to {@code meters}.
   */
  public static RedisRateLimiter create(
      RedisConnector connector, String name, RateLimiterConfig config, InstanceMeters meters) {
    Objects.requireNonNull(connector, "connector");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(meters, "meters");
    RedisRateLimiter limiter = new RedisRateLimiter(connector, name, config, meters);
    // start opening the connection now, so the first decisions need not wait for it; a failure is
    // the decisions' business, and once open the limiter reads the eviction policy
    var unused = limiter.connect().thenRunAsync(limiter::checkEvictionPolicy, FALLBACK);
    return limiter;
  }

  /**
   * Reads {@code maxmemory} and {@code maxmemory-policy} once: with a memory limit and any policy
   * but {@code noeviction}, Redis may evict a limiter key under memory pressure, which resets that
   * key's budget; that is logged once per connector as a warning and shown in the health details. A
   * server that refuses {@code CONFIG} (renamed or disabled, as managed services do) is tolerated:
   * the policy stays unknown.
   */
  private void checkEvictionPolicy() {
    CompletableFuture<Map<String, String>> config;
    try {
      config = connector.async().configGet("maxmemory*").toCompletableFuture();
    } catch (RuntimeException e) {
      log.debug("rate limiter '{}': could not read maxmemory-policy", name, e);
      return;
    }
    // the stage whenCompleteAsync returns carries nothing: both outcomes are handled here
    var unused =
        config.whenCompleteAsync(
            (settings, failure) -> {
              if (failure != null || settings == null) {
                log.debug(
                    "rate limiter '{}': could not read maxmemory-policy (CONFIG disabled?)",
                    name,
                    failure);
                return;
              }
              String policy = settings.get("maxmemory-policy");
              String maxmemory = settings.get("maxmemory");
              if (policy == null) {
                return;
              }
              maxmemoryPolicy = policy;
              if (!policy.equals("noeviction")
                  && maxmemory != null
                  && !maxmemory.equals("0")
                  && WARNED.add(connector)) {
                log.warn(
                    "rate limiter '{}': Redis {} has maxmemory {} and maxmemory-policy {}: under"
                        + " memory pressure it may evict a limiter key, which resets that key's"
                        + " budget (up to a full limit is admitted again). Prefer noeviction with"
                        + " enough memory, or a Redis of its own for limiters (see the ratelimit"
                        + " README, 'Redis in production')",
                    name,
                    connector.url(),
                    maxmemory,
                    policy);
              }
            },
            FALLBACK);
  }

  /**
   * The Redis key holding {@code key}'s state under this limiter.
   *
   * @throws IllegalArgumentException naming the limiter if the full key exceeds the key space's
   *     limit
   */
  String redisKey(String key) {
    try {
      return keySpace.taggedKey(name + ":" + key, keySuffix);
    } catch (InvalidKeyException e) {
      throw new IllegalArgumentException("rate limiter '" + name + "': " + e.getMessage(), e);
    }
  }

  /**
   * Decides on the calling thread: it waits for the reply at most the configured Redis timeout (no
   * timer involved) and builds the decision itself, so Lettuce's I/O thread only hands the reply
   * over.
   */
  @Override
  public Decision tryAcquire(String key, long permits) {
    Denial denial = denial(key);
    Decision cached = cachedDenial(denial, permits);
    if (cached != null) {
      return cached;
    }
    long start = time.nanoTime();
    String redisKey = redisKey(key);
    String[] args = args(permits);
    Reply reply;
    try {
      reply = connected ? await(redisKey, args) : send(redisKey, args).get(timeoutNanos, NANOS);
    } catch (ExecutionException e) {
      return onFailure(key, permits, e);
    } catch (TimeoutException e) {
      return onFailure(key, permits, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return onFailure(key, permits, e);
    } catch (RuntimeException e) { // no connection could be opened
      return onFailure(key, permits, e);
    }
    return onReply(key, permits, reply, start, denial != null);
  }

  /**
   * The reply on an open connection, waiting on Lettuce's own future: {@code NOSCRIPT} is handled
   * here rather than by a dependent stage, which every call would pay for.
   */
  private Reply await(String redisKey, String[] args)
      throws ExecutionException, TimeoutException, InterruptedException {
    long deadline = System.nanoTime() + timeoutNanos;
    try {
      return run(false, redisKey, args).get(timeoutNanos, NANOS);
    } catch (ExecutionException e) {
      if (!(e.getCause() instanceof RedisNoScriptException)) {
        throw e;
      }
      return run(true, redisKey, args).get(deadline - System.nanoTime(), NANOS);
    }
  }

  /**
   * Never blocks: the reply is turned into a decision on the thread that completes it (a Lettuce
   * I/O thread; that takes microseconds), while a failure is decided on {@link #FALLBACK} (the
   * failure mode may run the local fallback limiter, which can park, lock or run Caffeine's
   * maintenance, none of which belongs on an I/O thread or on the timer thread of {@code
   * orTimeout}).
   */
  @Override
  public CompletableFuture<Decision> tryAcquireAsync(String key, long permits) {
    Denial denial = denial(key);
    Decision cached = cachedDenial(denial, permits);
    if (cached != null) {
      return CompletableFuture.completedFuture(cached);
    }
    long start = time.nanoTime();
    boolean remembered = denial != null;
    CompletableFuture<Decision> decision = new CompletableFuture<>();
    CompletableFuture<Reply> reply = send(redisKey(key), args(permits));
    // the stage whenComplete returns only mirrors the reply; the decision carries every outcome
    var unused =
        reply
            .orTimeout(timeoutNanos, TimeUnit.NANOSECONDS)
            .whenComplete(
                (r, failure) -> {
                  if (failure == null) {
                    decide(decision, () -> onReply(key, permits, r, start, remembered));
                  } else {
                    FALLBACK.execute(
                        () -> decide(decision, () -> onFailure(key, permits, failure)));
                  }
                });
    return decision;
  }

  private static void decide(CompletableFuture<Decision> decision, Supplier<Decision> how) {
    try {
      decision.complete(how.get());
    } catch (RuntimeException | Error e) {
      decision.completeExceptionally(e);
    }
  }

  private @Nullable Denial denial(String key) {
    return denials == null ? null : denials.getIfPresent(key);
  }

  private @Nullable Decision cachedDenial(@Nullable Denial denial, long permits) {
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

  /** The script's arguments: permits, the caller's time or "" for the server's, the limits. */
  private String[] args(long permits) {
    if (permits == 1 && onePermitArgs != null) {
      return onePermitArgs;
    }
    return args(permits, serverTime ? "" : Long.toString(time.nanoTime() / 1000));
  }

  private String[] args(long permits, String now) {
    String[] args = new String[2 + limitArgs.length];
    args[0] = Long.toString(permits);
    args[1] = now;
    System.arraycopy(limitArgs, 0, args, 2, limitArgs.length);
    return args;
  }

  /**
   * The script's reply: {@code EVALSHA}, repeated once as {@code EVAL} with the body when the
   * server answers {@code NOSCRIPT} (as {@link RedisScript#execute} does), once the connection is
   * open.
   */
  private CompletableFuture<Reply> send(String redisKey, String[] args) {
    if (connected) {
      return sendNow(redisKey, args);
    }
    return connect().thenCompose(v -> sendNow(redisKey, args));
  }

  private CompletableFuture<Reply> sendNow(String redisKey, String[] args) {
    try {
      return run(false, redisKey, args)
          .exceptionallyCompose(
              failure -> {
                if (Failures.unwrap(failure) instanceof RedisNoScriptException) {
                  return run(true, redisKey, args);
                }
                return CompletableFuture.failedFuture(failure);
              });
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /**
   * One {@code EVALSHA} ({@code EVAL} with the body if {@code body}) of the script, its reply read
   * straight into a {@link Reply}: the same command {@link RedisScript#execute} sends, without the
   * list and boxed numbers of Lettuce's generic script output. Throws {@link
   * dev.headroom.core.redis.RedisUnavailableException} while no connection could be opened.
   */
  private CompletableFuture<Reply> run(boolean body, String redisKey, String[] args) {
    RedisClusterAsyncCommands<String, String> commands = connector.async();
    CommandArgs<String, String> command = new CommandArgs<>(StringCodec.UTF8);
    if (body) {
      command.add(script.body().getBytes(StandardCharsets.UTF_8));
    } else {
      command.add(script.sha1());
    }
    command.add(1).addKey(redisKey).addValues(args);
    return commands
        .dispatch(body ? CommandType.EVAL : CommandType.EVALSHA, new Reply(), command)
        .toCompletableFuture();
  }

  /**
   * Opens the connector's shared connection off the caller's thread. The connector opens it on
   * first use, synchronously, and against a Redis that accepts but does not answer that takes its
   * connect and command timeouts (seconds), far past this limiter's Redis timeout. So until it is
   * open, commands wait for one attempt in the background (one at a time per limiter; the connector
   * spaces failed attempts), and the caller's own deadline still bounds the wait. Once open, the
   * connection stays (Lettuce reconnects it), and commands go straight to it.
   */
  private CompletableFuture<@Nullable Void> connect() {
    while (true) {
      CompletableFuture<@Nullable Void> current = connecting.get();
      if (current != null && !(current.isDone() && current.isCompletedExceptionally())) {
        return current; // in flight, or open
      }
      CompletableFuture<@Nullable Void> attempt = new CompletableFuture<>();
      if (connecting.compareAndSet(current, attempt)) {
        CONNECTING.execute(
            () -> {
              try {
                var unused = connector.async(); // opens the shared connection
                connected = true;
                attempt.complete(null);
              } catch (RuntimeException e) {
                attempt.completeExceptionally(e);
              }
            });
        return attempt;
      }
    }
  }

  /**
   * The decision in {@code reply}. {@code remembered}: whether the deny cache held a denial of
   * {@code key} when the call began; an admission forgets it (a key with none is not looked up
   * again: a denial that another call remembers meanwhile is as stale as one remembered just after
   * this admission, which the cache has always allowed for).
   */
  private Decision onReply(String key, long permits, Reply reply, long start, boolean remembered) {
    if (latency != null) {
      latency.record(time.nanoTime() - start, TimeUnit.NANOSECONDS);
    }
    if (outage.isUnavailable()) {
      recovered();
    }
    reply.check();
    boolean allowed = reply.allowed == 1L;
    Limit limit = limits.get((int) (reply.index - 1));
    long remaining = Math.max(0, reply.remaining);
    long resetAfterNanos = nanos(reply.reset);
    long now = time.currentTimeMillis();
    if (allowed) {
      if (remembered && denials != null) {
        denials.invalidate(key); // what this node remembered no longer holds
      }
      return Decision.of(
          true, name, limit, remaining, resetAfterNanos, 0, now, DecisionSource.LIMITER);
    }
    long retryAfterNanos = nanos(reply.retry);
    Decision d =
        Decision.of(
            false,
            name,
            limit,
            remaining,
            resetAfterNanos,
            retryAfterNanos,
            now,
            DecisionSource.LIMITER);
    // Only a denial one permit short is remembered: until its retry-after nothing it reports can
    // change (with more missing, the permits left grow before then, and the cache would report a
    // stale count)
    if (denials != null && retryAfterNanos != 0 && remaining == permits - 1) {
      denials.put(key, new Denial(d, permits, time.nanoTime()));
    }
    return d;
  }

  private Decision onFailure(String key, long permits, Throwable failure) {
    Throwable cause = Failures.unwrap(failure);
    int reason =
        cause instanceof TimeoutException
            ? 0
            : cause instanceof InterruptedException
                ? 1
                : RedisConnector.isUnavailability(cause) ? 2 : 3;
    if (reason == 3) {
      log.warn(
          "rate limiter '{}': Redis failed with an error, applying {}", name, failureMode, cause);
    }
    if (reason != 1) {
      lastReason = REASONS[reason];
      outage.unavailable(cause);
      fallbackDecisions.incrementAndGet();
    }
    if (fallbacks != null) {
      Objects.requireNonNull(fallbacks[reason]).increment();
    }
    Instant now = time.now();
    Limit first = limits.get(0);
    return switch (failureMode) {
      case FAIL_OPEN ->
          Decision.allowed(
              name,
              first,
              Math.max(0, first.permits() - permits),
              Duration.ZERO,
              now,
              DecisionSource.FAIL_OPEN);
      case FAIL_CLOSED ->
          Decision.denied(
              name, first, 0, Duration.ZERO, failClosedRetry, now, DecisionSource.FAIL_CLOSED);
      default -> {
        InMemoryRateLimiter local = Objects.requireNonNull(fallback);
        RateLimitPolicy scaled = local.policy();
        if (permits > scaled.smallestPermits()) {
          yield Decision.denied(
              name,
              scaled.limits().get(0),
              0,
              Duration.ZERO,
              failClosedRetry,
              now,
              DecisionSource.LOCAL_FALLBACK);
        }
        yield local.tryAcquire(key, permits).withSource(DecisionSource.LOCAL_FALLBACK);
      }
    };
  }

  private void recovered() {
    long decisions = fallbackDecisions.getAndSet(0);
    outage.available();
    lastReason = null;
    if (decisions > 0) {
      log.info(
          "rate limiter '{}': {} decisions were made by {} while Redis was unavailable",
          name,
          decisions,
          failureMode);
    }
  }

  /**
   * UP while Redis answers; DEGRADED while decisions are made by the failure mode (from the first
   * failed decision to the next successful one), with the mode, since when, the last error, its
   * reason ({@code timeout}, {@code unavailable} or {@code error}) and the number of fallback
   * decisions in the details. Never blocks.
   */
  @Override
  public Health health() {
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("backend", "redis");
    details.put("algorithm", config.algorithm().name());
    details.put("failureMode", failureMode.name());
    if (denials != null) {
      details.put("denyCacheKeys", denials.estimatedSize());
    }
    String policy = maxmemoryPolicy;
    if (policy != null) {
      details.put("maxmemoryPolicy", policy);
    }
    if (!outage.isUnavailable()) {
      return Health.of(HealthStatus.UP, details);
    }
    outage.addTo(details);
    details.put("lastReason", String.valueOf(lastReason));
    details.put("fallbackDecisions", fallbackDecisions.get());
    return Health.of(HealthStatus.DEGRADED, details);
  }

  /** Drops the deny cache and the fallback limiter's state; the connector stays open. */
  @Override
  public void close() {
    if (denials != null) {
      denials.invalidateAll();
    }
    if (fallback != null) {
      fallback.close();
    }
  }

  private static long nanos(long micros) {
    return Math.max(0, micros) * 1000;
  }

  @Override
  public String toString() {
    return "RedisRateLimiter[" + name + ", " + config.policy() + ", " + connector + "]";
  }

  /**
   * The script's reply, {allowed 0|1, index of the limit (1-based), remaining, reset µs, retry µs},
   * read as it is parsed: five numbers, no list, no boxing.
   */
  static final class Reply extends CommandOutput<String, String, Reply> {
    long allowed;
    long index;
    long remaining;
    long reset;
    long retry;
    private int count;

    Reply() {
      super(StringCodec.UTF8, null);
    }

    @Override
    public Reply get() {
      return this;
    }

    @Override
    public void set(long integer) {
      switch (count++) {
        case 0 -> allowed = integer;
        case 1 -> index = integer;
        case 2 -> remaining = integer;
        case 3 -> reset = integer;
        case 4 -> retry = integer;
        default -> {} // more than five: check() refuses the reply
      }
    }

    @Override
    public void set(@Nullable ByteBuffer bytes) {
      count = Integer.MIN_VALUE; // not a number: check() refuses the reply
    }

    @Override
    public void multi(int count) {}

    /** Throws unless the reply was exactly five numbers. */
    void check() {
      if (count != 5) {
        throw new IllegalStateException(
            "the rate-limit script answered something other than five numbers");
      }
    }
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
      return Decision.denied(
          decision.limiter(),
          decision.limit(),
          decision.remaining(),
          reset.isNegative() ? Duration.ZERO : reset,
          Duration.ofNanos(untilNanos - nowNanos),
          now,
          DecisionSource.DENY_CACHE);
    }
  }
}
