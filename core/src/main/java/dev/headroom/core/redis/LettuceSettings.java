package dev.headroom.core.redis;

import io.lettuce.core.SocketOptions;
import io.lettuce.core.SslOptions;
import io.lettuce.core.resource.EpollProvider;
import io.lettuce.core.resource.IOUringProvider;
import io.lettuce.core.resource.KqueueProvider;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns {@link RedisConnectorOptions} into Lettuce's socket and TLS options, applying only what the
 * transport supports. Lettuce 7 refuses to connect when a socket option cannot be applied ({@code
 * TCP_USER_TIMEOUT} without epoll or io_uring; keepalive timings without a transport that sets
 * them), and Lettuce 6.8 warns on every connect, so an option the transport cannot carry is left
 * out here, with one warning per process. The checks mirror Lettuce's own, on API that both lines
 * have: the native transports first, then NIO's {@code jdk.net} keepalive options (not on macOS,
 * where Lettuce uses kqueue).
 */
final class LettuceSettings {

  private static final Logger log = LoggerFactory.getLogger(LettuceSettings.class);
  private static final AtomicBoolean WARNED_KEEPALIVE = new AtomicBoolean();
  private static final AtomicBoolean WARNED_USER_TIMEOUT = new AtomicBoolean();

  private LettuceSettings() {}

  /** Whether Lettuce runs on a native transport that sets {@code TCP_USER_TIMEOUT}. */
  static boolean userTimeoutSupported() {
    return EpollProvider.isAvailable() || IOUringProvider.isAvailable();
  }

  /** Whether Lettuce can set keepalive's idle time, interval and count per connection. */
  static boolean keepAliveTimingsSupported() {
    return userTimeoutSupported() || (nioKeepAliveOptions() && !KqueueProvider.isAvailable());
  }

  private static boolean nioKeepAliveOptions() {
    try {
      Class<?> options = Class.forName("jdk.net.ExtendedSocketOptions");
      for (String field : new String[] {"TCP_KEEPIDLE", "TCP_KEEPINTERVAL", "TCP_KEEPCOUNT"}) {
        if (options.getField(field).get(null) == null) {
          return false;
        }
      }
      return true;
    } catch (ReflectiveOperationException | LinkageError e) {
      return false;
    }
  }

  /** The socket options: connect timeout, keepalive and {@code TCP_USER_TIMEOUT}. */
  static SocketOptions socketOptions(RedisConnectorOptions o) {
    return socketOptions(o, keepAliveTimingsSupported(), userTimeoutSupported());
  }

  static SocketOptions socketOptions(
      RedisConnectorOptions o, boolean keepAliveTimings, boolean userTimeout) {
    SocketOptions.Builder b = SocketOptions.builder().connectTimeout(o.connectTimeout());
    if (!o.keepAlive()) {
      b.keepAlive(false);
    } else if (keepAliveTimings) {
      b.keepAlive(
          SocketOptions.KeepAliveOptions.builder()
              .enable()
              .idle(o.keepAliveIdle())
              .interval(o.keepAliveInterval())
              .count(o.keepAliveCount())
              .build());
    } else {
      b.keepAlive(true);
      if (WARNED_KEEPALIVE.compareAndSet(false, true)) {
        // A warning only when the user chose timings; the defaults falling back is routine.
        String message =
            "Redis TCP keepalive is on with the system's timings: this transport cannot set idle,"
                + " interval and count per connection (add netty-transport-native-epoll on Linux)";
        if (o.keepAliveIdle().equals(RedisConnectorOptions.DEFAULT_KEEPALIVE_IDLE)) {
          log.info(message);
        } else {
          log.warn(message);
        }
      }
    }
    Optional<java.time.Duration> timeout = o.tcpUserTimeout();
    if (timeout.isPresent()) {
      if (userTimeout) {
        b.tcpUserTimeout(
            SocketOptions.TcpUserTimeoutOptions.builder()
                .enable()
                .tcpUserTimeout(timeout.get())
                .build());
      } else if (WARNED_USER_TIMEOUT.compareAndSet(false, true)) {
        String message =
            "Redis TCP_USER_TIMEOUT of {} is not applied: it needs Netty's epoll or io_uring"
                + " transport (netty-transport-native-epoll, Linux); keepalive and the command"
                + " timeout still apply";
        // A warning only when the user chose the value; the default not applying is routine.
        if (timeout.get().equals(RedisConnectorOptions.DEFAULT_TCP_USER_TIMEOUT)) {
          log.info(message, timeout.get());
        } else {
          log.warn(message, timeout.get());
        }
      }
    }
    return b.build();
  }

  /** The TLS options, or null when none are given (Lettuce's defaults: the JVM's trust). */
  static @Nullable SslOptions sslOptions(RedisConnectorOptions o) {
    if (!o.hasTlsSettings()) {
      return null;
    }
    SslOptions.Builder b = SslOptions.builder().jdkSslProvider();
    o.trustedCertificates().ifPresent(pem -> b.trustManager(pem.toFile()));
    o.trustStore()
        .ifPresent(
            store -> {
              char[] password = o.trustStorePassword();
              b.truststore(store.toFile(), password == null ? null : new String(password));
            });
    o.clientCertificate()
        .ifPresent(
            chain ->
                b.keyManager(
                    chain.toFile(), o.clientKey().orElseThrow().toFile(), o.clientKeyPassword()));
    o.keyStore().ifPresent(store -> b.keystore(store.toFile(), o.keyStorePassword()));
    return b.build();
  }
}
