package dev.headroom.core.config;

import dev.headroom.core.jdbc.PoolConfig;
import dev.headroom.core.redis.RedisUris;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Headroom's configuration from the environment, validated when it is read: every bad value is
 * reported at once, in one {@link ConfigException}, before anything connects.
 *
 * <table>
 *   <caption>Variables</caption>
 *   <tr><th>variable</th><th>meaning</th><th>default</th></tr>
 *   <tr><td>{@code REDIS_URL}</td><td>Redis to use (see {@link dev.headroom.core.redis.RedisConnector}
 *       for the forms); absent means every primitive runs in memory</td><td>absent</td></tr>
 *   <tr><td>{@code DB_URL}</td><td>JDBC URL of the database pool</td><td>absent (no pool)</td></tr>
 *   <tr><td>{@code DB_USER}, {@code DB_PASSWORD}</td><td>database credentials</td><td>absent</td></tr>
 *   <tr><td>{@code DB_POOL_SIZE}</td><td>connections in the pool, 1 to {@value #MAX_POOL_SIZE}</td><td>{@value PoolConfig#DEFAULT_POOL_SIZE}</td></tr>
 *   <tr><td>{@code DB_QUEUE_LIMIT}</td><td>threads that may wait for a connection; 0 is unbounded</td><td>0</td></tr>
 *   <tr><td>{@code CDN_BASE_URL}</td><td>absolute http(s) URL that assets are served from</td><td>absent (local paths)</td></tr>
 * </table>
 *
 * Immutable; {@link #toString()} masks passwords.
 */
public final class HeadroomConfig {

  /** Redis URL variable. */
  public static final String REDIS_URL = "REDIS_URL";

  /** JDBC URL variable. */
  public static final String DB_URL = "DB_URL";

  /** Database user variable. */
  public static final String DB_USER = "DB_USER";

  /** Database password variable. */
  public static final String DB_PASSWORD = "DB_PASSWORD";

  /** Pool size variable. */
  public static final String DB_POOL_SIZE = "DB_POOL_SIZE";

  /** Waiting-thread limit variable. */
  public static final String DB_QUEUE_LIMIT = "DB_QUEUE_LIMIT";

  /** CDN base URL variable. */
  public static final String CDN_BASE_URL = "CDN_BASE_URL";

  /** The largest accepted {@code DB_POOL_SIZE}. */
  public static final int MAX_POOL_SIZE = 10_000;

  /** The largest accepted {@code DB_QUEUE_LIMIT}. */
  public static final int MAX_QUEUE_LIMIT = 1_000_000;

  private final Optional<String> redisUrl;
  private final Optional<PoolConfig> database;
  private final Optional<URI> cdnBaseUrl;

  private HeadroomConfig(
      Optional<String> redisUrl, Optional<PoolConfig> database, Optional<URI> cdnBaseUrl) {
    this.redisUrl = redisUrl;
    this.database = database;
    this.cdnBaseUrl = cdnBaseUrl;
  }

  private static final boolean LETTUCE_PRESENT = isPresent("io.lettuce.core.RedisURI");

  private static boolean isPresent(String className) {
    try {
      Class.forName(className, false, HeadroomConfig.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException | LinkageError e) {
      return false;
    }
  }

  /** Reads and validates the process environment. */
  public static HeadroomConfig fromEnvironment() {
    return from(Environment.system());
  }

  /**
   * Reads and validates {@code env}.
   *
   * @throws ConfigException listing every invalid variable
   */
  public static HeadroomConfig from(Environment env) {
    List<String> problems = new ArrayList<>();

    Optional<String> redis = env.get(REDIS_URL);
    // Without Lettuce (optional in core) nothing in this process connects to Redis: the URL is
    // kept as it is, unchecked, so a service whose modules do not use Redis starts anyway.
    redis
        .filter(url -> LETTUCE_PRESENT)
        .ifPresent(
            url -> {
              try {
                RedisUris.parse(url);
              } catch (IllegalArgumentException e) {
                problems.add(
                    REDIS_URL
                        + "='"
                        + RedisUris.mask(url)
                        + "' is not a valid Redis URL: "
                        + e.getMessage());
              }
            });

    int poolSize =
        intVar(
            env,
            DB_POOL_SIZE,
            PoolConfig.DEFAULT_POOL_SIZE,
            1,
            MAX_POOL_SIZE,
            "the number of connections in the pool",
            problems);
    int queueLimit =
        intVar(
            env,
            DB_QUEUE_LIMIT,
            0,
            0,
            MAX_QUEUE_LIMIT,
            "how many threads may wait for a connection (0 = unbounded)",
            problems);
    Optional<String> dbUrl = env.get(DB_URL);
    dbUrl.ifPresent(
        url -> {
          if (!url.regionMatches(true, 0, "jdbc:", 0, 5) || url.indexOf(':', 5) < 0) {
            problems.add(
                DB_URL
                    + "='"
                    + maskJdbc(url)
                    + "' is not a JDBC URL: expected jdbc:<driver>:<details>,"
                    + " e.g. jdbc:postgresql://127.0.0.1:5432/app");
          }
        });
    if (dbUrl.isEmpty()) {
      for (String dependent : List.of(DB_USER, DB_PASSWORD)) {
        if (env.get(dependent).isPresent()) {
          problems.add(
              dependent
                  + " is set but "
                  + DB_URL
                  + " is not: expected "
                  + DB_URL
                  + " too, e.g. jdbc:postgresql://127.0.0.1:5432/app");
        }
      }
    }

    Optional<URI> cdn = env.get(CDN_BASE_URL).flatMap(url -> parseCdn(url, problems));

    if (!problems.isEmpty()) {
      throw new ConfigException(problems);
    }
    Optional<PoolConfig> database =
        dbUrl.map(
            url ->
                PoolConfig.builder(url)
                    .username(env.get(DB_USER).orElse(null))
                    .password(env.get(DB_PASSWORD).orElse(null))
                    .poolSize(poolSize)
                    .queueLimit(queueLimit)
                    .build());
    return new HeadroomConfig(redis, database, cdn);
  }

  /** {@code REDIS_URL}, if set: the embedded default (in-memory backends) applies when absent. */
  public Optional<String> redisUrl() {
    return redisUrl;
  }

  /** The pool configuration from {@code DB_*}, if {@code DB_URL} is set. */
  public Optional<PoolConfig> database() {
    return database;
  }

  /** {@code CDN_BASE_URL}, if set, without a trailing slash. */
  public Optional<URI> cdnBaseUrl() {
    return cdnBaseUrl;
  }

  private static int intVar(
      Environment env,
      String name,
      int defaultValue,
      int min,
      int max,
      String meaning,
      List<String> problems) {
    Optional<String> raw = env.get(name);
    if (raw.isEmpty()) {
      return defaultValue;
    }
    String expected = "expected a whole number from " + min + " to " + max + ", " + meaning;
    try {
      int value = Integer.parseInt(raw.get());
      if (value < min || value > max) {
        problems.add(name + "='" + raw.get() + "' is out of range: " + expected);
        return defaultValue;
      }
      return value;
    } catch (NumberFormatException e) {
      problems.add(name + "='" + raw.get() + "' is not a whole number: " + expected);
      return defaultValue;
    }
  }

  private static Optional<URI> parseCdn(String url, List<String> problems) {
    String expected =
        "expected an absolute http:// or https:// URL with a host and no query or fragment,"
            + " e.g. https://cdn.example.com/assets";
    try {
      URI uri = new URI(url);
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      if (!(scheme.equals("http") || scheme.equals("https"))
          || uri.getHost() == null
          || uri.getRawQuery() != null
          || uri.getRawFragment() != null
          || uri.getRawUserInfo() != null) {
        problems.add(CDN_BASE_URL + "='" + url + "' is not a usable CDN base URL: " + expected);
        return Optional.empty();
      }
      String text = uri.toString();
      while (text.endsWith("/")) {
        text = text.substring(0, text.length() - 1);
      }
      return Optional.of(URI.create(text));
    } catch (URISyntaxException e) {
      problems.add(
          CDN_BASE_URL
              + "='"
              + url
              + "' is not a URL ("
              + e.getReason()
              + " at index "
              + e.getIndex()
              + "): "
              + expected);
      return Optional.empty();
    }
  }

  private static String maskJdbc(String url) {
    return url.replaceAll("(?i)(password=)[^&;]*", "$1****");
  }

  @Override
  public String toString() {
    return "HeadroomConfig[redisUrl="
        + redisUrl.map(RedisUris::mask).orElse("absent")
        + ", database="
        + database.map(Object::toString).orElse("absent")
        + ", cdnBaseUrl="
        + cdnBaseUrl.map(URI::toString).orElse("absent")
        + "]";
  }
}
