package dev.headroom.cdn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/**
 * Checks tokens against Akamai's documented EdgeAuth format, with the HMAC computed here
 * independently.
 */
class AkamaiSignerTest {

  private static final String SECRET =
      "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";
  private static final Instant EXPIRES = Instant.ofEpochSecond(1_767_229_200L);
  private static final Instant START = Instant.ofEpochSecond(1_767_225_600L);

  private static String hmac(String text) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(HexFormat.of().parseHex(SECRET), "HmacSHA256"));
    return HexFormat.of().formatHex(mac.doFinal(text.getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void urlTokenSignsThePathWithoutSendingIt() throws Exception {
    URI signed =
        AkamaiSigner.of(SECRET)
            .sign(
                URI.create("https://media.example.com/audio/a%20b.mp3?v=2"),
                Grant.until(EXPIRES).notBefore(START).clientIp("203.0.113.7"));

    String fields = "ip=203.0.113.7~st=1767225600~exp=1767229200";
    assertThat(signed.toString())
        .isEqualTo(
            "https://media.example.com/audio/a%20b.mp3?v=2&__token__="
                + fields
                + "~hmac="
                + hmac(fields + "~url=/audio/a%20b.mp3"));
  }

  @Test
  void pathPrefixMakesAnAclToken() throws Exception {
    URI signed =
        AkamaiSigner.of(SECRET, "hdnts")
            .sign(URI.create("/hls/show/index.m3u8"), Grant.until(EXPIRES).pathPrefix("/hls/show"));

    String fields = "exp=1767229200~acl=/hls/show/*";
    assertThat(signed.toString())
        .isEqualTo("/hls/show/index.m3u8?hdnts=" + fields + "~hmac=" + hmac(fields));
  }

  @Test
  void everyFieldIsInTheHmac() throws Exception {
    AkamaiSigner signer = AkamaiSigner.of(SECRET);
    URI a = signer.sign(URI.create("/a.mp3"), Grant.until(EXPIRES));
    URI b = signer.sign(URI.create("/b.mp3"), Grant.until(EXPIRES));
    URI later = signer.sign(URI.create("/a.mp3"), Grant.until(EXPIRES.plusSeconds(1)));

    assertThat(hmacOf(a)).isNotEqualTo(hmacOf(b)).isNotEqualTo(hmacOf(later));
    assertThat(hmacOf(a)).isEqualTo(hmac("exp=1767229200~url=/a.mp3"));
  }

  private static String hmacOf(URI url) {
    return url.getRawQuery().substring(url.getRawQuery().indexOf("hmac=") + 5);
  }

  @Test
  void rejectsWhatAkamaiCannotCheck() {
    AkamaiSigner signer = AkamaiSigner.of(SECRET);

    assertThatThrownBy(() -> AkamaiSigner.of("xyz"))
        .hasMessageStartingWith("hexSecret of 3 characters is rejected");
    assertThatThrownBy(() -> AkamaiSigner.of("0011")).hasMessageContaining("at least 32");
    assertThatThrownBy(() -> AkamaiSigner.of(SECRET, "a b"))
        .hasMessageStartingWith("tokenName='a b'");
    assertThatThrownBy(
            () -> signer.sign(URI.create("/a.mp3"), Grant.until(EXPIRES).clientIp("10.0.0.0/8")))
        .hasMessageContaining("one client address");
    assertThatThrownBy(() -> signer.sign(URI.create("/a.mp3?__token__=x"), Grant.until(EXPIRES)))
        .hasMessageContaining("already has a __token__ parameter");
    assertThatThrownBy(
            () -> signer.sign(URI.create("/x/a.mp3"), Grant.until(EXPIRES).pathPrefix("/hls")))
        .hasMessageContaining("outside the grant's pathPrefix");
    assertThatThrownBy(() -> signer.sign(URI.create("/%2e%2e/a.mp3"), Grant.until(EXPIRES)))
        .isInstanceOf(InvalidAssetPathException.class);
  }
}
