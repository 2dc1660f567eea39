package dev.headroom.core.metrics;

/**
 * The one list of meter names and tag keys that Headroom publishes: each module registers its
 * meters under these names, and headroom-monitoring (or a dashboard) reads them back. A rename here
 * is a rename everywhere, checked by the compiler.
 *
 * <p>Every meter carries exactly one instance tag, whose key names the kind of instance: {@link
 * #TAG_CACHE}, {@link #TAG_LIMITER}, {@link #TAG_QUEUE}, {@link #TAG_BATCHER}, {@link
 * #TAG_DEBOUNCER}, {@link #TAG_ROUTER}, {@link #TAG_VERIFIER}. Meters are removed from the registry
 * when their instance closes ({@link InstanceMeters}). No meter is a roll-up of other series, so
 * summing a meter over its tags never counts an event twice.
 */
public final class HeadroomMeters {

  private HeadroomMeters() {}

  // ---- Instance tag keys: one per kind ----

  /** Instance tag of cache meters: the cache's name. */
  public static final String TAG_CACHE = "cache";

  /** Instance tag of rate-limit meters: the limiter's name (its policy's name). */
  public static final String TAG_LIMITER = "limiter";

  /** Instance tag of queue meters: the queue's name. */
  public static final String TAG_QUEUE = "queue";

  /** Instance tag of batcher meters: the batcher's name. */
  public static final String TAG_BATCHER = "batcher";

  /** Instance tag of debouncer and throttle meters: their name. */
  public static final String TAG_DEBOUNCER = "debouncer";

  /** Instance tag of CDN router meters: the router's name. */
  public static final String TAG_ROUTER = "router";

  /** Instance tag of signed-URL verifier meters: the verifier's name. */
  public static final String TAG_VERIFIER = "verifier";

  /** Instance tag of JDBC pool meters (HikariCP's own key). */
  public static final String TAG_POOL = "pool";

  // ---- Shared tag keys ----

  /** Outcome of an operation: {@code hit}/{@code miss}, {@code allowed}/{@code denied}, ... */
  public static final String TAG_RESULT = "result";

  /** A cache level: {@code l1} or {@code l2}. */
  public static final String TAG_LEVEL = "level";

  /** A state: a job's state, a host's state. */
  public static final String TAG_STATE = "state";

  /** Job type tag of queue meters. */
  public static final String TAG_TYPE = "type";

  /** A read that found the entry. */
  public static final String RESULT_HIT = "hit";

  /** A read that did not find the entry. */
  public static final String RESULT_MISS = "miss";

  // ---- headroom-cache ----

  /** Counter: reads. Tags {@link #TAG_CACHE}, {@link #TAG_LEVEL}, {@link #TAG_RESULT}. */
  public static final String CACHE_GETS = "headroom.cache.gets";

  /** Gauge: hit ratio of one level since start. Tags {@link #TAG_CACHE}, {@link #TAG_LEVEL}. */
  public static final String CACHE_HIT_RATE = "headroom.cache.hit.rate";

  /** Counter: loader calls. Tags {@link #TAG_CACHE}, {@link #TAG_RESULT}. */
  public static final String CACHE_LOADS = "headroom.cache.loads";

  /** Timer: loader calls. Tag {@link #TAG_CACHE}. */
  public static final String CACHE_LOAD_DURATION = "headroom.cache.load.duration";

  /**
   * Function counter: invalidation messages. Tags {@link #TAG_CACHE}, {@link #TAG_DIRECTION}
   * ({@code sent} or {@code received}).
   */
  public static final String CACHE_INVALIDATIONS = "headroom.cache.invalidations";

  /** Direction of a message: {@code sent} or {@code received}. */
  public static final String TAG_DIRECTION = "direction";

  /** Counter: Redis (L2) calls that failed. Tag {@link #TAG_CACHE}. */
  public static final String CACHE_L2_ERRORS = "headroom.cache.l2.errors";

