package dev.headroom.cdn;

import static org.assertj.core.api.Assertions.assertThat;

import com.akamai.edgeauth.EdgeAuth;
import com.akamai.edgeauth.EdgeAuthBuilder;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Akamai's reference implementation, EdgeAuth-Token-Java ({@code com.akamai:edgeauth:0.2.0}, test
 * scope), as the oracle: every option combination signed by both, tokens compared byte for byte,
 * and each of ours accepted by {@link AkamaiVerifier}.
 */
class AkamaiReferenceOracleTest {

  private static final String SECRET =
      "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";
  private static final long EXP = 1_767_229_200L;
  private static final long ST = 1_767_225_600L;

  record Options(
      AkamaiSigner.Algorithm algorithm,
      String referenceAlgorithm,
      String salt,
      String sessionId,
      String payload,
      boolean escapeEarly,
      String ip,
      boolean start) {}

  static Stream<Arguments> options() {
    return Stream.of(
        Arguments.of(
            new Options(
                AkamaiSigner.Algorithm.SHA256, "sha256", null, null, null, false, null, false)),
        Arguments.of(
            new Options(AkamaiSigner.Algorithm.SHA1, "sha1", null, null, null, false, null, true)),
        Arguments.of(
            new Options(
                AkamaiSigner.Algorithm.MD5, "md5", null, null, null, false, "203.0.113.7", false)),
        Arguments.of(
            new Options(
                AkamaiSigner.Algorithm.SHA256, "sha256", "pepper", null, null, false, null, true)),
        Arguments.of(
            new Options(
                AkamaiSigner.Algorithm.SHA256,
                "sha256",
                null,
                "session-42",
                "user=7,plan=gold",
                false,
                null,
                false)),
        Arguments.of(
            new Options(
                AkamaiSigner.Algorithm.SHA256,
                "sha256",
                "salt",
                "s 1",
                "a/b c",
                true,
                "2001:db8::1",
                true)),
        Arguments.of(
            new Options(
                AkamaiSigner.Algorithm.SHA1, "sha1", null, null, "x", true, "198.51.100.9", false)),
        Arguments.of(
            new Options(AkamaiSigner.Algorithm.MD5, "md5", "s", "id", "d", true, null, true)));
  }

  private static AkamaiSigner ours(Options o) {
    AkamaiSigner.Builder b =
        AkamaiSigner.builder(SECRET).algorithm(o.algorithm()).escapeEarly(o.escapeEarly());
    if (o.salt() != null) {
      b.salt(o.salt());
    }
    if (o.sessionId() != null) {
      b.sessionId(o.sessionId());
    }
    if (o.payload() != null) {
      b.payload(o.payload());
    }
    return b.build();
  }

  private static Grant grant(Options o) {
    Grant g = Grant.until(Instant.ofEpochSecond(EXP));
    if (o.start()) {
      g = g.notBefore(Instant.ofEpochSecond(ST));
    }
    return o.ip() == null ? g : g.clientIp(o.ip());
  }

  private static EdgeAuth reference(Options o) throws Exception {
    EdgeAuthBuilder b =
        new EdgeAuthBuilder()
            .key(SECRET)
            .algorithm(o.referenceAlgorithm())
            .endTime(EXP)
            .escapeEarly(o.escapeEarly());
    if (o.start()) {
      b.startTime(ST);
    }
    if (o.ip() != null) {
      b.ip(o.ip());
    }
    if (o.salt() != null) {
      b.salt(o.salt());
    }
    if (o.sessionId() != null) {
      b.sessionId(o.sessionId());
    }
    if (o.payload() != null) {
      b.payload(o.payload());
    }
    return b.build();
  }

  @ParameterizedTest
  @MethodSource("options")
  void urlTokensAreTheReferences(Options o) throws Exception {
    String path = "/audio/a%20b.mp3";
    String expected = reference(o).generateURLToken(path);
    assertThat(ours(o).urlToken(path, grant(o))).isEqualTo(expected);

    URI signed = ours(o).sign(URI.create("https://media.example.com" + path), grant(o));
    assertThat(signed.toString()).endsWith("?__token__=" + expected);
    AkamaiVerifier verifier = AkamaiVerifier.builder(ours(o)).build();
    Instant now = Instant.ofEpochSecond(ST + 60);
    String client = o.ip() == null ? null : o.ip();
    assertThat(verifier.verify(signed, client, now).status()).isEqualTo(Verification.Status.VALID);
    assertThat(verifier.verifyToken(expected, "/audio/other.mp3", client, now).status())
        .isEqualTo(Verification.Status.BAD_SIGNATURE);
  }

  @org.junit.jupiter.api.Test
  void aPayloadAQueryCannotCarryNeedsEscapeEarly() throws Exception {
    Grant grant = Grant.until(Instant.ofEpochSecond(EXP));
    AkamaiSigner raw = AkamaiSigner.builder(SECRET).payload("a=1&b=2").build();
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> raw.sign(URI.create("/a.mp4"), grant))
        .hasMessageContaining("escapeEarly(true)");
    AkamaiSigner escaped =
        AkamaiSigner.builder(SECRET).payload("a=1&b=2").escapeEarly(true).build();
    EdgeAuth reference =
        new EdgeAuthBuilder().key(SECRET).endTime(EXP).payload("a=1&b=2").escapeEarly(true).build();
    assertThat(escaped.sign(URI.create("/a.mp4"), grant).toString())
        .isEqualTo("/a.mp4?__token__=" + reference.generateURLToken("/a.mp4"))
        .contains("~data=a%3d1%26b%3d2~");
    // a cookie or header carries the raw token, byte for byte the reference's
    assertThat(raw.urlToken("/a.mp4", grant))
        .isEqualTo(
            new EdgeAuthBuilder()
                .key(SECRET)
                .endTime(EXP)
                .payload("a=1&b=2")
                .build()
                .generateURLToken("/a.mp4"));
  }

  @ParameterizedTest
  @MethodSource("options")
  void aclTokensWithSeveralAclsAreTheReferences(Options o) throws Exception {
    String[] acls = {"/hls/show/*", "/thumbs/show/*.jpg"};
    String expected = reference(o).generateACLToken(acls);
    assertThat(ours(o).aclToken(List.of(acls), grant(o))).isEqualTo(expected);
    assertThat(ours(o).aclToken(List.of("/hls/show/*"), grant(o)))
        .isEqualTo(reference(o).generateACLToken("/hls/show/*"));
    assertThat(
            ours(o)
                .sign(URI.create("/hls/show/seg1.ts"), grant(o).pathPrefix("/hls/show"))
                .toString())
        .isEqualTo("/hls/show/seg1.ts?__token__=" + reference(o).generateACLToken("/hls/show/*"));

    AkamaiVerifier verifier = AkamaiVerifier.builder(ours(o)).build();
    Instant now = Instant.ofEpochSecond(ST + 60);
    String client = o.ip();
    assertThat(verifier.verifyToken(expected, "/thumbs/show/1.jpg", client, now).isValid())
        .isTrue();
    assertThat(verifier.verifyToken(expected, "/hls/show/a/b.ts", client, now).isValid()).isTrue();
    assertThat(verifier.verifyToken(expected, "/thumbs/show/1.png", client, now).status())
        .isEqualTo(Verification.Status.PATH_NOT_ALLOWED);
  }
}
