package dev.headroom.core.jdbc;

import java.time.Duration;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Immutable configuration of a JDBC connection pool. Built with {@link #builder(String)}; each
 * setter checks its value at once and names the field in its message.
 */
public final class PoolConfig {

  /** Default number of connections. */
  public static final int DEFAULT_POOL_SIZE = 10;

  /** Default time a caller waits for a connection before failing. */
  public static final Duration DEFAULT_CONNECTION_TIMEOUT = Duration.ofSeconds(30);

  /** Default time an idle connection above the minimum is kept. */
  public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofMinutes(10);

  /** Default longest life of a connection. */
  public static final Duration DEFAULT_MAX_LIFETIME = Duration.ofMinutes(30);

  /** Default interval at which idle connections are kept alive. */
  public static final Duration DEFAULT_KEEPALIVE = Duration.ofMinutes(2);

  private final String jdbcUrl;
  private final @Nullable String username;
  private final @Nullable String password;
  private final String poolName;
  private final int poolSize;
  private final int minimumIdle;
  private final int queueLimit;
  private final Duration connectionTimeout;
  private final Duration idleTimeout;
  private final Duration maxLifetime;
  private final Duration keepalive;
  private final Duration leakDetectionThreshold;

  private PoolConfig(Builder b) {
    this.jdbcUrl = b.jdbcUrl;
    this.username = b.username;
    this.password = b.password;
    this.poolName = b.poolName;
    this.poolSize = b.poolSize;
    this.minimumIdle = b.minimumIdle < 0 ? b.poolSize : b.minimumIdle;
    this.queueLimit = b.queueLimit;
    this.connectionTimeout = b.connectionTimeout;
    this.idleTimeout = b.idleTimeout;
    this.maxLifetime = b.maxLifetime;
    this.keepalive = b.keepalive;
    this.leakDetectionThreshold = b.leakDetectionThreshold;
  }

  /** A builder for a pool on {@code jdbcUrl}. */
  public static Builder builder(String jdbcUrl) {
    return new Builder(jdbcUrl);
  }

  /** A builder starting from this configuration. */
  public Builder toBuilder() {
    Builder b =
        new Builder(jdbcUrl)
            .username(username)
            .password(password)
            .poolName(poolName)
            .poolSize(poolSize)
            .queueLimit(queueLimit)
            .connectionTimeout(connectionTimeout)
            .idleTimeout(idleTimeout)
            .maxLifetime(maxLifetime)
            .keepalive(keepalive)
            .leakDetectionThreshold(leakDetectionThreshold);
    return b.minimumIdle(minimumIdle);
  }

  /** The JDBC URL. */
  public String jdbcUrl() {
    return jdbcUrl;
  }

  /** The user, if any. */
  public @Nullable String username() {
    return username;
  }

  /** The password, if any. */
  public @Nullable String password() {
    return password;
  }

  /** The pool's name (meter tag and thread names). */
  public String poolName() {
    return poolName;
  }

  /** The most connections the pool holds. */
  public int poolSize() {
    return poolSize;
  }

  /** The fewest idle connections kept open. */
  public int minimumIdle() {
    return minimumIdle;
  }

  /** How many threads may wait for a connection; 0 means unbounded. */
  public int queueLimit() {
    return queueLimit;
  }

  /** How long a caller waits for a connection. */
  public Duration connectionTimeout() {
    return connectionTimeout;
  }

  /** How long an idle connection above the minimum is kept. */
  public Duration idleTimeout() {
    return idleTimeout;
  }

  /** The longest life of a connection. */
  public Duration maxLifetime() {
    return maxLifetime;
  }

  /** The keep-alive interval for idle connections; zero disables it. */
  public Duration keepalive() {
    return keepalive;
  }

  /** How long a connection may be out before a leak is logged; zero disables leak detection. */
  public Duration leakDetectionThreshold() {
    return leakDetectionThreshold;
  }

  @Override
  public String toString() {
    return "PoolConfig["
        + poolName
        + ", url="
        + jdbcUrl.replaceAll("(?i)(password=)[^&;]*", "$1****")
        + ", user="
        + username
        + ", password="
        + (password == null ? "absent" : "****")
        + ", poolSize="
        + poolSize
        + ", minimumIdle="
        + minimumIdle
        + ", queueLimit="
        + (queueLimit == 0 ? "unbounded" : queueLimit)
        + ", connectionTimeout="
        + connectionTimeout
        + ", idleTimeout="
        + idleTimeout
        + ", maxLifetime="
        + maxLifetime
        + ", keepalive="
        + keepalive
        + ", leakDetectionThreshold="
        + leakDetectionThreshold
        + "]";
  }

  /** Builds a {@link PoolConfig}. */
  public static final class Builder {
    private final String jdbcUrl;
    private @Nullable String username;
    private @Nullable String password;
    private String poolName = "headroom";
    private int poolSize = DEFAULT_POOL_SIZE;
    private int minimumIdle = -1;
    private int queueLimit;
    private Duration connectionTimeout = DEFAULT_CONNECTION_TIMEOUT;
    private Duration idleTimeout = DEFAULT_IDLE_TIMEOUT;
    private Duration maxLifetime = DEFAULT_MAX_LIFETIME;
    private Duration keepalive = DEFAULT_KEEPALIVE;
    private Duration leakDetectionThreshold = Duration.ZERO;

    private Builder(String jdbcUrl) {
      Objects.requireNonNull(jdbcUrl, "jdbcUrl");
      if (!jdbcUrl.regionMatches(true, 0, "jdbc:", 0, 5)) {
        throw new IllegalArgumentException(
            "jdbcUrl must start with 'jdbc:', was '"
                + jdbcUrl.replaceAll("(?i)(password=)[^&;]*", "$1****")
                + "'");
      }
      this.jdbcUrl = jdbcUrl;
    }

    /** The user; null for none. */
    public Builder username(@Nullable String username) {
      this.username = username;
      return this;
    }

    /** The password; null for none. */
    public Builder password(@Nullable String password) {
      this.password = password;
      return this;
    }

    /** The pool's name (default {@code headroom}). */
    public Builder poolName(String poolName) {
      Objects.requireNonNull(poolName, "poolName");
      if (poolName.isBlank()) {
        throw new IllegalArgumentException("poolName must not be blank");
      }
      this.poolName = poolName;
      return this;
    }

    /** The most connections, at least 1 (default {@value PoolConfig#DEFAULT_POOL_SIZE}). */
    public Builder poolSize(int poolSize) {
      if (poolSize < 1) {
        throw new IllegalArgumentException("poolSize must be >= 1, was " + poolSize);
      }
      this.poolSize = poolSize;
      return this;
    }

    /** The fewest idle connections, 0 to poolSize (default: poolSize, a fixed-size pool). */
    public Builder minimumIdle(int minimumIdle) {
      if (minimumIdle < 0) {
        throw new IllegalArgumentException("minimumIdle must be >= 0, was " + minimumIdle);
      }
      this.minimumIdle = minimumIdle;
      return this;
    }

    /**
     * How many threads may wait for a connection when all are in use; 0 (the default) is unbounded.
     * With a limit, the waiter after the last allowed one fails at once with an {@code
     * SQLException}.
     */
    public Builder queueLimit(int queueLimit) {
      if (queueLimit < 0) {
        throw new IllegalArgumentException(
            "queueLimit must be >= 0 (0 = unbounded), was " + queueLimit);
      }
      this.queueLimit = queueLimit;
      return this;
    }

    /** How long a caller waits for a connection; at least 250 ms (HikariCP's minimum). */
    public Builder connectionTimeout(Duration timeout) {
      this.connectionTimeout = atLeast("connectionTimeout", timeout, Duration.ofMillis(250));
      return this;
    }

    /** How long an idle connection above the minimum is kept; zero keeps them forever. */
    public Builder idleTimeout(Duration timeout) {
      this.idleTimeout = atLeast("idleTimeout", timeout, Duration.ZERO);
      return this;
    }

    /** The longest life of a connection; at least 30 s, or zero for no limit. */
    public Builder maxLifetime(Duration lifetime) {
      this.maxLifetime = zeroOrAtLeast("maxLifetime", lifetime, Duration.ofSeconds(30));
      return this;
    }

    /** Keep-alive interval for idle connections; at least 30 s, or zero to disable. */
    public Builder keepalive(Duration interval) {
      this.keepalive = zeroOrAtLeast("keepalive", interval, Duration.ofSeconds(30));
      return this;
    }

    /**
     * Log a connection out longer than this as a possible leak; at least 2 s, or zero to disable.
     */
    public Builder leakDetectionThreshold(Duration threshold) {
      this.leakDetectionThreshold =
          zeroOrAtLeast("leakDetectionThreshold", threshold, Duration.ofSeconds(2));
      return this;
    }

    /**
     * The configuration.
     *
     * @throws IllegalArgumentException if minimumIdle exceeds poolSize, or keepalive is not shorter
     *     than maxLifetime
     */
    public PoolConfig build() {
      if (minimumIdle > poolSize) {
        throw new IllegalArgumentException(
            "minimumIdle (" + minimumIdle + ") must not exceed poolSize (" + poolSize + ")");
      }
      if (!keepalive.isZero() && !maxLifetime.isZero() && keepalive.compareTo(maxLifetime) >= 0) {
        throw new IllegalArgumentException(
            "keepalive (" + keepalive + ") must be shorter than maxLifetime (" + maxLifetime + ")");
      }
      return new PoolConfig(this);
    }

    private static Duration atLeast(String field, Duration value, Duration min) {
      Objects.requireNonNull(value, field);
      if (value.compareTo(min) < 0) {
        throw new IllegalArgumentException(field + " must be >= " + min + ", was " + value);
      }
      return value;
    }

    private static Duration zeroOrAtLeast(String field, Duration value, Duration min) {
      Objects.requireNonNull(value, field);
      if (!value.isZero() && value.compareTo(min) < 0) {
        throw new IllegalArgumentException(
            field + " must be zero (off) or >= " + min + ", was " + value);
      }
      return value;
    }
  }
}
