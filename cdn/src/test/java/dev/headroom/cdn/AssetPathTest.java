package dev.headroom.cdn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AssetPathTest {

  @Test
  void encodesEachSegmentPerRfc3986() {
    AssetPath path = AssetPath.of("/covers/My Album (2024)/front&back.jpg");

    assertThat(path.segments()).containsExactly("covers", "My Album (2024)", "front&back.jpg");
    assertThat(path.encoded()).isEqualTo("/covers/My%20Album%20%282024%29/front%26back.jpg");
    assertThat(path.value()).isEqualTo("covers/My Album (2024)/front&back.jpg");
    assertThat(path.extension()).isEqualTo("jpg");
  }

  @Test
  void unicodeFileNamesBecomeUtf8Escapes() {
    AssetPath path = AssetPath.of("audio/Été/日本語 🎵.mp3");

    assertThat(path.encoded())
        .isEqualTo("/audio/%C3%89t%C3%A9/%E6%97%A5%E6%9C%AC%E8%AA%9E%20%F0%9F%8E%B5.mp3");
    assertThat(URI.create(path.encoded()).getPath()).isEqualTo("/audio/Été/日本語 🎵.mp3");
  }

  @Test
  void alreadyEncodedInputIsNotEncodedTwice() {
    AssetPath plain = AssetPath.of("img/a b%.png".replace("%", "%25"));
    AssetPath encoded = AssetPath.of("img/a%20b%25.png");

    assertThat(encoded).isEqualTo(plain);
    assertThat(encoded.encoded()).isEqualTo("/img/a%20b%25.png");
    assertThat(AssetPath.of(encoded.encoded())).isEqualTo(encoded);
  }

  @Test
  void leadingSlashIsOptional() {
    assertThat(AssetPath.of("img/a.png")).isEqualTo(AssetPath.of("/img/a.png"));
  }

  @Test
  void startsWithComparesWholeSegments() {
    AssetPath track = AssetPath.of("audio/album/1.mp3");

    assertThat(track.startsWith(AssetPath.of("audio"))).isTrue();
    assertThat(track.startsWith(AssetPath.of("audio/album/1.mp3"))).isTrue();
    assertThat(track.startsWith(AssetPath.of("aud"))).isFalse();
    assertThat(AssetPath.of("audiobooks/1.mp3").startsWith(AssetPath.of("audio"))).isFalse();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "../etc/passwd",
        "img/../../secret",
        "img/..",
        "%2e%2e/secret",
        "img/%2E%2e/x",
        "img/.%2E/x",
        "./a.png",
        "img/%2e/a.png"
      })
  void rejectsDotSegmentsInAnyEncoding(String path) {
    assertThatThrownBy(() -> AssetPath.of(path))
        .isInstanceOf(InvalidAssetPathException.class)
        .hasMessageContaining("segment (in any encoding) is not allowed");
  }

  @ParameterizedTest
  @ValueSource(strings = {"img\\a.png", "img/%5c..%5csecret", "img%2fa.png", "img%2F..%2Fa.png"})
  void rejectsBackslashesAndEncodedSeparators(String path) {
    assertThatThrownBy(() -> AssetPath.of(path)).isInstanceOf(InvalidAssetPathException.class);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "https://evil.example/a.png",
        "HTTP://evil/a.png",
        "javascript:alert(1)",
        "data:text/html,x",
        "//evil.example/a.png",
        "///a.png"
      })
  void rejectsAbsoluteAndSchemeRelativeUrls(String path) {
    assertThatThrownBy(() -> AssetPath.of(path))
        .isInstanceOf(InvalidAssetPathException.class)
        .hasMessageContaining("is not a path");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "img/a.png?x=1",
        "img/a.png#frag",
        "img/a.png\u0000.jpg",
        "img/a\n.png",
        "img/%00.png",
        "img/%0d%0aSet-Cookie:x",
        "img/a\u007f.png",
        "img/%C2%85.png"
      })
  void rejectsQueriesFragmentsAndControlCharacters(String path) {
    assertThatThrownBy(() -> AssetPath.of(path)).isInstanceOf(InvalidAssetPathException.class);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "/",
        "img//a.png",
        "img/",
        "img/a%2",
        "img/a%zz.png",
        "img/%C3%28.png",
        "img/\uD800.png"
      })
  void rejectsMalformedPaths(String path) {
    assertThatThrownBy(() -> AssetPath.of(path)).isInstanceOf(InvalidAssetPathException.class);
  }

  @Test
  void messageNamesThePathAndTheRule() {
    assertThatThrownBy(() -> AssetPath.of("img/%2e%2e/x"))
        .isInstanceOf(InvalidAssetPathException.class)
        .hasMessage(
            "asset path 'img/%2e%2e/x' is rejected: a '..' segment (in any encoding) is not allowed")
        .satisfies(
            e -> assertThat(((InvalidAssetPathException) e).path()).isEqualTo("img/%2e%2e/x"));
  }

  @Test
  void colonAfterTheFirstSegmentIsAFileNameCharacter() {
    assertThat(AssetPath.of("img/12:30.png").encoded()).isEqualTo("/img/12%3A30.png");
  }

  @Property(tries = 2000)
  void anyPathIsRejectedOrRoundTripsThroughJavaNetUri(@ForAll("paths") String input) {
    AssetPath path;
    try {
      path = AssetPath.of(input);
    } catch (InvalidAssetPathException rejected) {
      return;
    }
    URI uri = URI.create("https://cdn.example.com" + path.encoded());

    assertThat(uri.getHost()).isEqualTo("cdn.example.com");
    assertThat(uri.getRawQuery()).isNull();
    assertThat(uri.getRawFragment()).isNull();
    List<String> decoded = Arrays.asList(uri.getPath().substring(1).split("/", -1));
    assertThat(decoded).isEqualTo(path.segments());
    assertThat(decoded).doesNotContain("", ".", "..");
    if (input.indexOf('%') < 0) {
      String body = input.startsWith("/") ? input.substring(1) : input;
      assertThat(path.segments()).isEqualTo(Arrays.asList(body.split("/", -1)));
    }
    assertThat(AssetPath.of(path.encoded())).isEqualTo(path);
  }

  @Property(tries = 1000)
  void anyUnicodeStringIsRejectedOrRoundTrips(@ForAll String input) {
    anyPathIsRejectedOrRoundTripsThroughJavaNetUri(input);
  }

  @Property(tries = 1000)
  void segmentsAreEncodedAsUrlEncoderEncodesUtf8(@ForAll String segment) {
    if (!StandardCharsets.UTF_8.newEncoder().canEncode(segment)) {
      assertThatThrownBy(() -> AssetPath.encodeSegment(segment))
          .isInstanceOf(InvalidAssetPathException.class);
      return;
    }
    // URLEncoder leaves '*' bare and encodes '~' and ' ' otherwise than RFC 3986's unreserved set.
    String reference =
        URLEncoder.encode(segment, StandardCharsets.UTF_8)
            .replace("+", "%20")
            .replace("*", "%2A")
            .replace("%7E", "~");
    assertThat(AssetPath.encodeSegment(segment)).isEqualTo(reference);
  }

  @Property(tries = 2000)
  void partsDerivedFromTheEncodedFormAgreeWithTheSegments(@ForAll("paths") String input) {
    AssetPath path;
    try {
      path = AssetPath.of(input);
    } catch (InvalidAssetPathException rejected) {
      return;
    }
    List<String> segments = path.segments();
    List<String> encodedSegments = segments.stream().map(AssetPath::encodeSegment).toList();

    assertThat(path.encoded()).isEqualTo("/" + String.join("/", encodedSegments));
    assertThat(path.hashCode()).isEqualTo(path.encoded().hashCode());
    String name = path.fileName();
    int dot = name.lastIndexOf('.');
    String extension =
        dot <= 0 || dot == name.length() - 1
            ? ""
            : name.substring(dot + 1).toLowerCase(Locale.ROOT);
    assertThat(path.extension()).isEqualTo(extension);
    for (int k = 1; k <= segments.size(); k++) {
      AssetPath prefix = AssetPath.of(String.join("/", encodedSegments.subList(0, k)));
      assertThat(path.startsWith(prefix)).as(prefix.encoded()).isTrue();
      AssetPath longer = AssetPath.of(prefix.encoded() + "x");
      assertThat(path.startsWith(longer)).as(longer.encoded()).isFalse();
    }
  }

  @Provide
  Arbitrary<String> paths() {
    Arbitrary<String> pieces =
        Arbitraries.oneOf(
            Arbitraries.strings().withCharRange('a', 'z').ofMinLength(1).ofMaxLength(6),
            Arbitraries.of(
                "/", "//", ".", "..", "%", "%2e", "%2E", "%2f", "%5c", "%00", "%20", "%25",
                "%C3%A9", "%C3", "?", "#", "\\", ":", "http:", " ", "é", "日本", "🎵", "\uD800", "&",
                "=", "+", ";", "@", "~", "\n"),
            Arbitraries.strings().ofMinLength(1).ofMaxLength(3));
    return pieces.list().ofMinSize(1).ofMaxSize(10).map(list -> String.join("", list));
  }
}
