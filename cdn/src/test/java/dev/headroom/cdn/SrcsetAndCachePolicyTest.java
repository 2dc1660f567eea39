package dev.headroom.cdn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class SrcsetAndCachePolicyTest {

  private final CdnRouter router =
      CdnRouters.create(
          "cdn",
          CdnConfig.builder()
              .baseUrl(URI.create("https://www.example.com"))
              .hosts(AssetType.IMAGE, List.of(URI.create("https://img.example.com")))
              .build());

  @Test
  void widthDescriptorsKeepTheOtherSettingsAndTheAspectRatio() {
    String srcset =
        router.srcset(
            "covers/42.jpg",
            ImageTransform.none().width(300).height(200).format(ImageFormat.WEBP),
            300,
            600,
            1200);
    assertThat(srcset)
        .isEqualTo(
            "https://img.example.com/covers/42.jpg?w=300&h=200&fm=webp 300w, "
                + "https://img.example.com/covers/42.jpg?w=600&h=400&fm=webp 600w, "
                + "https://img.example.com/covers/42.jpg?w=1200&h=800&fm=webp 1200w");
    assertThat(router.srcset("a.jpg", ImageTransform.none(), 320))
        .isEqualTo("https://img.example.com/a.jpg?w=320 320w");
  }

  @Test
  void densityDescriptorsScaleTheWidth() {
    assertThat(
            router.srcsetDensities(
                "a.jpg", ImageTransform.none().width(300).quality(70), 1, 1.5, 2))
        .isEqualTo(
            "https://img.example.com/a.jpg?w=300&q=70 1x, "
                + "https://img.example.com/a.jpg?w=450&q=70 1.5x, "
                + "https://img.example.com/a.jpg?w=600&q=70 2x");
  }

  @Test
  void aLocalFallbackIsTheOneOriginal() {
    CdnRouter local =
        CdnRouters.create("cdn", CdnConfig.builder().versioning(Versioning.fixed("9")).build());
    assertThat(local.srcset("a.png", ImageTransform.none(), 100, 200)).isEqualTo("/a.png?v=9");
  }

  @Test
  void srcsetRejectsWhatABrowserCouldNotUse() {
    assertThatThrownBy(() -> router.srcset("a.jpg", ImageTransform.none()))
        .hasMessageContaining("widths is empty");
    assertThatThrownBy(() -> router.srcset("a.jpg", ImageTransform.none(), 600, 300))
        .hasMessageContaining("strictly ascending");
    assertThatThrownBy(() -> router.srcsetDensities("a.jpg", ImageTransform.none(), 1, 2))
        .hasMessageContaining("set one");
    assertThatThrownBy(
            () -> router.srcsetDensities("a.jpg", ImageTransform.none().width(9000), 1, 2))
        .hasMessageContaining("width=18000");
  }

  @Test
  void cachePolicyStaleAndSharedDirectives() {
    CachePolicy policy =
        CachePolicy.publicFor(Duration.ofMinutes(1))
            .sharedMaxAge(Duration.ofHours(1))
            .staleWhileRevalidate(Duration.ofSeconds(30))
            .staleIfError(Duration.ofDays(1));
    assertThat(policy.headerValue())
        .isEqualTo(
            "public, max-age=60, s-maxage=3600, stale-while-revalidate=30, stale-if-error=86400");
    assertThat(policy.sharedMaxAge()).hasValue(Duration.ofHours(1));
    assertThat(policy.staleWhileRevalidate()).hasValue(Duration.ofSeconds(30));
    assertThat(policy.staleIfError()).hasValue(Duration.ofDays(1));
    assertThat(CachePolicy.immutable().staleIfError(Duration.ofDays(7)).headerValue())
        .isEqualTo("public, max-age=31536000, stale-if-error=604800, immutable");
    assertThat(
            CachePolicy.privateFor(Duration.ofMinutes(5))
                .staleWhileRevalidate(Duration.ofMinutes(1))
                .headerValue())
        .isEqualTo("private, max-age=300, stale-while-revalidate=60");
    assertThatThrownBy(
            () -> CachePolicy.privateFor(Duration.ofMinutes(5)).sharedMaxAge(Duration.ofHours(1)))
        .hasMessageContaining("s-maxage applies to shared caches");
    assertThatThrownBy(() -> CachePolicy.noStore().staleIfError(Duration.ofDays(1)))
        .hasMessageContaining("no-store");
    assertThat(CachePolicy.publicFor(Duration.ofMinutes(1)).sharedMaxAge()).isEmpty();
  }
}
