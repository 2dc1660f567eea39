package dev.headroom.cdn;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class CdnMetricsTest {

  @Test
  void routerCountsRoutesByTypeAndTargetAndGaugesDownHosts() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    URI host = URI.create("https://img.example.com");
    CdnRouter router = CdnRouter.of(CdnConfig.builder().hosts(AssetType.IMAGE, List.of(host)).build(), registry);

    router.route("a.png");
    router.route("b.png");
    router.route("app.js");
    router.markDown(host);
    router.route("a.png");

    assertThat(registry.get("headroom.cdn.routes").tags("type", "image", "target", "cdn").counter().count())
        .isEqualTo(2);
    assertThat(registry.get("headroom.cdn.routes").tags("type", "image", "target", "local").counter().count())
        .isEqualTo(1);
    assertThat(registry.get("headroom.cdn.routes").tags("type", "static", "target", "local").counter().count())
        .isEqualTo(1);
    assertThat(registry.get("headroom.cdn.hosts.down").gauge().value()).isEqualTo(1);
    router.markUp(host);
    assertThat(registry.get("headroom.cdn.hosts.down").gauge().value()).isZero();
  }

  @Test
  void verifierCountsOutcomes() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    byte[] secret = new byte[32];
    Arrays.fill(secret, (byte) 7);
    HmacKey key = HmacKey.of("k", secret);
    HmacVerifier verifier = HmacVerifier.builder().key(key).meterRegistry(registry).build();
    Instant expires = Instant.parse("2026-01-01T00:10:00Z");
    URI signed = HmacSigner.of(key).sign(URI.create("/a.mp3"), Grant.until(expires));

    verifier.verify(signed, expires.minusSeconds(60));
    verifier.verify(signed, expires.plusSeconds(60));
    verifier.verify("/a.mp3", null, expires);

    assertThat(registry.get("headroom.cdn.verifications").tag("status", "valid").counter().count()).isEqualTo(1);
    assertThat(registry.get("headroom.cdn.verifications").tag("status", "expired").counter().count()).isEqualTo(1);
    assertThat(registry.get("headroom.cdn.verifications").tag("status", "missing").counter().count()).isEqualTo(1);
  }
}
