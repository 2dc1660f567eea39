package dev.headroom.core.redis;

import dev.headroom.core.config.Require;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Immutable options of a {@link RedisConnector}: timeouts, reconnect behaviour, how a silently dead
 * peer is noticed, and TLS trust and client certificates. Start from {@link #defaults()} or {@link
 * #builder()}; change one with {@link #mutate()}.
 *
 * <p><b>A dead peer.</b> A Redis that vanishes without closing its connections (a host powered off,
 * a failover behind a load balancer, a dropped NAT entry) leaves connections that look open:
 * commands time out one by one, and the kernel would hold the connection for about 15 minutes of
 * retransmissions (idle connections: forever). Two socket settings bound that, so the connection is
 * closed and Lettuce reconnects:
 *
 * <ul>
 *   <li><b>TCP keepalive</b> (on by default): after {@link #keepAliveIdle()} without traffic, a
 *       probe every {@link #keepAliveInterval()}; after {@link #keepAliveCount()} unanswered probes
 *       the connection is closed: 10 s + 3 × 5 s = 25 s by default. Idle, interval and count are
 *       set per connection with the epoll or io_uring native transport, or with NIO on Java 11+
 *       (Linux, Windows); on macOS without a native transport only keepalive itself is switched on,
 *       with the system's timings (2 hours by default), and a warning says so once.
 *   <li><b>{@code TCP_USER_TIMEOUT}</b> (30 s by default): data sent and not acknowledged for that
 *       long closes the connection, which covers a busy connection that keepalive does not probe.
 *       Linux only, and only with the epoll or io_uring native transport ({@code
 *       netty-transport-native-epoll} with the {@code linux-x86_64} or {@code linux-aarch_64}
 *       classifier on the class path); without one it is not applied (Lettuce 7 would otherwise
 *       refuse to connect) and a warning says so once: a busy dead connection is then noticed by
 *       the kernel's retransmission limit, while each command still fails after {@link
 *       #commandTimeout()}.
 * </ul>
 *
 * <p><b>TLS</b> ({@code rediss://} URLs): the server is verified against the JVM's default trust
 * unless {@linkplain Builder#trustedCertificates(Path) PEM certificates} or a {@linkplain
 * Builder#trustStore(Path, char[]) trust store} are given; a client certificate is presented when
 * {@linkplain Builder#clientCertificate(Path, Path) a PEM certificate and key} or a {@linkplain
 * Builder#keyStore(Path, char[]) key store} are given. Files are read when a connection is opened,
 * so a rotated file is picked up on the next reconnect. A connector refuses TLS settings with a URL
 * that is not TLS, rather than ignore them.
 */
public final class RedisConnectorOptions {

  /** Default deadline of one command. */
  public static final Duration DEFAULT_COMMAND_TIMEOUT = Duration.ofSeconds(2);

  /** Default deadline of a TCP connect. */
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(2);

  /** Default first delay between reconnect attempts. */
  public static final Duration DEFAULT_RECONNECT_MIN_DELAY = Duration.ofMillis(50);

  /** Default longest delay between reconnect attempts. */
  public static final Duration DEFAULT_RECONNECT_MAX_DELAY = Duration.ofSeconds(5);

  /** Default interval at which a Cluster's topology is refreshed. */
  public static final Duration DEFAULT_TOPOLOGY_REFRESH = Duration.ofSeconds(30);

  /** Default limit of commands queued per connection. */
  public static final int DEFAULT_REQUEST_QUEUE_SIZE = 65_536;

  /** Default idle time before the first TCP keepalive probe. */
  public static final Duration DEFAULT_KEEPALIVE_IDLE = Duration.ofSeconds(10);

  /** Default time between TCP keepalive probes. */
  public static final Duration DEFAULT_KEEPALIVE_INTERVAL = Duration.ofSeconds(5);

  /** Default number of unanswered TCP keepalive probes after which the connection is closed. */
  public static final int DEFAULT_KEEPALIVE_COUNT = 3;

  /** Default {@code TCP_USER_TIMEOUT}: a bit longer than keepalive takes to give up. */
  public static final Duration DEFAULT_TCP_USER_TIMEOUT = Duration.ofSeconds(30);

  private static final RedisConnectorOptions DEFAULTS = builder().build();

  private final Duration commandTimeout;
  private final Duration connectTimeout;
  private final Duration reconnectMinDelay;
  private final Duration reconnectMaxDelay;
  private final Duration topologyRefreshPeriod;
  private final boolean rejectCommandsWhileDisconnected;
  private final int requestQueueSize;
  private final String clientName;
  private final boolean keepAlive;
  private final Duration keepAliveIdle;
  private final Duration keepAliveInterval;
  private final int keepAliveCount;
  private final @Nullable Duration tcpUserTimeout;
  private final @Nullable Path trustedCertificates;
  private final @Nullable Path trustStore;
  private final char @Nullable [] trustStorePassword;
  private final @Nullable Path clientCertificate;
  private final @Nullable Path clientKey;
  private final char @Nullable [] clientKeyPassword;
  private final @Nullable Path keyStore;
  private final char @Nullable [] keyStorePassword;

  private RedisConnectorOptions(Builder b) {
    this.commandTimeout = b.commandTimeout;
    this.connectTimeout = b.connectTimeout;
    this.reconnectMinDelay = b.reconnectMinDelay;
    this.reconnectMaxDelay = b.reconnectMaxDelay;
    this.topologyRefreshPeriod = b.topologyRefreshPeriod;
    this.rejectCommandsWhileDisconnected = b.rejectCommandsWhileDisconnected;
    this.requestQueueSize = b.requestQueueSize;
    this.clientName = b.clientName;
    this.keepAlive = b.keepAlive;
    this.keepAliveIdle = b.keepAliveIdle;
    this.keepAliveInterval = b.keepAliveInterval;
    this.keepAliveCount = b.keepAliveCount;
    this.tcpUserTimeout = b.tcpUserTimeout;
    this.trustedCertificates = b.trustedCertificates;
    this.trustStore = b.trustStore;
    this.trustStorePassword = copy(b.trustStorePassword);
    this.clientCertificate = b.clientCertificate;
    this.clientKey = b.clientKey;
    this.clientKeyPassword = copy(b.clientKeyPassword);
    this.keyStore = b.keyStore;
    this.keyStorePassword = copy(b.keyStorePassword);
  }

  /** The defaults. */
  public static RedisConnectorOptions defaults() {
    return DEFAULTS;
  }

  /** A builder with the defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder starting from these options. */
  public Builder mutate() {
    return new Builder()
        .commandTimeout(commandTimeout)
        .connectTimeout(connectTimeout)
        .reconnectDelay(reconnectMinDelay, reconnectMaxDelay)
        .topologyRefreshPeriod(topologyRefreshPeriod)
        .rejectCommandsWhileDisconnected(rejectCommandsWhileDisconnected)
        .requestQueueSize(requestQueueSize)
        .clientName(clientName)
        .copyConnectionSettings(this);
  }

  /** The deadline of one command; a late answer fails it with a timeout. */
  public Duration commandTimeout() {
    return commandTimeout;
  }

  /** The deadline of a TCP connect. */
  public Duration connectTimeout() {
    return connectTimeout;
  }

  /** The first delay between reconnect attempts. */
  public Duration reconnectMinDelay() {
    return reconnectMinDelay;
  }

  /** The longest delay between reconnect attempts. */
  public Duration reconnectMaxDelay() {
    return reconnectMaxDelay;
  }

  /**
   * How often a Cluster's topology is refreshed (it is also refreshed on MOVED, ASK and
   * reconnects).
   */
  public Duration topologyRefreshPeriod() {
    return topologyRefreshPeriod;
  }

  /**
   * Whether commands fail at once while the connection is down (the default) rather than queue
   * until it is back; failing fast is what lets primitives apply their failure modes promptly.
   */
  public boolean rejectCommandsWhileDisconnected() {
    return rejectCommandsWhileDisconnected;
  }

  /** The most commands queued per connection; beyond it commands fail at once. */
  public int requestQueueSize() {
    return requestQueueSize;
  }

  /** The name set with {@code CLIENT SETNAME} on each connection. */
  public String clientName() {
    return clientName;
  }

  /** Whether TCP keepalive is on (the default). */
  public boolean keepAlive() {
    return keepAlive;
  }

  /** How long a connection is idle before the first keepalive probe ({@code TCP_KEEPIDLE}). */
  public Duration keepAliveIdle() {
    return keepAliveIdle;
  }

  /** The time between keepalive probes ({@code TCP_KEEPINTVL}). */
  public Duration keepAliveInterval() {
    return keepAliveInterval;
  }

  /** Unanswered keepalive probes after which the connection is closed ({@code TCP_KEEPCNT}). */
  public int keepAliveCount() {
    return keepAliveCount;
  }

  /**
   * How long sent data may stay unacknowledged before the connection is closed ({@code
   * TCP_USER_TIMEOUT}); empty when not set. Applied only with a native transport (see the class
   * comment).
   */
  public Optional<Duration> tcpUserTimeout() {
    return Optional.ofNullable(tcpUserTimeout);
  }

  /** The PEM file of certificates a TLS server is verified against, if set. */
  public Optional<Path> trustedCertificates() {
    return Optional.ofNullable(trustedCertificates);
  }

  /** The trust store (PKCS#12 or JKS) a TLS server is verified against, if set. */
  public Optional<Path> trustStore() {
    return Optional.ofNullable(trustStore);
  }

  /** The PEM certificate chain presented as client certificate, if set. */
  public Optional<Path> clientCertificate() {
    return Optional.ofNullable(clientCertificate);
  }

  /** The PEM (PKCS#8) private key of {@link #clientCertificate()}, if set. */
  public Optional<Path> clientKey() {
    return Optional.ofNullable(clientKey);
  }

  /** The key store (PKCS#12 or JKS) holding the client certificate and key, if set. */
  public Optional<Path> keyStore() {
    return Optional.ofNullable(keyStore);
  }

  /** Whether any TLS trust or client certificate setting is given. */
  public boolean hasTlsSettings() {
    return trustedCertificates != null
        || trustStore != null
        || clientCertificate != null
        || keyStore != null;
  }

  /** A copy of the trust store's password, or null. */
  char @Nullable [] trustStorePassword() {
    return copy(trustStorePassword);
  }

  /** A copy of the client key's password, or null for an unencrypted key. */
  char @Nullable [] clientKeyPassword() {
    return copy(clientKeyPassword);
  }

  /** A copy of the key store's password, or null. */
  char @Nullable [] keyStorePassword() {
    return copy(keyStorePassword);
  }

  private static char @Nullable [] copy(char @Nullable [] password) {
    return password == null ? null : password.clone();
  }

  @Override
  public String toString() {
    return "RedisConnectorOptions[commandTimeout="
        + commandTimeout
        + ", connectTimeout="
        + connectTimeout
        + ", reconnectDelay="
        + reconnectMinDelay
        + ".."
        + reconnectMaxDelay
        + ", topologyRefreshPeriod="
        + topologyRefreshPeriod
        + ", rejectCommandsWhileDisconnected="
        + rejectCommandsWhileDisconnected
        + ", requestQueueSize="
        + requestQueueSize
        + ", clientName="
        + clientName
        + ", keepAlive="
        + (keepAlive ? keepAliveIdle + "+" + keepAliveCount + "x" + keepAliveInterval : "off")
        + ", tcpUserTimeout="
        + (tcpUserTimeout == null ? "off" : tcpUserTimeout)
        + (trustedCertificates == null ? "" : ", trustedCertificates=" + trustedCertificates)
        + (trustStore == null ? "" : ", trustStore=" + trustStore)
        + (clientCertificate == null
            ? ""
            : ", clientCertificate=" + clientCertificate + ", clientKey=" + clientKey)
        + (keyStore == null ? "" : ", keyStore=" + keyStore)
        + "]";
  }

  /** Builds {@link RedisConnectorOptions}; each setter checks its value at once. */
  public static final class Builder {
    private Duration commandTimeout = DEFAULT_COMMAND_TIMEOUT;
    private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
    private Duration reconnectMinDelay = DEFAULT_RECONNECT_MIN_DELAY;
    private Duration reconnectMaxDelay = DEFAULT_RECONNECT_MAX_DELAY;
    private Duration topologyRefreshPeriod = DEFAULT_TOPOLOGY_REFRESH;
    private boolean rejectCommandsWhileDisconnected = true;
    private int requestQueueSize = DEFAULT_REQUEST_QUEUE_SIZE;
    private String clientName = "headroom";
    private boolean keepAlive = true;
    private Duration keepAliveIdle = DEFAULT_KEEPALIVE_IDLE;
    private Duration keepAliveInterval = DEFAULT_KEEPALIVE_INTERVAL;
    private int keepAliveCount = DEFAULT_KEEPALIVE_COUNT;
    private @Nullable Duration tcpUserTimeout = DEFAULT_TCP_USER_TIMEOUT;
    private @Nullable Path trustedCertificates;
    private @Nullable Path trustStore;
    private char @Nullable [] trustStorePassword;
    private @Nullable Path clientCertificate;
    private @Nullable Path clientKey;
    private char @Nullable [] clientKeyPassword;
    private @Nullable Path keyStore;
    private char @Nullable [] keyStorePassword;

    private Builder() {}

    private Builder copyConnectionSettings(RedisConnectorOptions o) {
      this.keepAlive = o.keepAlive;
      this.keepAliveIdle = o.keepAliveIdle;
      this.keepAliveInterval = o.keepAliveInterval;
      this.keepAliveCount = o.keepAliveCount;
      this.tcpUserTimeout = o.tcpUserTimeout;
      this.trustedCertificates = o.trustedCertificates;
      this.trustStore = o.trustStore;
      this.trustStorePassword = copy(o.trustStorePassword);
      this.clientCertificate = o.clientCertificate;
      this.clientKey = o.clientKey;
      this.clientKeyPassword = copy(o.clientKeyPassword);
      this.keyStore = o.keyStore;
      this.keyStorePassword = copy(o.keyStorePassword);
      return this;
    }

    /**
     * TCP keepalive with these timings (the default is on: 10 s idle, then a probe every 5 s,
     * closed after 3 unanswered): a dead idle connection is closed after {@code idle + interval ×
     * count}.
     *
     * @param idle idle time before the first probe; whole seconds, at least 1 s
     * @param interval time between probes; whole seconds, at least 1 s
     * @param count unanswered probes before the connection is closed; 1 to 127
     */
    public Builder keepAlive(Duration idle, Duration interval, int count) {
      this.keepAliveIdle = wholeSeconds("keepAliveIdle", idle);
      this.keepAliveInterval = wholeSeconds("keepAliveInterval", interval);
      this.keepAliveCount = Require.inRange("keepAliveCount", count, 1, 127);
      this.keepAlive = true;
      return this;
    }

    /** No TCP keepalive: a dead idle connection is noticed only when a command times out. */
    public Builder noKeepAlive() {
      this.keepAlive = false;
      return this;
    }

    /**
     * {@code TCP_USER_TIMEOUT}: sent data unacknowledged for this long closes the connection
     * (default 30 s; needs a native transport, see the class comment).
     *
     * @param timeout at least 1 ms, at most about 24 days
     */
    public Builder tcpUserTimeout(Duration timeout) {
      Require.positive("tcpUserTimeout", timeout);
      Require.that(
          timeout.compareTo(Duration.ofMillis(1)) >= 0
              && timeout.compareTo(Duration.ofMillis(Integer.MAX_VALUE)) <= 0,
          "tcpUserTimeout",
          timeout,
          "be between 1 ms and " + Duration.ofMillis(Integer.MAX_VALUE));
      this.tcpUserTimeout = timeout;
      return this;
    }

    /** No {@code TCP_USER_TIMEOUT}: the kernel's retransmission limit applies (about 15 min). */
    public Builder noTcpUserTimeout() {
      this.tcpUserTimeout = null;
      return this;
    }

    /**
     * Verify TLS servers against the certificates of this PEM file (a CA bundle) instead of the
     * JVM's default trust; replaces a {@linkplain #trustStore trust store}.
     *
     * @throws IllegalArgumentException if the file is not readable
     */
    public Builder trustedCertificates(Path pemFile) {
      this.trustedCertificates = readable("trustedCertificates", pemFile);
      this.trustStore = null;
      this.trustStorePassword = null;
      return this;
    }

    /**
     * Verify TLS servers against this trust store (PKCS#12 or JKS) instead of the JVM's default
     * trust; replaces {@linkplain #trustedCertificates PEM certificates}.
     *
     * @param password the store's password, or null for none (copied)
     * @throws IllegalArgumentException if the file is not readable
     */
    public Builder trustStore(Path file, char @Nullable [] password) {
      this.trustStore = readable("trustStore", file);
      this.trustStorePassword = copy(password);
      this.trustedCertificates = null;
      return this;
    }

    /**
     * Present this client certificate: a PEM certificate chain and its unencrypted PEM (PKCS#8)
     * private key; replaces a {@linkplain #keyStore key store}.
     *
     * @throws IllegalArgumentException if a file is not readable
     */
    public Builder clientCertificate(Path certificateChainPem, Path privateKeyPem) {
      return clientCertificate(certificateChainPem, privateKeyPem, null);
    }

    /**
     * Present this client certificate: a PEM certificate chain and its PEM (PKCS#8) private key,
     * encrypted with {@code keyPassword} (null if not encrypted; copied); replaces a {@linkplain
     * #keyStore key store}.
     *
     * @throws IllegalArgumentException if a file is not readable
     */
    public Builder clientCertificate(
        Path certificateChainPem, Path privateKeyPem, char @Nullable [] keyPassword) {
      this.clientCertificate = readable("clientCertificate", certificateChainPem);
      this.clientKey = readable("clientKey", privateKeyPem);
      this.clientKeyPassword = copy(keyPassword);
      this.keyStore = null;
      this.keyStorePassword = null;
      return this;
    }

    /**
     * Present the client certificate of this key store (PKCS#12 or JKS); replaces a {@linkplain
     * #clientCertificate PEM client certificate}.
     *
     * @param password the store's password, or null for none (copied)
     * @throws IllegalArgumentException if the file is not readable
     */
    public Builder keyStore(Path file, char @Nullable [] password) {
      this.keyStore = readable("keyStore", file);
      this.keyStorePassword = copy(password);
      this.clientCertificate = null;
      this.clientKey = null;
      this.clientKeyPassword = null;
      return this;
    }

    /** No TLS trust or client certificate settings: the JVM's default trust, no certificate. */
    public Builder defaultTls() {
      this.trustedCertificates = null;
      this.trustStore = null;
      this.trustStorePassword = null;
      this.clientCertificate = null;
      this.clientKey = null;
      this.clientKeyPassword = null;
      this.keyStore = null;
      this.keyStorePassword = null;
      return this;
    }

    private static Duration wholeSeconds(String field, Duration value) {
      Require.nonNull(field, value);
      Require.that(
          value.getNano() == 0 && value.getSeconds() >= 1 && value.getSeconds() <= 32_767,
          field,
          value,
          "be a whole number of seconds from 1 to 32767 (the socket option counts seconds)");
      return value;
    }

    private static Path readable(String field, Path file) {
      Require.nonNull(field, file);
      Require.that(
          Files.isRegularFile(file) && Files.isReadable(file), field, file, "be a readable file");
      return file;
    }

    /** The deadline of one command; positive. */
    public Builder commandTimeout(Duration timeout) {
      this.commandTimeout = positive("commandTimeout", timeout);
      return this;
    }

    /** The deadline of a TCP connect; positive. */
    public Builder connectTimeout(Duration timeout) {
      this.connectTimeout = positive("connectTimeout", timeout);
      return this;
    }

    /** Exponential delay between reconnect attempts, from {@code min} up to {@code max}. */
    public Builder reconnectDelay(Duration min, Duration max) {
      positive("reconnectMinDelay", min);
      positive("reconnectMaxDelay", max);
      if (max.compareTo(min) < 0) {
        throw new IllegalArgumentException(
            "reconnectMaxDelay ("
                + max
                + ") must not be less than reconnectMinDelay ("
                + min
                + ")");
      }
      this.reconnectMinDelay = min;
      this.reconnectMaxDelay = max;
      return this;
    }

    /** How often a Cluster's topology is refreshed; positive. */
    public Builder topologyRefreshPeriod(Duration period) {
      this.topologyRefreshPeriod = positive("topologyRefreshPeriod", period);
      return this;
    }

    /** Whether commands fail at once while disconnected (default true). */
    public Builder rejectCommandsWhileDisconnected(boolean reject) {
      this.rejectCommandsWhileDisconnected = reject;
      return this;
    }

    /** The most commands queued per connection; at least 1. */
    public Builder requestQueueSize(int size) {
      if (size < 1) {
        throw new IllegalArgumentException("requestQueueSize must be >= 1, was " + size);
      }
      this.requestQueueSize = size;
      return this;
    }

    /** The client name shown by {@code CLIENT LIST} (default {@code headroom}); no spaces. */
    public Builder clientName(String name) {
      Objects.requireNonNull(name, "clientName");
      if (name.isEmpty() || name.chars().anyMatch(c -> c <= ' ')) {
        throw new IllegalArgumentException(
            "clientName must be non-empty without spaces or control characters, was '"
                + name
                + "'");
      }
      this.clientName = name;
      return this;
    }

    /** The options. */
    public RedisConnectorOptions build() {
      return new RedisConnectorOptions(this);
    }

    private static Duration positive(String field, Duration value) {
      Objects.requireNonNull(value, field);
      if (value.isNegative() || value.isZero()) {
        throw new IllegalArgumentException(field + " must be positive, was " + value);
      }
      return value;
    }
  }
}
