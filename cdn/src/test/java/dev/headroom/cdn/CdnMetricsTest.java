package dev.headroom.cdn;

import static dev.headroom.core.metrics.HeadroomMeters.CDN_HOSTS_DOWN;
import static dev.headroom.core.metrics.HeadroomMeters.CDN_ROUTES;
import static dev.headroom.core.metrics.HeadroomMeters.CDN_VERIFICATIONS;
import static dev.headroom.core.metrics.HeadroomMeters.TAG_RESULT;
import static dev.headroom.core.metrics.HeadroomMeters.TAG_ROUTER;
import static dev.headroom.core.metrics.HeadroomMeters.TAG_TYPE;
import static dev.headroom.core.metrics.HeadroomMeters.TAG_VERIFIER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.headroom.core.time.ManualTimeSource;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.ref.WeakReference;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class CdnMetricsTest {

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

  @Test
  void routerCountsRoutesByTypeAndResultAndGaugesDownHostsUnderItsName() {
    URI host = URI.create("https://img.example.com");
    CdnRouter router =
        CdnRouters.create(
            "web",
            CdnConfig.builder()
                .hosts(AssetType.IMAGE, List.of(host))
                .meterRegistry(registry)
                .build());

    router.route("a.png");
    router.route("b.png");
    router.route("app.js");
    router.markDown(host);
    router.route("a.png");

    assertThat(
            registry
                .get(CDN_ROUTES)
                .tags(TAG_ROUTER, "web", TAG_TYPE, "image", TAG_RESULT, "cdn")
                .counter()
                .count())
        .isEqualTo(2);
    assertThat(
            registry
                .get(CDN_ROUTES)
                .tags(TAG_ROUTER, "web", TAG_TYPE, "image", TAG_RESULT, "local")
                .counter()
                .count())
        .isEqualTo(1);
    assertThat(
            registry
                .get(CDN_ROUTES)
                .tags(TAG_ROUTER, "web", TAG_TYPE, "static", TAG_RESULT, "local")
                .counter()
                .count())
        .isEqualTo(1);
    assertThat(registry.get(CDN_HOSTS_DOWN).tag(TAG_ROUTER, "web").gauge().value()).isEqualTo(1);
    router.markUp(host);
    assertThat(registry.get(CDN_HOSTS_DOWN).tag(TAG_ROUTER, "web").gauge().value()).isZero();
  }

  @Test
  void twoRoutersKeepTheirOwnSeriesAndCloseRemovesOnlyTheirs() {
    URI host = URI.create("https://img.example.com");
    CdnConfig config =
        CdnConfig.builder().hosts(AssetType.IMAGE, List.of(host)).meterRegistry(registry).build();
    CdnRouter web = CdnRouters.create("web", config);
    CdnRouter admin = CdnRouters.create("admin", config);
    web.markDown(host);

    assertThat(registry.get(CDN_HOSTS_DOWN).tag(TAG_ROUTER, "web").gauge().value()).isEqualTo(1);
    assertThat(registry.get(CDN_HOSTS_DOWN).tag(TAG_ROUTER, "admin").gauge().value()).isZero();

    web.close();

    assertThat(registry.find(CDN_ROUTES).tag(TAG_ROUTER, "web").meters()).isEmpty();
    assertThat(registry.find(CDN_HOSTS_DOWN).tag(TAG_ROUTER, "web").meters()).isEmpty();
    assertThat(registry.find(CDN_ROUTES).tag(TAG_ROUTER, "admin").meters()).isNotEmpty();
    assertThat(web.route("a.png").isLocal()).isTrue();
    admin.close();
    assertThat(registry.getMeters()).isEmpty();
  }

  @Test
  void withoutARegistryNothingIsRecordedAndCloseIsHarmless() {
    CdnRouter router = CdnRouters.create("web", CdnConfig.ofDefaults());

    router.route("a.png");
    router.close();
    router.close();

    assertThat(router.route("a.png").url()).isEqualTo("/a.png");
  }

  @Test
  void verifierCountsResultsUnderItsNameUntilClosed() {
    byte[] secret = new byte[32];
    Arrays.fill(secret, (byte) 7);
    HmacKey key = HmacKey.of("k", secret);
    HmacVerifier verifier =
        HmacVerifier.builder().name("origin").key(key).meterRegistry(registry).build();
    Instant expires = Instant.parse("2026-01-01T00:10:00Z");
    URI signed = HmacSigner.of(key).sign(URI.create("/a.mp3"), Grant.until(expires));

    verifier.verify(signed, expires.minusSeconds(60));
    verifier.verify(signed, expires.plusSeconds(60));
    verifier.verify("/a.mp3", null, expires);

    assertThat(
            registry
                .get(CDN_VERIFICATIONS)
                .tags(TAG_VERIFIER, "origin", TAG_RESULT, "valid")
                .counter()
                .count())
        .isEqualTo(1);
    assertThat(
            registry
                .get(CDN_VERIFICATIONS)
                .tags(TAG_VERIFIER, "origin", TAG_RESULT, "expired")
                .counter()
                .count())
        .isEqualTo(1);
    assertThat(
            registry
                .get(CDN_VERIFICATIONS)
                .tags(TAG_VERIFIER, "origin", TAG_RESULT, "missing")
                .counter()
                .count())
        .isEqualTo(1);
    assertThat(verifier.name()).isEqualTo("origin");

    verifier.close();

    assertThat(registry.find(CDN_VERIFICATIONS).meters()).isEmpty();
  }

  @Test
  void grantsComeFromTheConfiguredClock() {
    ManualTimeSource time = ManualTimeSource.startingAt(Instant.parse("2026-03-01T12:00:00Z"));
    CdnRouter router = CdnRouters.create("web", CdnConfig.builder().timeSource(time).build());

    time.advance(Duration.ofMinutes(5));

    assertThat(router.grantFor(Duration.ofMinutes(10)).expires())
        .isEqualTo(Instant.parse("2026-03-01T12:15:00Z"));
  }

  @Test
  void theDownHostsGaugeReadsTheRouterAfterAGarbageCollection() {
    URI host = URI.create("https://img.example.com");
    // The caller keeps no reference: only the meter does, until the router is closed.
    CdnRouters.create(
            "gc",
            CdnConfig.builder()
                .hosts(AssetType.IMAGE, List.of(host))
                .meterRegistry(registry)
                .build())
        .markDown(host);

    WeakReference<Object> canary = new WeakReference<>(new Object());
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () -> {
              System.gc();
              return canary.get() == null;
            });

    assertThat(registry.get(CDN_HOSTS_DOWN).tags(TAG_ROUTER, "gc").gauge().value()).isEqualTo(1.0);
  }
}
