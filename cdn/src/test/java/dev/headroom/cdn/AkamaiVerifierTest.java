package dev.headroom.cdn;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class AkamaiVerifierTest {

  private static final String SECRET = "00112233445566778899aabbccddeeff";
  private static final Instant EXPIRES = Instant.ofEpochSecond(1_767_229_200L);
  private static final Instant START = EXPIRES.minusSeconds(3600);

  private final AkamaiSigner signer = AkamaiSigner.builder(SECRET).salt("pepper").build();
  private final AkamaiVerifier verifier =
      AkamaiVerifier.builder(signer).clockSkew(Duration.ofSeconds(30)).build();

  private Verification.Status status(URI url, String ip, Instant now) {
    return verifier.verify(url, ip, now).status();
  }

  @Test
  void timesAreCheckedWithTheSkewAllowance() {
    URI url =
        signer.sign(
            URI.create("/v/a.mp4"), Grant.until(EXPIRES).notBefore(START).clientIp("2001:db8::7"));
    assertThat(url.toString()).contains("ip=2001:db8::7~");
    assertThat(status(url, "2001:db8:0:0:0:0:0:7", EXPIRES.plusSeconds(29)))
        .isEqualTo(Verification.Status.VALID);
    assertThat(status(url, "2001:db8::7", EXPIRES.plusSeconds(30)))
        .isEqualTo(Verification.Status.EXPIRED);
    assertThat(status(url, "2001:db8::7", START.minusSeconds(30)))
        .isEqualTo(Verification.Status.VALID);
    assertThat(status(url, "2001:db8::7", START.minusSeconds(31)))
        .isEqualTo(Verification.Status.NOT_YET_VALID);
    assertThat(status(url, "2001:db8::8", START)).isEqualTo(Verification.Status.IP_MISMATCH);
    assertThat(status(url, null, START)).isEqualTo(Verification.Status.IP_MISMATCH);
    assertThat(verifier.verify(url, "2001:db8::7", START).expires()).hasValue(EXPIRES);
  }

  @Test
  void tamperingAndGarbageAreRejected() {
    URI url = signer.sign(URI.create("/v/a.mp4"), Grant.until(EXPIRES));
    Instant now = EXPIRES.minusSeconds(10);
    assertThat(status(URI.create(url.toString().replace("exp=", "exp=1")), null, now))
        .isEqualTo(Verification.Status.BAD_SIGNATURE);
    assertThat(status(URI.create(url.toString().replace("/v/a", "/v/b")), null, now))
        .isEqualTo(Verification.Status.BAD_SIGNATURE);
    AkamaiVerifier unsalted = AkamaiVerifier.builder(AkamaiSigner.of(SECRET)).build();
    assertThat(unsalted.verify(url, null, now).status())
        .isEqualTo(Verification.Status.BAD_SIGNATURE);
    assertThat(status(URI.create("/v/a.mp4"), null, now)).isEqualTo(Verification.Status.MISSING);
    assertThat(status(URI.create("/v/a.mp4?__token__=exp=1~foo=2~hmac=00"), null, now))
        .isEqualTo(Verification.Status.MALFORMED);
    assertThat(status(URI.create("/v/a.mp4?__token__=exp=1"), null, now))
        .isEqualTo(Verification.Status.MALFORMED);
    assertThat(verifier.verify("/v/a b", null, now).status())
        .isEqualTo(Verification.Status.MALFORMED);
  }

  @Test
  void aclPatternsUseStarWildcards() {
    assertThat(AkamaiVerifier.matches("/hls/*", "/hls/a/b.ts")).isTrue();
    assertThat(AkamaiVerifier.matches("/hls/*.ts", "/hls/a/b.ts")).isTrue();
    assertThat(AkamaiVerifier.matches("/hls/*.ts", "/hls/a/b.m3u8")).isFalse();
    assertThat(AkamaiVerifier.matches("/hls/*", "/hlsx/a")).isFalse();
    assertThat(AkamaiVerifier.matches("*", "/anything")).isTrue();
  }
}
