package dev.headroom.core.redis;

import java.time.Duration;
import java.util.Objects;

/**
 * Immutable options of a {@link RedisConnector}: timeouts and reconnect behaviour. Start from
 * {@link #defaults()} or {@link #builder()}; change one with {@link #mutate()}.
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

  private static final RedisConnectorOptions DEFAULTS = builder().build();

  private final Duration commandTimeout;
  private final Duration connectTimeout;
  private final Duration reconnectMinDelay;
  private final Duration reconnectMaxDelay;
  private final Duration topologyRefreshPeriod;
  private final boolean rejectCommandsWhileDisconnected;
  private final int requestQueueSize;
  private final String clientName;

  private RedisConnectorOptions(Builder b) {
    this.commandTimeout = b.commandTimeout;
    this.connectTimeout = b.connectTimeout;
    this.reconnectMinDelay = b.reconnectMinDelay;
    this.reconnectMaxDelay = b.reconnectMaxDelay;
    this.topologyRefreshPeriod = b.topologyRefreshPeriod;
    this.rejectCommandsWhileDisconnected = b.rejectCommandsWhileDisconnected;
    this.requestQueueSize = b.requestQueueSize;
    this.clientName = b.clientName;
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
        .clientName(clientName);
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

    private Builder() {}

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
