package dev.headroom.cdn;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.function.Supplier;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/** Each shortcut on a hot path gives exactly what the general path it skips gives. */
class CdnFastPathTest {

  private static final Instant EXPIRES = Instant.parse("2030-01-01T00:00:00Z");
  private static final HmacSigner HMAC = HmacSigner.of(HmacKey.of("k1", secret()));
  private static final AkamaiSigner AKAMAI = AkamaiSigner.of("0123456789abcdef0123456789abcdef");

  private static byte[] secret() {
    byte[] secret = new byte[32];
    Arrays.fill(secret, (byte) 7);
    return secret;
  }

  /** A value, or the class and message of what was thrown instead. */
  private static String outcome(Supplier<?> call) {
    try {
      return "= " + call.get();
    } catch (RuntimeException e) {
      return e.getClass().getSimpleName() + ": " + e.getMessage();
    }
  }

  @Test
  void asciiEscapesDecodeWithoutTheCharsetPath() {
    assertThat(AssetPath.decodeAscii("p", "a%20b%2Fc")).isEqualTo("a b/c");
    assertThat(AssetPath.decodeAscii("p", "%C3%A9")).isNull();
    assertThat(AssetPath.decodeAscii("p", "é%20")).isNull();
  }

  @Property(tries = 2000)
  void asciiDecodingAgreesWithGeneralDecoding(@ForAll("rawSegments") String raw) {
    String fast = outcome(() -> AssetPath.decodeAscii("p", raw));
    if (!fast.equals("= null")) {
      assertThat(fast).isEqualTo(outcome(() -> AssetPath.decodeUtf8("p", raw)));
    }
    if (raw.chars().allMatch(c -> c < 0x80) && !raw.matches(".*%[89A-Fa-f].*")) {
      assertThat(fast).isNotEqualTo("= null");
    }
  }

  @Provide
  Arbitrary<String> rawSegments() {
    Arbitrary<String> piece =
        Arbitraries.oneOf(
            Arbitraries.strings().withChars("aZ9-._~ +=&").ofMinLength(1).ofMaxLength(3),
            Arbitraries.strings()
                .withChars("0123456789ABCDEFabcdef")
                .ofLength(2)
                .map(hex -> "%" + hex),
            Arbitraries.of(
                "%", "%2", "%G0", "%%", "%2e", "%2F", "%5c", "%7f", "%C3", "%A9", "%ff", "%１１"),
            Arbitraries.of("é", "日", "🎵", "\uD800", "\uDC00"));
    return piece.list().ofMinSize(1).ofMaxSize(8).map(pieces -> String.join("", pieces));
  }

  @Property(tries = 1000)
  void joiningParsedPartsGivesTheParsedWhole(
      @ForAll("paths") String prefix,
      @ForAll("tokens") String segment,
      @ForAll("paths") String rest,
      @ForAll boolean withPrefix,
      @ForAll boolean withSegment) {
    AssetPath prefixPath = withPrefix ? AssetPath.of(prefix) : null;
    String token = withSegment ? segment : null;
    AssetPath restPath = AssetPath.of(rest);
    AssetPath joined = AssetPath.join(prefixPath, token, restPath);
    String text =
        (prefixPath == null ? "" : prefixPath.encoded())
            + (token == null ? "" : "/" + token)
            + restPath.encoded();
    String whole = outcome(() -> AssetPath.of(text).segments());
    if (joined != null) {
      assertThat("= " + joined.segments()).isEqualTo(whole);
      assertThat(joined.encoded()).isEqualTo(text);
    } else {
      boolean plainToken =
          token == null || token.matches("[A-Za-z0-9._~-]+") && !token.matches("\\.\\.?");
      assertThat(text.length() > AssetPath.MAX_LENGTH || !plainToken).isTrue();
    }
  }

  @Provide
  Arbitrary<String> paths() {
    Arbitrary<String> segment =
        Arbitraries.oneOf(
            Arbitraries.strings()
                .withChars("abcé &%+=日.~")
                .ofMinLength(1)
                .ofMaxLength(10)
                .map(s -> s.replace("%", "%25"))
                .filter(s -> !s.equals(".") && !s.equals("..")),
            Arbitraries.strings().withChars("x").ofMinLength(500).ofMaxLength(1500));
    // Each path is valid on its own (at most MAX_LENGTH); joined, two of them may exceed it.
    return segment
        .list()
        .ofMinSize(1)
        .ofMaxSize(4)
        .map(segments -> String.join("/", segments))
        .filter(path -> path.length() <= AssetPath.MAX_LENGTH);
  }

  @Provide
  Arbitrary<String> tokens() {
    return Arbitraries.oneOf(
        Arbitraries.strings().withChars("az09._-").ofMinLength(1).ofMaxLength(8),
        Arbitraries.of(".", "..", "a b", "é", "a%20b", "a/b"));
  }

  @Property(tries = 1000)
  void routedUrlsSignAsTheirParsedUri(
      @ForAll("routes") Route route, @ForAll("grants") Grant grant, @ForAll boolean akamai) {
    UrlSigner signer = akamai ? AKAMAI : HMAC;
    String routed = outcome(route::build);
    if (!routed.startsWith("= ")) {
      return;
    }
    AssetUrl asset = route.build();
    String expected = outcome(() -> signer.sign(asset.uri(), grant));
    assertThat(outcome(() -> asset.signed(signer, grant))).isEqualTo(expected);
    assertThat(outcome(() -> asset.signedUrl(signer, grant))).isEqualTo(expected);
  }

