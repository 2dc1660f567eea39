package dev.headroom.core.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.SocketOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RedisConnectorOptionsTest {

  @TempDir Path dir;

  @Test
  void keepaliveAndTcpUserTimeoutAreOnByDefault() {
    RedisConnectorOptions o = RedisConnectorOptions.defaults();
    assertThat(o.keepAlive()).isTrue();
    assertThat(o.keepAliveIdle()).isEqualTo(Duration.ofSeconds(10));
    assertThat(o.keepAliveInterval()).isEqualTo(Duration.ofSeconds(5));
    assertThat(o.keepAliveCount()).isEqualTo(3);
    assertThat(o.tcpUserTimeout()).contains(Duration.ofSeconds(30));
    assertThat(o.hasTlsSettings()).isFalse();
    assertThat(o.toString()).contains("keepAlive=PT10S+3xPT5S", "tcpUserTimeout=PT30S");
  }

  @Test
  void theSettingsReachLettucesClientOptions() {
    RedisConnectorOptions o =
        RedisConnectorOptions.builder()
            .connectTimeout(Duration.ofMillis(1500))
            .keepAlive(Duration.ofSeconds(7), Duration.ofSeconds(2), 4)
            .tcpUserTimeout(Duration.ofSeconds(20))
            .build();
    // No connection is opened: a connector connects on its first command.
    try (RedisConnector connector = RedisConnector.create("redis://127.0.0.1:6379", o)) {
      ClientOptions client = connector.lettuce().clientOptions();
      SocketOptions socket = client.getSocketOptions();
      assertThat(socket.getConnectTimeout()).isEqualTo(Duration.ofMillis(1500));
      assertThat(socket.isKeepAlive()).isTrue();
      if (LettuceSettings.keepAliveTimingsSupported()) {
        assertThat(socket.getKeepAlive().getIdle()).isEqualTo(Duration.ofSeconds(7));
        assertThat(socket.getKeepAlive().getInterval()).isEqualTo(Duration.ofSeconds(2));
        assertThat(socket.getKeepAlive().getCount()).isEqualTo(4);
      }
      assertThat(socket.isEnableTcpUserTimeout())
          .as("TCP_USER_TIMEOUT is applied exactly when a native transport can carry it")
          .isEqualTo(LettuceSettings.userTimeoutSupported());
      assertThat(client.getSslOptions()).isSameAs(ClientOptions.DEFAULT_SSL_OPTIONS);
    }
  }

  @Test
  void eachTransportGetsOnlyWhatItCanApply() {
    RedisConnectorOptions o = RedisConnectorOptions.defaults();

    SocketOptions nativeTransport = LettuceSettings.socketOptions(o, true, true);
    assertThat(nativeTransport.getKeepAlive().getIdle()).isEqualTo(Duration.ofSeconds(10));
    assertThat(nativeTransport.getKeepAlive().getInterval()).isEqualTo(Duration.ofSeconds(5));
    assertThat(nativeTransport.getKeepAlive().getCount()).isEqualTo(3);
    assertThat(nativeTransport.isEnableTcpUserTimeout()).isTrue();
    assertThat(nativeTransport.getTcpUserTimeout().getTcpUserTimeout())
        .isEqualTo(Duration.ofSeconds(30));

    // NIO on Linux: keepalive timings through jdk.net, no TCP_USER_TIMEOUT (Lettuce 7 would refuse
    // to connect with it)
    SocketOptions nio = LettuceSettings.socketOptions(o, true, false);
    assertThat(nio.getKeepAlive().getIdle()).isEqualTo(Duration.ofSeconds(10));
    assertThat(nio.isEnableTcpUserTimeout()).isFalse();

    // neither: keepalive on with the system's timings
    SocketOptions bare = LettuceSettings.socketOptions(o, false, false);
    assertThat(bare.isKeepAlive()).isTrue();
    assertThat(bare.isEnableTcpUserTimeout()).isFalse();

    SocketOptions off =
        LettuceSettings.socketOptions(
            o.mutate().noKeepAlive().noTcpUserTimeout().build(), true, true);
    assertThat(off.isKeepAlive()).isFalse();
    assertThat(off.isEnableTcpUserTimeout()).isFalse();
  }

  @Test
  void badSettingsAreRefusedWithTheFieldValueAndRule() {
    RedisConnectorOptions.Builder b = RedisConnectorOptions.builder();
    assertThatThrownBy(() -> b.keepAlive(Duration.ofMillis(1500), Duration.ofSeconds(1), 3))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "keepAliveIdle must be a whole number of seconds from 1 to 32767 (the socket option"
                + " counts seconds), was PT1.5S");
    assertThatThrownBy(() -> b.keepAlive(Duration.ofSeconds(1), Duration.ZERO, 3))
        .hasMessageStartingWith("keepAliveInterval must be a whole number of seconds");
    assertThatThrownBy(() -> b.keepAlive(Duration.ofSeconds(1), Duration.ofSeconds(1), 0))
        .hasMessage("keepAliveCount must be between 1 and 127, was 0");
    assertThatThrownBy(() -> b.tcpUserTimeout(Duration.ZERO))
        .hasMessage("tcpUserTimeout must be positive, was PT0S");
    assertThatThrownBy(() -> b.tcpUserTimeout(Duration.ofNanos(10)))
        .hasMessageStartingWith("tcpUserTimeout must be between 1 ms and");
    Path missing = dir.resolve("missing.pem");
    assertThatThrownBy(() -> b.trustedCertificates(missing))
        .hasMessage("trustedCertificates must be a readable file, was " + missing);
    assertThatThrownBy(() -> b.keyStore(dir, null))
        .hasMessage("keyStore must be a readable file, was " + dir);
  }

  @Test
  void tlsSettingsReplaceEachOtherAndHideTheirPasswords() throws IOException {
    Path pem = Files.writeString(dir.resolve("ca.pem"), "not read until a connection opens");
    Path store = Files.writeString(dir.resolve("trust.p12"), "x");
    Path cert = Files.writeString(dir.resolve("client.crt"), "x");
    Path key = Files.writeString(dir.resolve("client.key"), "x");
    char[] password = "s3cret".toCharArray();
    RedisConnectorOptions o =
        RedisConnectorOptions.builder()
            .trustedCertificates(pem)
            .trustStore(store, password)
            .clientCertificate(cert, key)
            .build();
    password[0] = 'X';
    assertThat(o.trustedCertificates()).isEmpty();
    assertThat(o.trustStore()).contains(store);
    assertThat(o.trustStorePassword()).as("copied").containsExactly("s3cret".toCharArray());
    assertThat(o.clientCertificate()).contains(cert);
    assertThat(o.clientKey()).contains(key);
    assertThat(o.hasTlsSettings()).isTrue();
    assertThat(o.toString()).contains("trustStore=" + store).doesNotContain("s3cret");
    RedisConnectorOptions mutated = o.mutate().keyStore(store, null).build();
    assertThat(mutated.clientCertificate()).isEmpty();
    assertThat(mutated.keyStore()).contains(store);
    assertThat(mutated.trustStore()).contains(store);
    assertThat(mutated.mutate().defaultTls().build().hasTlsSettings()).isFalse();
  }

  @Test
  void tlsSettingsReachLettuceWithATlsUrl() throws IOException {
    Path pem = Files.writeString(dir.resolve("ca.pem"), "x");
    RedisConnectorOptions o = RedisConnectorOptions.builder().trustedCertificates(pem).build();
    try (RedisConnector connector = RedisConnector.create("rediss://127.0.0.1:6380", o)) {
      assertThat(connector.lettuce().clientOptions().getSslOptions())
          .isNotSameAs(ClientOptions.DEFAULT_SSL_OPTIONS);
    }
  }

  @Test
  void tlsSettingsWithAPlainUrlAreRefused() throws IOException {
    Path pem = Files.writeString(dir.resolve("ca.pem"), "x");
    RedisConnectorOptions o = RedisConnectorOptions.builder().trustedCertificates(pem).build();
    assertThatThrownBy(() -> RedisConnector.create("redis://:pw@127.0.0.1:6379", o))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("need a TLS URL")
        .hasMessageNotContaining("pw@");
  }
}
