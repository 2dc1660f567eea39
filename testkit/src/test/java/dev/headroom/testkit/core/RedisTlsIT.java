package dev.headroom.testkit.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.headroom.core.redis.RedisConnector;
import dev.headroom.core.redis.RedisConnectorOptions;
import dev.headroom.testkit.RedisServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code rediss://} against a redis-server that serves TLS and requires a client certificate
 * (Debian's redis-server is built with TLS): custom trust and client certificates, as PEM files and
 * as PKCS#12 stores, and the refusals when either side is not trusted.
 */
class RedisTlsIT {

  private static final char[] PASSWORD = "changeit".toCharArray();
  private static final RedisConnectorOptions FAST =
      RedisConnectorOptions.builder()
          .commandTimeout(Duration.ofSeconds(2))
          .connectTimeout(Duration.ofSeconds(2))
          .build();

  private static RedisServer server;
  private static int tlsPort;

  @BeforeAll
  static void startATlsServer() {
    tlsPort = freePort();
    server =
        RedisServer.start(
            freePort(),
            List.of(
                "--tls-port",
                String.valueOf(tlsPort),
                "--tls-cert-file",
                tls("server.crt").toString(),
                "--tls-key-file",
                tls("server.key").toString(),
                "--tls-ca-cert-file",
                tls("ca.crt").toString(),
                "--tls-auth-clients",
                "yes"));
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static int freePort() {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Path tls(String name) {
    try {
      return Path.of(
          Objects.requireNonNull(RedisTlsIT.class.getResource("/tls/" + name), name).toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String url() {
    return "rediss://127.0.0.1:" + tlsPort;
  }

  @Test
  void pemTrustAndPemClientCertificate() {
    RedisConnectorOptions o =
        FAST.mutate()
            .trustedCertificates(tls("ca.crt"))
            .clientCertificate(tls("client.crt"), tls("client.key"))
            .build();
    try (RedisConnector c = RedisConnector.create(url(), o)) {
      c.sync().set("tls:pem", "ok");
      assertThat(c.sync().get("tls:pem")).isEqualTo("ok");
    }
  }

  @Test
  void trustStoreAndKeyStore() {
    RedisConnectorOptions o =
        FAST.mutate()
            .trustStore(tls("truststore.p12"), PASSWORD)
            .keyStore(tls("client.p12"), PASSWORD)
            .build();
    try (RedisConnector c = RedisConnector.create(url(), o)) {
      c.sync().set("tls:store", "ok");
      assertThat(c.sync().get("tls:store")).isEqualTo("ok");
    }
  }

  @Test
  void aServerSignedByAnotherCaIsRefused() {
    RedisConnectorOptions o =
        FAST.mutate()
            .trustedCertificates(tls("other-ca.crt"))
            .clientCertificate(tls("client.crt"), tls("client.key"))
            .build();
    try (RedisConnector c = RedisConnector.create(url(), o)) {
      assertThatThrownBy(() -> c.sync().ping()).isInstanceOf(RuntimeException.class);
    }
  }

  @Test
  void withoutAClientCertificateTheServerRefuses() {
    RedisConnectorOptions o = FAST.mutate().trustedCertificates(tls("ca.crt")).build();
    try (RedisConnector c = RedisConnector.create(url(), o)) {
      assertThatThrownBy(() -> c.sync().ping()).isInstanceOf(RuntimeException.class);
    }
  }
}