  /**
   * Counter: L2 reads or writes skipped. Tags {@link #TAG_CACHE}, {@link #TAG_REASON} ({@code
   * breaker_open} or {@code too_large}).
   */
  public static final String CACHE_L2_SKIPPED = "headroom.cache.l2.skipped";

  /** Counter: L2 values that failed to decode. Tag {@link #TAG_CACHE}. */
  public static final String CACHE_L2_CORRUPT = "headroom.cache.l2.corrupt";

  /** Gauge: 1 while the L2 is usable (circuit breaker closed), else 0. Tag {@link #TAG_CACHE}. */
  public static final String CACHE_L2_AVAILABLE = "headroom.cache.l2.available";

  /** Counter: gaps in the invalidation stream that cleared L1. Tag {@link #TAG_CACHE}. */
  public static final String CACHE_INVALIDATION_GAPS = "headroom.cache.invalidation.gaps";

  /** Counter: L1 evictions. Tag {@link #TAG_CACHE}. */
  public static final String CACHE_EVICTIONS = "headroom.cache.evictions";

  /** Gauge: entries. Tags {@link #TAG_CACHE}, {@link #TAG_LEVEL}. */
  public static final String CACHE_SIZE = "headroom.cache.size";

  /** Counter: stale values served while revalidating or on error. Tag {@link #TAG_CACHE}. */
  public static final String CACHE_STALE_SERVED = "headroom.cache.stale.served";

  /** Gauge: writes waiting in the write-behind queue. Tag {@link #TAG_CACHE}. */
  public static final String CACHE_WRITE_BEHIND_QUEUE = "headroom.cache.writebehind.queue";

  /** Counter: write-behind writes that failed for good. Tag {@link #TAG_CACHE}. */
  public static final String CACHE_WRITE_BEHIND_FAILURES = "headroom.cache.writebehind.failures";

  /**
   * Micrometer's standard cache meter ({@code CacheMeterBinder}, for example {@code
   * CaffeineCacheMetrics}), which monitoring also reads, with the same {@link #TAG_CACHE} and
   * {@link #TAG_RESULT} tags.
   */
  public static final String MICROMETER_CACHE_GETS = "cache.gets";

  // ---- headroom-ratelimit ----

  /**
   * Counter: decisions. Tags {@link #TAG_LIMITER} and {@link #TAG_RESULT} ({@link
   * #OUTCOME_ALLOWED}, {@link #OUTCOME_DENIED} or {@link #OUTCOME_SHADOW_DENIED}).
   */
  public static final String RATELIMIT_DECISIONS = "headroom.ratelimit.decisions";

  /** The request was admitted. */
  public static final String OUTCOME_ALLOWED = "allowed";

  /** The request was refused. */
  public static final String OUTCOME_DENIED = "denied";

  /** A limiter in shadow mode would have refused the request but let it through. */
  public static final String OUTCOME_SHADOW_DENIED = "shadow_denied";

  /**
   * Counter: decisions made by the failure mode because Redis failed. Tags {@link #TAG_LIMITER},
   * {@link #TAG_MODE}, {@link #TAG_REASON}.
   */
  public static final String RATELIMIT_FALLBACKS = "headroom.ratelimit.fallbacks";

  /**
   * Tag of {@link #RATELIMIT_FALLBACKS}: the failure mode that decided ({@code fail_open}, {@code
   * fail_closed}, {@code local_fallback}).
   */
  public static final String TAG_MODE = "mode";

  /**
   * Why something happened: why Redis did not decide a rate limit ({@code timeout}, {@code
   * unavailable}, {@code error}, {@code interrupted}), why a job was dead-lettered ({@code
   * retries-exhausted}, {@code non-retryable}, {@code stalled}, ...).
   */
  public static final String TAG_REASON = "reason";

  /** Timer: Redis decision round trips. Tag {@link #TAG_LIMITER}. */
  public static final String RATELIMIT_REDIS_LATENCY = "headroom.ratelimit.redis.latency";

