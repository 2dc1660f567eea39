package dev.headroom.cdn;

import static org.assertj.core.api.Assertions.assertThat;

import dev.headroom.core.config.Environment;
import dev.headroom.core.config.HeadroomConfig;
import dev.headroom.core.metrics.HeadroomMeters;
import dev.headroom.testkit.ReadmeSnippets;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every Java snippet of README.md stands in this file, and runs here with the outputs it shows. */
class ReadmeSnippetsTest {

  @TempDir Path dist;

  @Test
  void everyReadmeSnippetStandsInThisTest() {
    ReadmeSnippets.assertAllIn(Path.of("README.md"),
        Path.of("src/test/java/dev/headroom/cdn/ReadmeSnippetsTest.java"));
  }

  @Test
  void theFourLines() {
    HeadroomConfig headroomConfig = HeadroomConfig.from(Environment.of(Map.of("CDN_BASE_URL", "https://cdn.example.com")));

    CdnConfig config = CdnConfig.builder(headroomConfig).localPrefix("/assets").build(); // CDN_BASE_URL, else local
    CdnRouter router = CdnRouters.create("web", config);                                 // one per service, shared
    String url = router.route("covers/42.jpg").url();  // https://cdn.example.com/covers/42.jpg

    assertThat(url).isEqualTo("https://cdn.example.com/covers/42.jpg");
    HeadroomConfig noCdn = HeadroomConfig.from(Environment.of(Map.of()));
    assertThat(CdnRouters.create("web", CdnConfig.builder(noCdn).localPrefix("/assets").build())
        .route("covers/42.jpg").url()).isEqualTo("/assets/covers/42.jpg");
  }

  @Test
  void useIt() throws IOException {
    Path manifestFile = dist.resolve("manifest.json");
    Files.writeString(manifestFile, "{\"src/main.ts\": {\"file\": \"assets/main.4889e940.js\"}}", StandardCharsets.UTF_8);
    MeterRegistry meterRegistry = new SimpleMeterRegistry();

    CdnConfig config = CdnConfig.builder()
        .baseUrl(URI.create("https://cdn.example.com"))
        .hosts(AssetType.IMAGE, List.of(URI.create("https://img1.example.com"), URI.create("https://img2.example.com")))
        .cachePolicy(AssetType.AUDIO, CachePolicy.publicFor(Duration.ofDays(7)))
        .versioning(AssetManifest.load(manifestFile)) // Vite's dist/.vite/manifest.json
        .localPrefix("/assets")
        .meterRegistry(meterRegistry)
        .build();
    CdnRouter router = CdnRouters.create("web", config);

    router.route("src/main.ts").url();      // https://cdn.example.com/assets/main.4889e940.js
    router.route("covers/42.jpg").url();    // https://img1.example.com/covers/42.jpg (the same host every time)
    router.image("covers/42.jpg", ImageTransform.none().width(300).format(ImageFormat.WEBP)).url();
                                            // https://img1.example.com/covers/42.jpg?w=300&fm=webp
    router.route("tracks/1.mp3").cacheControl(); // public, max-age=604800

    assertThat(router.route("src/main.ts").url()).isEqualTo("https://cdn.example.com/assets/main.4889e940.js");
    assertThat(router.route("covers/42.jpg").url()).isEqualTo("https://img1.example.com/covers/42.jpg");
    assertThat(router.image("covers/42.jpg", ImageTransform.none().width(300).format(ImageFormat.WEBP)).url())
        .isEqualTo("https://img1.example.com/covers/42.jpg?w=300&fm=webp");
    assertThat(router.route("tracks/1.mp3").cacheControl()).isEqualTo("public, max-age=604800");
    assertThat(meterRegistry.get(HeadroomMeters.CDN_ROUTES).tag(HeadroomMeters.TAG_ROUTER, "web").counters())
        .isNotEmpty();
    router.close();
    assertThat(meterRegistry.getMeters()).isEmpty();
  }

  @Test
  void signAndVerify() {
    String base64Key = java.util.Base64.getEncoder().encodeToString("0123456789abcdef0123456789abcdef".getBytes(
        StandardCharsets.US_ASCII));
    CdnRouter router = CdnRouters.create("web", CdnConfig.builder().baseUrl(URI.create("https://cdn.example.com")).build());
    String clientIp = "192.0.2.7";

    HmacSigner signer = HmacSigner.of(HmacKey.ofBase64("2026-01", base64Key));
    URI signed = router.route("tracks/1.mp3").signed(signer, router.grantFor(Duration.ofMinutes(10)));

    // On the origin (or an edge function), with the same key:
    HmacVerifier verifier = HmacVerifier.builder().name("origin").key(HmacKey.ofBase64("2026-01", base64Key)).build();
    Verification result = verifier.verify(signed, clientIp); // result.isValid(), result.status()

    assertThat(result.isValid()).isTrue();
    assertThat(result.keyId()).contains("2026-01");
    assertThat(verifier.verify(signed, clientIp, Instant.now().plus(Duration.ofHours(1))).status())
        .isEqualTo(Verification.Status.EXPIRED);
  }
}
