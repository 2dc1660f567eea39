package dev.headroom.cdn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.headroom.core.time.ManualTimeSource;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class HmacSigningTest {

  private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");
  private static final Instant EXPIRES = NOW.plus(Duration.ofMinutes(10));
  private static final HmacKey KEY = HmacKey.of("k1", secret('a'));
  private static final HmacKey NEXT = HmacKey.of("k2", secret('b'));
  private static final URI TRACK = URI.create("https://cdn.example.com/audio/album%201/1.mp3?v=3");

  private final HmacSigner signer = HmacSigner.of(KEY);
  private final HmacVerifier verifier =
      HmacVerifier.builder().key(KEY).clockSkew(Duration.ofSeconds(30)).build();

  private static byte[] secret(char fill) {
    byte[] secret = new byte[32];
    Arrays.fill(secret, (byte) fill);
    return secret;
  }

  private static Verification.Status status(
      HmacVerifier verifier, String url, String ip, Instant at) {
    return verifier.verify(url, ip, at).status();
  }

  @Test
  void signedUrlHasTheDocumentedShapeAndVerifies() {
    URI signed = signer.sign(TRACK, Grant.until(EXPIRES));

    assertThat(signed.toString())
        .matches(
            "https://cdn\\.example\\.com/audio/album%201/1\\.mp3\\?v=3"
                + "&exp="
                + EXPIRES.getEpochSecond()
                + "&kid=k1&sig=[A-Za-z0-9_-]{43}");
    Verification verification = verifier.verify(signed, NOW);
    assertThat(verification.isValid()).isTrue();
    assertThat(verification.keyId()).contains("k1");
    assertThat(verification.expires()).contains(EXPIRES);
  }

  @Test
  void signatureIsFixedForFixedInput() {
    // Guards the wire format: a change here breaks every verifier already deployed.
    URI signed =
        signer.sign(URI.create("/a.png"), Grant.until(Instant.ofEpochSecond(1_800_000_000L)));

    assertThat(signed.toString())
        .isEqualTo(
            "/a.png?exp=1800000000&kid=k1&sig="
                + HmacToken.signature(KEY, "1800000000", "", "", "", "/a.png", ""));
    assertThat(signed.getRawQuery()).doesNotContain("st=", "ip=", "acl=");
  }

  @Test
  void verifiesTheUrlAsTheOriginSeesIt() {
    URI signed = signer.sign(TRACK, Grant.until(EXPIRES));
    String requestTarget = signed.getRawPath() + "?" + signed.getRawQuery();

    assertThat(verifier.verify(requestTarget, null, NOW).isValid()).isTrue();
    assertThat(
            verifier
                .verify(URI.create("https://other-shard.example.com" + requestTarget), NOW)
                .isValid())
        .isTrue();
    assertThat(verifier.verify(requestTarget.replace("album%201", "album 1"), null, NOW).status())
        .isEqualTo(Verification.Status.MALFORMED);
    assertThat(
            verifier
                .verify(requestTarget.replace("%20", "%20").replace("1.mp3", "%31.mp3"), null, NOW)
                .isValid())
        .as("the same path in another encoding is the same path")
        .isTrue();
  }

  @Test
  void signsLocalPathsAndCanonicalizesThePath() {
    URI signed = signer.sign(URI.create("/assets/a%20b.mp3"), Grant.until(EXPIRES));

    assertThat(signed.getRawPath()).isEqualTo("/assets/a%20b.mp3");
    assertThat(signed.getScheme()).isNull();
    assertThat(verifier.verify(signed, NOW).isValid()).isTrue();
  }

  @ParameterizedTest
  @CsvSource({
    "/audio/album%201/1.mp3, /audio/album%201/2.mp3",
    "v=3,                    v=4",
    "?v=3&,                  ?v=3&w=100&"
  })
  void tamperedPathOrQueryNeverVerifies(String from, String to) {
    String signed = signer.sign(TRACK, Grant.until(EXPIRES)).toString();

    assertThat(status(verifier, signed.replace(from, to), null, NOW))
        .isEqualTo(Verification.Status.BAD_SIGNATURE);
  }

  @Test
  void tamperedTokenFieldsNeverVerify() {
    Grant grant = Grant.until(EXPIRES).notBefore(NOW).clientIp("203.0.113.7");
    String signed = signer.sign(TRACK, grant).toString();
    long exp = EXPIRES.getEpochSecond();
    long st = NOW.getEpochSecond();

    assertThat(status(verifier, signed, "203.0.113.7", NOW)).isEqualTo(Verification.Status.VALID);
    assertThat(
            status(
                verifier, signed.replace("exp=" + exp, "exp=" + (exp + 3600)), "203.0.113.7", NOW))
        .isEqualTo(Verification.Status.BAD_SIGNATURE);
    assertThat(
            status(verifier, signed.replace("st=" + st, "st=" + (st - 3600)), "203.0.113.7", NOW))
        .isEqualTo(Verification.Status.BAD_SIGNATURE);
    assertThat(
            status(
                verifier,
                signed.replace("ip=203.0.113.7/32", "ip=198.51.100.1/32"),
                "198.51.100.1",
                NOW))
        .isEqualTo(Verification.Status.BAD_SIGNATURE);
    assertThat(status(verifier, signed.replace("&ip=203.0.113.7/32", ""), "198.51.100.1", NOW))
        .isEqualTo(Verification.Status.BAD_SIGNATURE);
    assertThat(status(verifier, signed.replace("&st=" + st, ""), "203.0.113.7", NOW))
        .isEqualTo(Verification.Status.BAD_SIGNATURE);
    int sig = signed.indexOf("sig=") + 4;
    char first = signed.charAt(sig);
    String flipped =
        signed.substring(0, sig) + (first == 'A' ? 'B' : 'A') + signed.substring(sig + 1);
    assertThat(status(verifier, flipped, "203.0.113.7", NOW))
        .isEqualTo(Verification.Status.BAD_SIGNATURE);
    assertThat(status(verifier, signed.substring(0, signed.length() - 1), "203.0.113.7", NOW))
        .isEqualTo(Verification.Status.BAD_SIGNATURE);
  }

  @Test
  void repeatedOrMissingTokenParametersAreMalformed() {
    String signed = signer.sign(TRACK, Grant.until(EXPIRES)).toString();

    assertThat(status(verifier, signed + "&exp=99999999999", null, NOW))
        .isEqualTo(Verification.Status.MALFORMED);
    assertThat(status(verifier, signed.replace("&kid=k1", ""), null, NOW))
        .isEqualTo(Verification.Status.MALFORMED);
    assertThat(status(verifier, signed.replaceAll("&sig=.*", ""), null, NOW))
        .isEqualTo(Verification.Status.MALFORMED);
    assertThat(status(verifier, "https://cdn.example.com/a.mp3", null, NOW))
        .isEqualTo(Verification.Status.MISSING);
    assertThat(status(verifier, "https://cdn.example.com/a.mp3?v=1", null, NOW))
        .isEqualTo(Verification.Status.MISSING);
    assertThat(status(verifier, "not a uri^", null, NOW)).isEqualTo(Verification.Status.MALFORMED);
    assertThat(status(verifier, signed.replace("/audio/", "/audio/%2e%2e/audio/"), null, NOW))
        .isEqualTo(Verification.Status.MALFORMED);
  }

  @Test
  void expiryAndSkewEdges() {
    String signed = signer.sign(TRACK, Grant.until(EXPIRES)).toString();
    Instant lastValid = EXPIRES.plusSeconds(30).minusMillis(1);

    assertThat(status(verifier, signed, null, lastValid)).isEqualTo(Verification.Status.VALID);
    assertThat(status(verifier, signed, null, EXPIRES.plusSeconds(30)))
        .isEqualTo(Verification.Status.EXPIRED);
    HmacVerifier strict = HmacVerifier.builder().key(KEY).clockSkew(Duration.ZERO).build();
    assertThat(status(strict, signed, null, EXPIRES.minusMillis(1)))
        .isEqualTo(Verification.Status.VALID);
    assertThat(status(strict, signed, null, EXPIRES)).isEqualTo(Verification.Status.EXPIRED);
  }

  @Test
  void startTimeAndSkewEdges() {
    Instant start = NOW.plus(Duration.ofMinutes(5));
    String signed = signer.sign(TRACK, Grant.until(EXPIRES).notBefore(start)).toString();

    assertThat(status(verifier, signed, null, start.minusSeconds(30).minusMillis(1)))
        .isEqualTo(Verification.Status.NOT_YET_VALID);
    assertThat(status(verifier, signed, null, start.minusSeconds(30)))
        .isEqualTo(Verification.Status.VALID);
    assertThat(status(verifier, signed, null, start)).isEqualTo(Verification.Status.VALID);
  }

  @Test
  void verifierReadsItsTimeSource() {
    ManualTimeSource time = ManualTimeSource.startingAt(NOW);
    HmacVerifier timed =
        HmacVerifier.builder().key(KEY).clockSkew(Duration.ZERO).timeSource(time).build();
    URI signed = signer.sign(TRACK, Grant.validFor(Duration.ofMinutes(1), time));

    assertThat(timed.verify(signed, (String) null).isValid()).isTrue();
    time.advance(Duration.ofSeconds(59));
    assertThat(timed.verify(signed, (String) null).isValid()).isTrue();
    time.advance(Duration.ofSeconds(1));
    assertThat(timed.verify(signed, (String) null).status()).isEqualTo(Verification.Status.EXPIRED);
  }

  @Test
  void clientIpAndCidrBinding() {
    String single = signer.sign(TRACK, Grant.until(EXPIRES).clientIp("203.0.113.7")).toString();
    String block = signer.sign(TRACK, Grant.until(EXPIRES).clientIp("2001:db8::1/32")).toString();

    assertThat(single).contains("&ip=203.0.113.7/32&");
    assertThat(status(verifier, single, "203.0.113.7", NOW)).isEqualTo(Verification.Status.VALID);
    assertThat(status(verifier, single, "203.0.113.8", NOW))
        .isEqualTo(Verification.Status.IP_MISMATCH);
    assertThat(status(verifier, single, null, NOW)).isEqualTo(Verification.Status.IP_MISMATCH);
    assertThat(status(verifier, single, "localhost", NOW))
        .isEqualTo(Verification.Status.IP_MISMATCH);
    assertThat(block).contains("&ip=2001:db8::/32&");
    assertThat(status(verifier, block, "2001:db8:ffff::9", NOW))
        .isEqualTo(Verification.Status.VALID);
    assertThat(status(verifier, block, "2001:db9::1", NOW))
        .isEqualTo(Verification.Status.IP_MISMATCH);
    assertThat(status(verifier, block, "203.0.113.7", NOW))
        .isEqualTo(Verification.Status.IP_MISMATCH);
  }

  @Test
  void pathPrefixGrantsATreeAndNothingOutsideIt() {
    URI playlist = URI.create("https://cdn.example.com/hls/show%201/index.m3u8");
    String signed =
        signer.sign(playlist, Grant.until(EXPIRES).pathPrefix("/hls/show 1/")).toString();
    String token = signed.substring(signed.indexOf('?'));

    assertThat(signed).contains("&acl=/hls/show%201&");
    assertThat(status(verifier, "/hls/show%201/seg-7.ts" + token, null, NOW))
        .isEqualTo(Verification.Status.VALID);
    assertThat(status(verifier, "/hls/show%201/720p/seg-7.ts" + token, null, NOW))
        .isEqualTo(Verification.Status.VALID);
    assertThat(status(verifier, "/hls/show%2010/seg-7.ts" + token, null, NOW))
        .isEqualTo(Verification.Status.PATH_NOT_ALLOWED);
    assertThat(status(verifier, "/hls/secret.ts" + token, null, NOW))
        .isEqualTo(Verification.Status.PATH_NOT_ALLOWED);
    assertThat(status(verifier, "/hls/show%201/../secret.ts" + token, null, NOW))
        .isEqualTo(Verification.Status.MALFORMED);
    assertThat(
            status(
                verifier,
                "/hls/show%201/a.ts" + token.replace("acl=/hls/show%201", "acl=/hls"),
                null,
                NOW))
        .isEqualTo(Verification.Status.BAD_SIGNATURE);
    assertThatThrownBy(
            () -> signer.sign(URI.create("/other/a.ts"), Grant.until(EXPIRES).pathPrefix("/hls")))
        .hasMessageContaining("outside the grant's pathPrefix /hls");
  }

  @Test
  void keysRotate() {
    HmacVerifier both = HmacVerifier.builder().key(KEY).key(NEXT).build();
    HmacVerifier newOnly = HmacVerifier.builder().key(NEXT).build();
    URI old = signer.sign(TRACK, Grant.until(EXPIRES));
    URI fresh = HmacSigner.of(NEXT).sign(TRACK, Grant.until(EXPIRES));

    assertThat(both.verify(old, NOW).isValid()).isTrue();
    assertThat(both.verify(fresh, NOW).isValid()).isTrue();
    assertThat(newOnly.verify(old, NOW).status()).isEqualTo(Verification.Status.UNKNOWN_KEY);
    assertThat(newOnly.verify(old, NOW).keyId()).contains("k1");
    assertThat(both.verify(URI.create(old.toString().replace("kid=k1", "kid=k2")), NOW).status())
        .as("claiming another key id")
        .isEqualTo(Verification.Status.BAD_SIGNATURE);
    HmacVerifier impostor = HmacVerifier.builder().key(HmacKey.of("k1", secret('z'))).build();
    assertThat(impostor.verify(old, NOW).status()).isEqualTo(Verification.Status.BAD_SIGNATURE);
  }

  @Test
  void signerRejectsWhatItCannotSign() {
    Grant grant = Grant.until(EXPIRES);

    assertThatThrownBy(() -> signer.sign(URI.create("https://cdn.example.com/a.mp3?sig=x"), grant))
        .hasMessageContaining("already has a token parameter");
    assertThatThrownBy(() -> signer.sign(URI.create("https://cdn.example.com/a.mp3#t=10"), grant))
        .hasMessageContaining("fragment");
    assertThatThrownBy(() -> signer.sign(URI.create("mailto:x@example.com"), grant))
        .hasMessageContaining("url=");
    assertThatThrownBy(
            () -> signer.sign(URI.create("https://cdn.example.com/a/%2e%2e/b.mp3"), grant))
        .isInstanceOf(InvalidAssetPathException.class);
  }

  @Test
  void tokenParameterCheckAgreesWithTheQueryParser() {
    for (String query :
        List.of(
            "sig=x",
            "exp",
            "v=1&exp",
            "v=1&kid=",
            "a=exp",
            "expires=1",
            "xexp=1",
            "v=exp&w=sig",
            "",
            "&",
            "v=1&&st=2",
            "acl=/a",
            "ip",
            "IP=1",
            "v=1&sig")) {
      assertThat(HmacToken.hasTokenParameter(query))
          .as(query)
          .isEqualTo(new HmacToken.Query(query).anyToken);
    }
    assertThat(HmacToken.hasTokenParameter("v=1&exp=2")).isTrue();
    assertThat(HmacToken.hasTokenParameter("v=1&expiry=2")).isFalse();
  }

  @Test
  void configurationIsCheckedWhenBuilt() {
    assertThatThrownBy(() -> HmacKey.of("k 1", secret('a')))
        .hasMessageStartingWith("key id='k 1' is rejected");
    assertThatThrownBy(() -> HmacKey.of("k1", new byte[16]))
        .hasMessage(
            "secret of key 'k1' is rejected: it has 16 bytes, expected at least 32 random bytes");
    assertThatThrownBy(() -> HmacKey.ofBase64("k1", "not base64!"))
        .hasMessageContaining("not base64");
    assertThat(HmacKey.ofBase64("k1", "YWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWE=").toString())
        .isEqualTo("HmacKey[k1, secret=****]");
    assertThatThrownBy(() -> HmacVerifier.builder().build()).hasMessageContaining("keys is empty");
    assertThatThrownBy(() -> HmacVerifier.builder().key(KEY).key(HmacKey.of("k1", secret('c'))))
        .hasMessageStartingWith("key id='k1' is rejected");
    assertThatThrownBy(() -> HmacVerifier.builder().clockSkew(Duration.ofHours(2)))
        .hasMessageStartingWith("clockSkew=PT2H is rejected");
    assertThatThrownBy(() -> Grant.until(EXPIRES).notBefore(EXPIRES))
        .hasMessageStartingWith("notBefore=");
    assertThatThrownBy(() -> Grant.until(EXPIRES).clientIp("example.com"))
        .hasMessageStartingWith("clientIp='example.com' is rejected");
    assertThatThrownBy(() -> Grant.until(EXPIRES).clientIp("10.0.0.1/33"))
        .hasMessageContaining("0 to 32");
    for (String notALiteral :
        List.of(".:", "010.0.0.1", "1.2.3", "fe80::1%eth0", "::g", "[::1]", "1.2.3.4.5")) {
      assertThatThrownBy(() -> Grant.until(EXPIRES).clientIp(notALiteral))
          .hasMessageContaining("is rejected");
    }
    assertThat(Grant.until(EXPIRES).clientIp("::ffff:192.0.2.1").clientIp())
        .contains("192.0.2.1/32");
    assertThatThrownBy(() -> Grant.until(EXPIRES).pathPrefix("/a/../b"))
        .hasMessageStartingWith("pathPrefix=");
    assertThatThrownBy(() -> Grant.until(Instant.EPOCH)).hasMessageStartingWith("expires=");
  }

  @Property(tries = 300)
  void anySignedPathVerifiesAndAnyOtherPathOrExpiryDoesNot(
      @ForAll("segments") String path,
      @ForAll("segments") String other,
      @ForAll @LongRange(min = 1, max = 1_000_000) long shift) {
    URI url = URI.create("https://cdn.example.com" + AssetPath.of(path).encoded());
    String signed = signer.sign(url, Grant.until(EXPIRES)).toString();
    long exp = EXPIRES.getEpochSecond();

    assertThat(status(verifier, signed, null, NOW)).isEqualTo(Verification.Status.VALID);
    assertThat(status(verifier, signed.replace("exp=" + exp, "exp=" + (exp + shift)), null, NOW))
        .isEqualTo(Verification.Status.BAD_SIGNATURE);
    if (!AssetPath.of(other).equals(AssetPath.of(path))) {
      String moved =
          signed.replace(AssetPath.of(path).encoded() + "?", AssetPath.of(other).encoded() + "?");
      assertThat(status(verifier, moved, null, NOW)).isEqualTo(Verification.Status.BAD_SIGNATURE);
    }
  }

  @Provide
  Arbitrary<String> segments() {
    return Arbitraries.strings()
        .withChars("abcé &%+=/日")
        .ofMinLength(1)
        .ofMaxLength(12)
        .map(s -> s.replace("%", "%25").replace("/", "x"));
  }
}