  /** Counter: denials answered from the local deny cache. Tag {@link #TAG_LIMITER}. */
  public static final String RATELIMIT_DENY_CACHE_HITS = "headroom.ratelimit.deny.cache.hits";

  // ---- headroom-queue ----

  /** Gauge: jobs by state. Tags {@link #TAG_QUEUE}, {@link #TAG_STATE}. */
  public static final String QUEUE_DEPTH = "headroom.queue.depth";

  /** Gauge: jobs waiting to run (ready or delayed). Tag {@link #TAG_QUEUE}. */
  public static final String QUEUE_JOBS_WAITING = "headroom.queue.jobs.waiting";

  /** Gauge: workers running. Tag {@link #TAG_QUEUE}. */
  public static final String QUEUE_WORKERS = "headroom.queue.workers";

  /** Counter: jobs accepted. Tags {@link #TAG_QUEUE}, {@link #TAG_TYPE}. */
  public static final String QUEUE_ENQUEUED = "headroom.queue.enqueued";

  /** Counter: jobs completed. Tags {@link #TAG_QUEUE}, {@link #TAG_TYPE}. */
  public static final String QUEUE_COMPLETED = "headroom.queue.completed";

  /**
   * Counter: attempts that failed and will be retried. Tags {@link #TAG_QUEUE}, {@link #TAG_TYPE}.
   */
  public static final String QUEUE_RETRIED = "headroom.queue.retried";

  /**
   * Counter: jobs dead-lettered. Tags {@link #TAG_QUEUE}, {@link #TAG_TYPE}, {@link #TAG_REASON}.
   */
  public static final String QUEUE_DEAD = "headroom.queue.dead";

  /** Counter: leases that expired and were reaped. Tag {@link #TAG_QUEUE}. */
  public static final String QUEUE_STALLED = "headroom.queue.stalled";

  /** Counter: answers refused because the lease had been lost. Tag {@link #TAG_QUEUE}. */
  public static final String QUEUE_STALE_ANSWERS = "headroom.queue.stale.answers";

  /** Timer: handler run time. Tags {@link #TAG_QUEUE}, {@link #TAG_TYPE}. */
  public static final String QUEUE_PROCESSING = "headroom.queue.processing";

  /** Timer: time from due to first claim. Tags {@link #TAG_QUEUE}, {@link #TAG_TYPE}. */
  public static final String QUEUE_WAIT = "headroom.queue.wait";

  /** Gauge: seconds the next ready job has waited. Tag {@link #TAG_QUEUE}. */
  public static final String QUEUE_NEXT_WAIT = "headroom.queue.next.wait";

  // ---- headroom-batch ----

  /** Distribution summary: keys per loader call. Tag {@link #TAG_BATCHER}. */
  public static final String BATCH_SIZE = "headroom.batch.size";

  /** Timer: from a window's first key to its dispatch. Tag {@link #TAG_BATCHER}. */
  public static final String BATCH_LINGER = "headroom.batch.linger";

  /** Timer: loader calls. Tag {@link #TAG_BATCHER}. */
  public static final String BATCH_LOADER = "headroom.batch.loader";

  /** Counter: loads refused because the batcher was full. Tag {@link #TAG_BATCHER}. */
  public static final String BATCH_REJECTED = "headroom.batch.rejected";

  /** Counter: keys reloaded after a failure. Tag {@link #TAG_BATCHER}. */
  public static final String BATCH_RETRIES = "headroom.batch.retries";

  /** Counter: keys answered with an error. Tags {@link #TAG_BATCHER}, {@link #TAG_RESULT}. */
  public static final String BATCH_ERRORS = "headroom.batch.errors";

  /** Gauge: keys accepted and not yet answered. Tag {@link #TAG_BATCHER}. */
  public static final String BATCH_PENDING = "headroom.batch.pending";