  /** A router and what to route with it. */
  record Route(CdnConfig config, String path, @Nullable ImageTransform transform) {
    AssetUrl build() {
      CdnRouter router = CdnRouters.create("cdn", config);
      return transform == null ? router.route(path) : router.image(path, transform);
    }
  }

  @Provide
  Arbitrary<Route> routes() {
    Arbitrary<CdnConfig> configs =
        Combinators.combine(
                Arbitraries.of(
                    "",
                    "https://cdn.example.com",
                    "https://cdn.example.com/assets",
                    "http://cdn.example.com:8080/a%20b/Été/"),
                Arbitraries.of("", "/assets", "/stätic/a b/"),
                Arbitraries.of(Busting.values()),
                Arbitraries.of(ImageDialect.values()),
                Arbitraries.of("v", "exp", "__token__", "Expires"),
                Arbitraries.of("", "3", "2026.01-rc_1"))
            .as(
                (base, local, busting, dialect, parameter, version) -> {
                  CdnConfig.Builder builder =
                      CdnConfig.builder()
                          .localPrefix(local)
                          .busting(busting)
                          .imageDialect(dialect)
                          .versionParameter(parameter);
                  if (!base.isEmpty()) {
                    builder.baseUrl(URI.create(base));
                  }
                  if (!version.isEmpty()) {
                    builder.versioning(Versioning.fixed(version));
                  }
                  return builder.build();
                });
    Arbitrary<ImageTransform> transforms =
        Arbitraries.of(
            ImageTransform.none(),
            ImageTransform.none().width(320),
            ImageTransform.none().width(64).height(64).format(ImageFormat.AUTO));
    return Combinators.combine(configs, paths(), transforms.injectNull(0.5)).as(Route::new);
  }

  @Provide
  Arbitrary<Grant> grants() {
    return Arbitraries.of(
        Grant.until(EXPIRES),
        Grant.until(EXPIRES).notBefore(EXPIRES.minusSeconds(60)).clientIp("203.0.113.7"),
        Grant.until(EXPIRES).clientIp("10.0.0.0/8"),
        Grant.until(EXPIRES).pathPrefix("/assets"),
        Grant.until(EXPIRES).pathPrefix("/a"));
  }

  @Property(tries = 200)
  void aRouterThatRemembersPathsRoutesAsAFreshOne(@ForAll("colliding") List<String> paths) {
    CdnConfig config =
        CdnConfig.builder().baseUrl(URI.create("https://cdn.example.com/assets")).build();
    CdnRouter shared = CdnRouters.create("cdn", config);
    for (String path : paths) {
      assertThat(outcome(() -> shared.route(path).url()))
          .isEqualTo(outcome(() -> CdnRouters.create("cdn", config).route(path).url()));
    }
  }

  @Provide
  Arbitrary<List<String>> colliding() {
    // "Aa" and "BB" have the same String.hashCode, so these paths share cache slots.
    Arbitrary<String> path =
        Arbitraries.oneOf(
            Arbitraries.of("Aa", "BB")
                .list()
                .ofMinSize(1)
                .ofMaxSize(4)
                .map(parts -> "img/" + String.join("", parts)),
            Arbitraries.of(
                "../x",
                "img/%2e%2e/x",
                "img//x",
                "/img/a%20b.png",
                "img/a b.png",
                "x".repeat(600)));
    return path.list().ofMinSize(1).ofMaxSize(30);
  }

  @Property(tries = 1000)
  void tokenSignatureIsTheMacOfTheJoinedFields(@ForAll("fields") List<String> fields) {
    HmacKey key = HmacKey.of("k1", secret());
    String joined =
        String.join(
            "\n",
            HmacToken.VERSION,
            key.id(),
            fields.get(0),
            fields.get(1),
            fields.get(2),
            fields.get(3),
            fields.get(4),
            fields.get(5));
    String expected =
        Base64.getUrlEncoder()
            .withoutPadding()
            .encodeToString(key.mac(joined.getBytes(StandardCharsets.UTF_8)));

    assertThat(
            HmacToken.signature(
                key,
                fields.get(0),
                fields.get(1),
                fields.get(2),
                fields.get(3),
                fields.get(4),
                fields.get(5)))
        .isEqualTo(expected);
  }

  @Provide
  Arbitrary<List<String>> fields() {
    return Arbitraries.strings()
        .withChars("a1=&/%é日🎵\uD800\uDC00\n")
        .ofMaxLength(40)
        .list()
        .ofSize(6);
  }

  @Property(tries = 1000)
  void rendezvousHashIsFnvOverUtf8Bytes(@ForAll("texts") String text) {
    long h = 0xcbf29ce484222325L;
    for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
      h ^= b & 0xFF;
      h *= 0x100000001b3L;
    }
    // score(h, 0) is the finaliser applied to h ^ 0 = h
    assertThat(RendezvousHash.hash(text)).isEqualTo(RendezvousHash.score(h, 0));
  }

  @Provide
  Arbitrary<String> texts() {
    return Arbitraries.strings().withChars("az/%._~AZ09é日\u007f\u0080").ofMaxLength(30);
  }
}
