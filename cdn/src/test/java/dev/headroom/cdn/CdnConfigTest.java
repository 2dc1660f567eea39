package dev.headroom.cdn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.headroom.core.time.ManualTimeSource;
import dev.headroom.core.time.TimeSource;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CdnConfigTest {

  @Test
  void typesWithoutTheirOwnHostsUseTheDefaultHosts() {
    URI base = URI.create("https://cdn.example.com/a/");
    CdnConfig config =
        CdnConfig.builder()
            .baseUrl(base)
            .hosts(AssetType.IMAGE, List.of(URI.create("HTTPS://img.example.com")))
            .local(AssetType.DOWNLOAD)
            .build();

    assertThat(config.hosts(AssetType.AUDIO))
        .containsExactly(URI.create("https://cdn.example.com/a"));
    assertThat(config.hosts(AssetType.IMAGE))
        .containsExactly(URI.create("https://img.example.com"));
    assertThat(config.hosts(AssetType.DOWNLOAD)).isEmpty();
    assertThat(config.cachePolicy(AssetType.STATIC)).isEqualTo(CachePolicy.immutable());
    assertThat(config.toBuilder().build().toString()).isEqualTo(config.toString());
  }

  @Test
  void defaultsServeEverythingLocallyWithoutMetersOnTheSystemClock() {
    CdnConfig config = CdnConfig.ofDefaults();

    for (AssetType type : AssetType.values()) {
      assertThat(config.hosts(type)).isEmpty();
    }
    assertThat(config.localPrefix()).isEmpty();
    assertThat(config.meterRegistry()).isEmpty();
    assertThat(config.timeSource()).isSameAs(TimeSource.system());
  }

  @Test
  void toBuilderKeepsTheMeterRegistryAndTimeSource() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    ManualTimeSource time = ManualTimeSource.create();
    CdnConfig config = CdnConfig.builder().meterRegistry(registry).timeSource(time).build();

    CdnConfig copy = config.toBuilder().build();

    assertThat(copy.meterRegistry()).containsSame(registry);
    assertThat(copy.timeSource()).isSameAs(time);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "ftp://cdn.example.com",
        "/relative",
        "https://cdn.example.com?x=1",
        "https://cdn.example.com#f",
        "https://user:pw@cdn.example.com",
        "https://cdn.example.com/a/%2e%2e/b"
      })
  void badHostsAreRejectedNamingFieldAndValue(String host) {
    assertThatThrownBy(() -> CdnConfig.builder().hosts(AssetType.AUDIO, List.of(URI.create(host))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("hosts[AUDIO][0] must ")
        .hasMessageEndingWith(", was '" + host + "'");
  }

  @Test
  void duplicateHostsAreRejected() {
    URI host = URI.create("https://cdn.example.com");

    assertThatThrownBy(
            () ->
                CdnConfig.builder()
                    .defaultHosts(List.of(host, URI.create("https://cdn.example.com/"))))
        .hasMessage("defaultHosts[1] must not be listed twice, was 'https://cdn.example.com'");
  }

  @Test
  void otherFieldsAreCheckedWhenSet() {
    CdnConfig.Builder builder = CdnConfig.builder();

    assertThatThrownBy(() -> builder.localPrefix("assets"))
        .hasMessage("localPrefix must be an absolute path such as /assets, or empty, was 'assets'");
    assertThatThrownBy(() -> builder.localPrefix("/a/../b"))
        .hasMessageStartingWith("localPrefix must be a safe path")
        .hasMessageEndingWith(", was '/a/../b'");
    assertThatThrownBy(() -> builder.versionParameter("w"))
        .hasMessageStartingWith("versionParameter must be 1 to 32")
        .hasMessageEndingWith(", was 'w'");
    assertThatThrownBy(() -> builder.versionParameter("a b"))
        .hasMessageStartingWith("versionParameter must ")
        .hasMessageEndingWith(", was 'a b'");
    assertThatThrownBy(() -> builder.extension(".png", AssetType.IMAGE))
        .hasMessage("extension must be 1 to 16 letters or digits, without the dot, was '.png'");
    assertThatThrownBy(() -> builder.unversionedPolicy(CachePolicy.immutable()))
        .hasMessageStartingWith("unversionedPolicy must not be immutable")
        .hasMessageEndingWith(", was 'public, max-age=31536000, immutable'");
    assertThatThrownBy(() -> builder.meterRegistry(null))
        .hasMessage("meterRegistry must not be null");
  }

  @Test
  void cachePoliciesRenderCacheControl() {
    assertThat(CachePolicy.immutable().headerValue())
        .isEqualTo("public, max-age=31536000, immutable");
    assertThat(CachePolicy.publicFor(Duration.ofHours(24)).headerValue())
        .isEqualTo("public, max-age=86400");
    assertThat(CachePolicy.privateFor(Duration.ofMinutes(1)).headerValue())
        .isEqualTo("private, max-age=60");
    assertThat(CachePolicy.noStore().headerValue()).isEqualTo("no-store");
    assertThatThrownBy(() -> CachePolicy.publicFor(Duration.ofMillis(10)))
        .hasMessageStartingWith("maxAge=PT0.01S is rejected");
  }

  @Test
  void imageTransformValuesAreCheckedWhenSet() {
    assertThatThrownBy(() -> ImageTransform.none().width(0))
        .hasMessage("width=0 is rejected: expected 1 to 10000 pixels");
    assertThatThrownBy(() -> ImageTransform.none().height(10_001))
        .hasMessageStartingWith("height=10001");
    assertThatThrownBy(() -> ImageTransform.none().quality(101))
        .hasMessageStartingWith("quality=101");
    assertThat(ImageTransform.none().isEmpty()).isTrue();
    assertThat(ImageTransform.none().width(5)).isEqualTo(ImageTransform.none().width(5));
  }

  @Test
  void versionTokensAreChecked() {
    assertThatThrownBy(() -> AssetVersion.token("..")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> AssetVersion.token("a/b"))
        .hasMessageContaining("version token 'a/b' is rejected");
    assertThatThrownBy(() -> Versioning.fixed("")).isInstanceOf(IllegalArgumentException.class);
  }
}
