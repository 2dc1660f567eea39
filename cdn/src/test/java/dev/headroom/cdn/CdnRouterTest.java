package dev.headroom.cdn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.headroom.core.config.Environment;
import dev.headroom.core.config.HeadroomConfig;
import dev.headroom.core.health.HealthStatus;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CdnRouterTest {

  private static final URI IMAGES = URI.create("https://img.example.com");
  private static final URI AUDIO = URI.create("https://audio.example.com/media");
  private static final URI DEFAULT = URI.create("https://cdn.example.com/static");

  private final CdnRouter router =
      CdnRouters.create(
          "cdn",
          CdnConfig.builder()
              .baseUrl(DEFAULT)
              .hosts(AssetType.IMAGE, List.of(IMAGES))
              .hosts(AssetType.AUDIO, List.of(AUDIO))
              .local(AssetType.DOWNLOAD)
              .cachePolicy(AssetType.AUDIO, CachePolicy.publicFor(Duration.ofDays(7)))
              .localPrefix("/assets/")
              .build());

  @ParameterizedTest
  @CsvSource({
    "covers/42.jpg,    IMAGE,    https://img.example.com/covers/42.jpg,          'public, max-age=86400'",
    "icons/logo.SVG,   IMAGE,    https://img.example.com/icons/logo.SVG,         'public, max-age=86400'",
    "tracks/1.mp3,     AUDIO,    https://audio.example.com/media/tracks/1.mp3,   'public, max-age=604800'",
    "clips/intro.mp4,  VIDEO,    https://cdn.example.com/static/clips/intro.mp4, 'public, max-age=86400'",
    "app.js,           STATIC,   https://cdn.example.com/static/app.js,          'public, max-age=300'",
    "fonts/a.woff2,    STATIC,   https://cdn.example.com/static/fonts/a.woff2,   'public, max-age=300'",
    "docs/manual.pdf,  DOWNLOAD, /assets/docs/manual.pdf,                         'public, max-age=3600'",
    "LICENSE,          DOWNLOAD, /assets/LICENSE,                                 'public, max-age=3600'"
  })
  void routesEachTypeToItsHostWithItsPolicy(
      String path, AssetType type, String url, String cacheControl) {
    AssetUrl routed = router.route(path);

    assertThat(routed.type()).isEqualTo(type);
    assertThat(routed.url()).isEqualTo(url);
    assertThat(routed.cacheControl()).isEqualTo(cacheControl);
    assertThat(routed.isLocal()).isEqualTo(url.startsWith("/"));
  }

  @Test
  void explicitTypeOverridesTheExtension() {
    AssetUrl routed = router.route("covers/42", AssetType.IMAGE);

    assertThat(routed.url()).isEqualTo("https://img.example.com/covers/42");
    assertThat(routed.host()).contains(IMAGES);
  }

  @Test
  void extensionOverridesAreConfigurable() {
    CdnRouter custom =
        CdnRouters.create(
            "cdn", router.config().toBuilder().extension("GLB", AssetType.IMAGE).build());

    assertThat(custom.route("models/ship.glb").type()).isEqualTo(AssetType.IMAGE);
    assertThat(router.route("models/ship.glb").type()).isEqualTo(AssetType.DOWNLOAD);
  }

  @Test
  void withoutCdnEveryAssetIsLocalAndStillVersioned() {
    CdnRouter local =
        CdnRouters.create(
            "cdn",
            CdnConfig.builder().localPrefix("/assets").versioning(Versioning.fixed("r42")).build());

    AssetUrl routed = local.route("/img/a b.png");

    assertThat(routed.url()).isEqualTo("/assets/img/a%20b.png?v=r42");
    assertThat(routed.isLocal()).isTrue();
    assertThat(routed.isVersioned()).isTrue();
    assertThat(routed.host()).isEmpty();
  }

  @Test
  void headroomConfigSuppliesTheBaseUrl() {
    HeadroomConfig config =
        HeadroomConfig.from(Environment.of(Map.of("CDN_BASE_URL", "https://cdn.example.com/")));

    assertThat(CdnRouters.create("cdn", CdnConfig.builder(config).build()).route("a.css").url())
        .isEqualTo("https://cdn.example.com/a.css");
    HeadroomConfig noCdn = HeadroomConfig.from(Environment.of(Map.of()));
    assertThat(CdnRouters.create("cdn", CdnConfig.builder(noCdn).build()).route("a.css").url())
        .isEqualTo("/a.css");
  }

  @Test
  void versionedStaticAssetsAreImmutableForAYear() {
    CdnRouter versioned =
        CdnRouters.create(
            "cdn", router.config().toBuilder().versioning(Versioning.fixed("1.4.2")).build());

    AssetUrl routed = versioned.route("app.js");

    assertThat(routed.url()).isEqualTo("https://cdn.example.com/static/app.js?v=1.4.2");
    assertThat(routed.cacheControl()).isEqualTo("public, max-age=31536000, immutable");
  }

  @Test
  void versionCanGoInThePath() {
    CdnRouter versioned =
        CdnRouters.create(
            "cdn",
            router.config().toBuilder()
                .versioning(
                    Versioning.byFunction(path -> path.startsWith("img/") ? null : "abc123"))
                .busting(Busting.PATH)
                .build());

    assertThat(versioned.route("app.js").url())
        .isEqualTo("https://cdn.example.com/static/abc123/app.js");
    assertThat(versioned.route("docs/a.pdf").url()).isEqualTo("/assets/abc123/docs/a.pdf");
    assertThat(versioned.route("img/a.png").url()).isEqualTo("https://img.example.com/img/a.png");
  }

  @Test
  void versionParameterIsConfigurable() {
    CdnRouter versioned =
        CdnRouters.create(
            "cdn",
            router.config().toBuilder()
                .versioning(Versioning.fixed("7"))
                .versionParameter("rev")
                .build());

    assertThat(versioned.route("app.css").url())
        .isEqualTo("https://cdn.example.com/static/app.css?rev=7");
  }

  @Test
  void viteManifestRewritesToTheHashedFile(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("manifest.json");
    Files.writeString(
        file,
        """
        {
          "src/main.ts": {"file": "assets/main.4889e940.js", "src": "src/main.ts", "isEntry": true,
                          "css": ["assets/main.b82dbe22.css"]},
          "src/logo.svg": {"file": "assets/logo.1c2d3e4f.svg", "src": "src/logo.svg"}
        }
        """,
        StandardCharsets.UTF_8);
    AssetManifest manifest = AssetManifest.load(file);
    CdnRouter vite =
        CdnRouters.create("cdn", router.config().toBuilder().versioning(manifest).build());

    AssetUrl main = vite.route("/src/main.ts");

    assertThat(manifest.size()).isEqualTo(2);
    assertThat(main.url()).isEqualTo("https://cdn.example.com/static/assets/main.4889e940.js");
    assertThat(main.type()).isEqualTo(AssetType.STATIC);
    assertThat(main.cacheControl()).isEqualTo("public, max-age=31536000, immutable");
    assertThat(vite.route("src/logo.svg").url())
        .isEqualTo("https://img.example.com/assets/logo.1c2d3e4f.svg");
    assertThat(vite.route("src/other.js").isVersioned()).isFalse();
  }

  @Test
  void flatManifestMapsPathsToHashesOrHashedFiles() {
    AssetManifest manifest =
        AssetManifest.parse(
            """
        {"img/a b.png": "4889e940", "app.css": "/css/app.3f2a.css"}
        """
                .getBytes(StandardCharsets.UTF_8),
            "inline");
    CdnRouter flat =
        CdnRouters.create(
            "cdn",
            router.config().toBuilder()
                .versioning(manifest.orElse(Versioning.fixed("fallback")))
                .build());

    assertThat(flat.route("img/a%20b.png").url())
        .isEqualTo("https://img.example.com/img/a%20b.png?v=4889e940");
    assertThat(flat.route("app.css").url())
        .isEqualTo("https://cdn.example.com/static/css/app.3f2a.css");
    assertThat(flat.route("other.css").url())
        .isEqualTo("https://cdn.example.com/static/other.css?v=fallback");
  }

  @Test
  void manifestErrorsNameTheEntry() {
    assertThatThrownBy(
            () ->
                AssetManifest.parse(
                    "{\"a.js\": {\"file\": \"../../etc/passwd\"}}".getBytes(StandardCharsets.UTF_8),
                    "dist/manifest.json"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(
            "asset manifest dist/manifest.json, entry 'a.js' is rejected: asset path");
    assertThatThrownBy(
            () -> AssetManifest.parse("{\"a.js\": 3}".getBytes(StandardCharsets.UTF_8), "m.json"))
        .hasMessageContaining("entry 'a.js'")
        .hasMessageContaining("\"file\"");
    assertThatThrownBy(() -> AssetManifest.parse("[1]".getBytes(StandardCharsets.UTF_8), "m.json"))
        .hasMessageContaining("expected a JSON object");
    assertThatThrownBy(() -> AssetManifest.parse("{".getBytes(StandardCharsets.UTF_8), "m.json"))
        .hasMessageContaining("is not valid JSON");
    assertThatThrownBy(() -> AssetManifest.of(Map.of("a.js", "bad token!")))
        .hasMessageContaining("manifest entry 'a.js' is rejected");
  }

  @Test
  void imageTransformsInQueryDialect() {
    AssetUrl url =
        router.image(
            "covers/42.jpg",
            ImageTransform.none().width(300).height(200).format(ImageFormat.WEBP).quality(80));

    assertThat(url.url())
        .isEqualTo("https://img.example.com/covers/42.jpg?w=300&h=200&fm=webp&q=80");
    assertThat(router.image("a.png", ImageTransform.none().format(ImageFormat.AUTO)).url())
        .isEqualTo("https://img.example.com/a.png?auto=format");
  }

  @Test
  void imageTransformsInPathDialectKeepTheVersionQuery() {
    CdnRouter cloudflare =
        CdnRouters.create(
            "cdn",
            CdnConfig.builder()
                .baseUrl(URI.create("https://example.com/media"))
                .imageDialect(ImageDialect.PATH)
                .versioning(Versioning.fixed("9"))
                .build());

    AssetUrl url =
        cloudflare.image(
            "covers/42.jpg", ImageTransform.none().width(300).format(ImageFormat.WEBP));

    assertThat(url.url())
        .isEqualTo(
            "https://example.com/cdn-cgi/image/width=300,format=webp/media/covers/42.jpg?v=9");
  }

  @Test
  void localFallbackServesTheOriginalImage() {
    CdnRouter local =
        CdnRouters.create("cdn", CdnConfig.builder().versioning(Versioning.fixed("9")).build());

    assertThat(local.image("a.png", ImageTransform.none().width(10)).url()).isEqualTo("/a.png?v=9");
  }

  @Test
  void unsafePathsAreRejectedByTheRouter() {
    assertThatThrownBy(() -> router.route("img/%2E%2E/secret.png"))
        .isInstanceOf(InvalidAssetPathException.class);
    assertThatThrownBy(() -> router.route("//evil.example/a.png"))
        .isInstanceOf(InvalidAssetPathException.class);
  }

  private static CdnRouter sharded(int hosts) {
    return CdnRouters.create("cdn", CdnConfig.builder().defaultHosts(hosts(hosts)).build());
  }

  private static List<URI> hosts(int n) {
    return java.util.stream.IntStream.range(0, n)
        .mapToObj(i -> URI.create("https://cdn" + i + ".example.com"))
        .toList();
  }

  private static List<String> paths(int n) {
    return java.util.stream.IntStream.range(0, n).mapToObj(i -> "img/" + i + ".png").toList();
  }

  @Test
  void aPathAlwaysMapsToTheSameHost() {
    CdnRouter a = sharded(5);
    CdnRouter b = sharded(5);

    for (String path : paths(200)) {
      assertThat(a.route(path).host())
          .isEqualTo(b.route(path).host())
          .isEqualTo(a.route(path).host());
    }
  }

  @Test
  void assetsSpreadEvenlyOverHosts() {
    CdnRouter router = sharded(4);
    Map<URI, Integer> counts = new ConcurrentHashMap<>();
    paths(20_000)
        .forEach(path -> counts.merge(router.route(path).host().orElseThrow(), 1, Integer::sum));

    assertThat(counts).hasSize(4);
    assertThat(counts.values()).allSatisfy(count -> assertThat(count).isBetween(4_500, 5_500));
  }

  @ParameterizedTest
  @CsvSource({"1", "2", "4", "9"})
  void addingAHostMovesAboutOneNthOfTheAssetsAllToTheNewHost(int before) {
    CdnRouter small = sharded(before);
    CdnRouter large = sharded(before + 1);
    URI added = hosts(before + 1).get(before);
    List<String> paths = paths(20_000);

    int moved = 0;
    for (String path : paths) {
      URI was = small.route(path).host().orElseThrow();
      URI now = large.route(path).host().orElseThrow();
      if (!was.equals(now)) {
        moved++;
        assertThat(now).isEqualTo(added);
      }
    }
    double expected = paths.size() / (double) (before + 1);
    assertThat((double) moved).isBetween(expected * 0.9, expected * 1.1);
  }

  @Test
  void aDownHostsAssetsMoveToTheOthersAndReturnWhenItIsUp() {
    CdnRouter router = sharded(4);
    URI down = hosts(4).get(2);
    List<String> paths = paths(10_000);
    Map<String, URI> before = new java.util.HashMap<>();
    paths.forEach(path -> before.put(path, router.route(path).host().orElseThrow()));

    router.markDown(down);
    Map<URI, Integer> receivers = new java.util.HashMap<>();
    for (String path : paths) {
      URI now = router.route(path).host().orElseThrow();
      assertThat(now).isNotEqualTo(down);
      if (before.get(path).equals(down)) {
        receivers.merge(now, 1, Integer::sum);
      } else {
        assertThat(now).isEqualTo(before.get(path));
      }
    }
    assertThat(receivers).hasSize(3);
    assertThat(router.health().status()).isEqualTo(HealthStatus.DEGRADED);
    assertThat(router.health().details()).containsEntry("downHosts", List.of(down.toString()));

    router.markUp(down);
    paths.forEach(path -> assertThat(router.route(path).host()).contains(before.get(path)));
    assertThat(router.health().status()).isEqualTo(HealthStatus.UP);
    assertThat(router.name()).isEqualTo("cdn");
  }

  @Test
  void allHostsDownFallsBackToTheLocalPathStillVersioned() {
    Set<URI> down = ConcurrentHashMap.newKeySet();
    CdnRouter router =
        CdnRouters.create(
            "cdn",
            CdnConfig.builder()
                .defaultHosts(hosts(2))
                .hostHealth(host -> !down.contains(host))
                .versioning(Versioning.fixed("3"))
                .localPrefix("/static")
                .build());
    down.addAll(hosts(2));

    AssetUrl url = router.route("app.js");

    assertThat(url.url()).isEqualTo("/static/app.js?v=3");
    assertThat(url.isLocal()).isTrue();
    assertThat(router.health().details().get("localTypes"))
        .isEqualTo(List.of("IMAGE", "AUDIO", "VIDEO", "STATIC", "DOWNLOAD"));
    down.clear();
    assertThat(router.route("app.js").isLocal()).isFalse();
  }
}