  /**
   * Counter: calls into a debouncer or throttle. Tags {@link #TAG_DEBOUNCER}, {@link #TAG_RESULT}
   * ({@code accepted} or {@code coalesced}).
   */
  public static final String DEBOUNCER_CALLS = "headroom.debouncer.calls";

  /**
   * Counter: runs of a debouncer's action. Tags {@link #TAG_DEBOUNCER}, {@link #TAG_RESULT} ({@code
   * success} or {@code error}).
   */
  public static final String DEBOUNCER_RUNS = "headroom.debouncer.runs";

  // ---- headroom-cdn ----

  /**
   * Counter: URLs routed. Tags {@link #TAG_ROUTER}, {@link #TAG_TYPE} (asset type), {@link
   * #TAG_RESULT}.
   */
  public static final String CDN_ROUTES = "headroom.cdn.routes";

  /** Gauge: CDN hosts marked down. Tag {@link #TAG_ROUTER}. */
  public static final String CDN_HOSTS_DOWN = "headroom.cdn.hosts.down";

  /** Counter: signed-URL verifications. Tags {@link #TAG_VERIFIER}, {@link #TAG_RESULT}. */
  public static final String CDN_VERIFICATIONS = "headroom.cdn.verifications";

  // ---- headroom-monitoring: HTTP requests ----

  /**
   * Timer of request durations with a percentile histogram (so P50/P95/P99 aggregate across
   * instances with {@code histogram_quantile}). Tags {@link #TAG_ENDPOINT}, {@link #TAG_METHOD},
   * {@link #TAG_STATUS}.
   */
  public static final String HTTP_REQUESTS = "headroom.http.requests";

  /**
   * Counter: error responses. Tags {@link #TAG_ENDPOINT}, {@link #TAG_METHOD}, {@link #TAG_STATUS}.
   */
  public static final String HTTP_ERRORS = "headroom.http.errors";

  /**
   * Gauge in seconds over a sliding window, one instance's view; NaN when the window holds no
   * request. Tags {@link #TAG_ENDPOINT}, {@link #TAG_METHOD}, {@link #TAG_WINDOW}, {@link
   * #TAG_STATISTIC}. Not aggregatable across instances: use the histogram of {@link #HTTP_REQUESTS}
   * for that.
   */
  public static final String HTTP_LATENCY = "headroom.http.latency";

  /** Gauge: error responses over requests in a sliding window; NaN when it holds none. */
  public static final String HTTP_ERROR_RATE = "headroom.http.error.rate";

  /** Endpoint template tag, such as {@code /api/tracks/{id}}. */
  public static final String TAG_ENDPOINT = "endpoint";

  /** HTTP method tag. */
  public static final String TAG_METHOD = "method";

  /** Status class tag: {@code 2xx}, {@code 3xx}, {@code 4xx} or {@code 5xx}. */
  public static final String TAG_STATUS = "status";

  /** Sliding window tag, such as {@code 1m}. */
  public static final String TAG_WINDOW = "window";

  /** Which statistic a latency gauge reports: {@code mean}, {@code max}, {@code p50}, ... */
  public static final String TAG_STATISTIC = "statistic";

  // ---- Read by monitoring from other libraries ----

  /** HikariCP gauge: connections in use. Tag {@link #TAG_POOL}. */
  public static final String POOL_ACTIVE = "hikaricp.connections.active";

  /** HikariCP gauge: idle connections. Tag {@link #TAG_POOL}. */
  public static final String POOL_IDLE = "hikaricp.connections.idle";

  /** HikariCP gauge: threads waiting for a connection. Tag {@link #TAG_POOL}. */
  public static final String POOL_PENDING = "hikaricp.connections.pending";

  /** Micrometer's {@code ProcessorMetrics} gauge: the process's recent CPU usage, 0 to 1. */
  public static final String PROCESS_CPU_USAGE = "process.cpu.usage";
}
