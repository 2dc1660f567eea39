package dev.headroom.monitoring;

/**
 * The meter contract between this module and the rest of Headroom: the names and tags this module
 * publishes ({@code headroom.http.*}) and the ones it reads to build a {@link HealthSnapshot}.
 *
 * <p>A module conforms by publishing the meters below to the {@code MeterRegistry} the
 * {@link Monitor} reads. A snapshot section is present only when at least one of its meters is
 * registered, so a service that does not use a module does not get an empty section. Several
 * instances (caches, limiters, queues, pools) are told apart by their instance tag and summed.
 * monitoring/README.md carries the same table.
 */
public final class HeadroomMeters {

  private HeadroomMeters() {}

  // ---- Published by RequestMetrics ----

  /** Function counter: requests recorded since start. Tags {@link #TAG_ENDPOINT}, {@link #TAG_METHOD}. */
  public static final String HTTP_REQUESTS = "headroom.http.requests";
  /**
   * Function counter: error responses since start. Tags {@link #TAG_ENDPOINT}, {@link #TAG_METHOD}
   * and {@link #TAG_STATUS} ({@code 4xx} or {@code 5xx}).
   */
  public static final String HTTP_ERRORS = "headroom.http.errors";
  /**
   * Gauge in seconds over a sliding window; NaN when the window holds no request. Tags
   * {@link #TAG_ENDPOINT}, {@link #TAG_METHOD}, {@link #TAG_WINDOW} ({@code 1m}, {@code 5m}) and
   * {@link #TAG_STATISTIC} ({@code mean}, {@code max}, {@code p50}, {@code p95}, {@code p99}).
   */
  public static final String HTTP_LATENCY = "headroom.http.latency";
  /** Gauge: error responses (4xx and 5xx) over requests in a sliding window; NaN when it holds none. */
  public static final String HTTP_ERROR_RATE = "headroom.http.error.rate";
  /** Endpoint template tag, such as {@code /api/tracks/{id}}; {@code *} on the all-endpoints series. */
  public static final String TAG_ENDPOINT = "endpoint";
  /** HTTP method tag; {@code *} on the all-endpoints series. */
  public static final String TAG_METHOD = "method";
  /** Sliding window tag, such as {@code 1m}. */
  public static final String TAG_WINDOW = "window";
  /** Which statistic a latency gauge reports. */
  public static final String TAG_STATISTIC = "statistic";
  /** Status class tag of {@link #HTTP_ERRORS}. */
  public static final String TAG_STATUS = "status";
  /** The endpoint and method tag value of the series that covers every endpoint. */
  public static final String ALL = "*";

  // ---- Read for the "cache" section ----

  /**
   * Counter (or function counter) of cache reads published by headroom-cache. Tags
   * {@link #TAG_RESULT} ({@link #RESULT_HIT} or {@link #RESULT_MISS}) and {@link #TAG_CACHE}.
   */
  public static final String CACHE_GETS = "headroom.cache.gets";
  /**
   * Micrometer's standard cache meter ({@code CacheMeterBinder}, for example
   * {@code CaffeineCacheMetrics}), read with the same tags. A cache whose {@link #TAG_CACHE} name
   * also appears under {@link #CACHE_GETS} is counted once, from {@link #CACHE_GETS}.
   */
  public static final String MICROMETER_CACHE_GETS = "cache.gets";
  /** Cache read result tag. */
  public static final String TAG_RESULT = "result";
  /** A read that found the entry. */
  public static final String RESULT_HIT = "hit";
  /** A read that did not find the entry. */
  public static final String RESULT_MISS = "miss";
  /** Cache instance tag. */
  public static final String TAG_CACHE = "cache";

  // ---- Read for the "rateLimit" section ----

  /**
   * Counter of rate limiter decisions published by headroom-ratelimit. Tags {@link #TAG_OUTCOME}
   * ({@link #OUTCOME_ALLOWED}, {@link #OUTCOME_DENIED} or {@link #OUTCOME_SHADOW_DENIED}) and
   * {@link #TAG_POLICY}.
   */
  public static final String RATELIMIT_DECISIONS = "headroom.ratelimit.decisions";
  /** Decision outcome tag. */
  public static final String TAG_OUTCOME = "outcome";
  /** The request was admitted. */
  public static final String OUTCOME_ALLOWED = "allowed";
  /** The request was refused. */
  public static final String OUTCOME_DENIED = "denied";
  /** A limiter in shadow mode would have refused the request but let it through. */
  public static final String OUTCOME_SHADOW_DENIED = "shadow_denied";
  /** Rate-limit policy tag (one limiter per policy). */
  public static final String TAG_POLICY = "policy";

  // ---- Read for the "queue" section ----

  /** Gauge: jobs waiting to run (ready or delayed), published by headroom-queue. Tag {@link #TAG_QUEUE}. */
  public static final String QUEUE_JOBS_WAITING = "headroom.queue.jobs.waiting";
  /** Gauge: workers running, published by headroom-queue. Tag {@link #TAG_QUEUE}. */
  public static final String QUEUE_WORKERS = "headroom.queue.workers";
  /** Queue instance tag. */
  public static final String TAG_QUEUE = "queue";

  // ---- Read for the "pools" section (HikariCP's own meters, as core's DataSources binds them) ----

  /** Gauge: connections in use. Tag {@link #TAG_POOL}. */
  public static final String POOL_ACTIVE = "hikaricp.connections.active";
  /** Gauge: idle connections. Tag {@link #TAG_POOL}. */
  public static final String POOL_IDLE = "hikaricp.connections.idle";
  /** Gauge: threads waiting for a connection. Tag {@link #TAG_POOL}. */
  public static final String POOL_PENDING = "hikaricp.connections.pending";
  /** Pool instance tag. */
  public static final String TAG_POOL = "pool";

  // ---- Read by the "cpu" metric of rules ----

  /** Gauge from Micrometer's {@code ProcessorMetrics}: the process's recent CPU usage, 0 to 1. */
  public static final String PROCESS_CPU_USAGE = "process.cpu.usage";
}
