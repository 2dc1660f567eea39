package dev.headroom.cdn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.Signature;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Checks the signer against CloudFront's documented formats with an independent reading of them:
 * policies are rebuilt or parsed here and signatures verified with the public key, as CloudFront
 * does.
 */
class CloudFrontSignerTest {

  private static final String KEY_PAIR_ID = "K2JCJMDEHXQW5F";
  private static final Instant EXPIRES = Instant.parse("2026-01-01T01:00:00Z");
  private static final long EXP = EXPIRES.getEpochSecond();

  private static KeyPair keys;
  private static KeyPair otherKeys;
  private static CloudFrontSigner signer;

  @BeforeAll
  static void generateKeys() throws GeneralSecurityException {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(2048);
    keys = generator.generateKeyPair();
    otherKeys = generator.generateKeyPair();
    signer = CloudFrontSigner.of(KEY_PAIR_ID, keys.getPrivate());
  }

  /** The query parameters of a URL, raw. */
  private static Map<String, String> params(URI url) {
    Map<String, String> params = new LinkedHashMap<>();
    for (String piece : url.getRawQuery().split("&")) {
      int eq = piece.indexOf('=');
      params.put(piece.substring(0, eq), piece.substring(eq + 1));
    }
    return params;
  }

  /** Undoes CloudFront's URL-safe base64 ({@code - _ ~} back to {@code + = /}). */
  private static byte[] cloudFrontBase64(String text) {
    assertThat(text).doesNotContain("+", "=", "/");
    return Base64.getDecoder().decode(text.replace('-', '+').replace('_', '=').replace('~', '/'));
  }

  private static boolean verifies(PublicKey key, String policy, String signature)
      throws GeneralSecurityException {
    Signature rsa = Signature.getInstance("SHA1withRSA");
    rsa.initVerify(key);
    rsa.update(policy.getBytes(StandardCharsets.UTF_8));
    return rsa.verify(cloudFrontBase64(signature));
  }

  private static String canned(String resource, long expires) {
    return "{\"Statement\":[{\"Resource\":\""
        + resource
        + "\",\"Condition\":{\"DateLessThan\":{\"AWS:EpochTime\":"
        + expires
        + "}}}]}";
  }

  @Test
  void cannedPolicyUrlVerifiesWithThePublicKey() throws Exception {
    URI signed =
        signer.sign(
            URI.create(
                "https://d111111abcdef8.cloudfront.net/audio/My Song.mp3".replace(" ", "%20")),
            Grant.until(EXPIRES));

    assertThat(signed.toString())
        .startsWith(
            "https://d111111abcdef8.cloudfront.net/audio/My%20Song.mp3?Expires="
                + EXP
                + "&Signature=")
        .endsWith("&Key-Pair-Id=" + KEY_PAIR_ID);
    Map<String, String> params = params(signed);
    assertThat(params).containsOnlyKeys("Expires", "Signature", "Key-Pair-Id");
    String resource = "https://d111111abcdef8.cloudfront.net/audio/My%20Song.mp3";
    assertThat(verifies(keys.getPublic(), canned(resource, EXP), params.get("Signature"))).isTrue();
    assertThat(verifies(keys.getPublic(), canned(resource, EXP + 1), params.get("Signature")))
        .as("a tampered expiry")
        .isFalse();
    assertThat(
            verifies(
                keys.getPublic(),
                canned(resource.replace("My", "Your"), EXP),
                params.get("Signature")))
        .as("a tampered path")
        .isFalse();
    assertThat(verifies(otherKeys.getPublic(), canned(resource, EXP), params.get("Signature")))
        .as("another key pair")
        .isFalse();
  }

  @Test
  void cannedPolicyCoversAnExistingQueryString() throws Exception {
    URI signed =
        signer.signCanned(
            URI.create("https://d111111abcdef8.cloudfront.net/horizon.jpg?size=large&license=yes"),
            EXPIRES);

    assertThat(signed.toString())
        .startsWith(
            "https://d111111abcdef8.cloudfront.net/horizon.jpg?size=large&license=yes"
                + "&Expires="
                + EXP
                + "&Signature=");
    String signature = params(signed).get("Signature");
    assertThat(
            verifies(
                keys.getPublic(),
                canned(
                    "https://d111111abcdef8.cloudfront.net/horizon.jpg?size=large&license=yes",
                    EXP),
                signature))
        .isTrue();
    assertThat(
            verifies(
                keys.getPublic(),
                canned(
                    "https://d111111abcdef8.cloudfront.net/horizon.jpg?size=small&license=yes",
                    EXP),
                signature))
        .isFalse();
  }

  @Test
  void customPolicyUrlCarriesItsPolicyAndVerifies() throws Exception {
    Grant grant =
        Grant.until(EXPIRES).notBefore(EXPIRES.minus(Duration.ofHours(1))).clientIp("192.0.2.0/24");
    URI signed =
        signer.sign(URI.create("https://d111111abcdef8.cloudfront.net/video/a.mp4"), grant);

    Map<String, String> params = params(signed);
    assertThat(params).containsOnlyKeys("Policy", "Signature", "Key-Pair-Id");
    assertThat(params.get("Key-Pair-Id")).isEqualTo(KEY_PAIR_ID);
    String policy = new String(cloudFrontBase64(params.get("Policy")), StandardCharsets.UTF_8);
    JsonNode statement = new ObjectMapper().readTree(policy).get("Statement");
    assertThat(statement.size()).isEqualTo(1);
    assertThat(statement.get(0).get("Resource").asText())
        .isEqualTo("https://d111111abcdef8.cloudfront.net/video/a.mp4");
    JsonNode condition = statement.get(0).get("Condition");
    assertThat(condition.get("DateLessThan").get("AWS:EpochTime").asLong()).isEqualTo(EXP);
    assertThat(condition.get("DateLessThan").get("AWS:EpochTime").isIntegralNumber()).isTrue();
    assertThat(condition.get("DateGreaterThan").get("AWS:EpochTime").asLong())
        .isEqualTo(EXP - 3600);
    assertThat(condition.get("IpAddress").get("AWS:SourceIp").asText()).isEqualTo("192.0.2.0/24");
    assertThat(verifies(keys.getPublic(), policy, params.get("Signature"))).isTrue();
    assertThat(
            verifies(
                keys.getPublic(),
                policy.replace("192.0.2.0/24", "0.0.0.0/0"),
                params.get("Signature")))
        .as("a widened IP range")
        .isFalse();
  }

  @Test
  void customPolicyWithAPathPrefixUsesAWildcardResource() throws Exception {
    URI signed =
        signer.signCustom(
            URI.create("https://d111111abcdef8.cloudfront.net/hls/show/index.m3u8"),
            Grant.until(EXPIRES).pathPrefix("/hls/show"));

    String policy =
        new String(cloudFrontBase64(params(signed).get("Policy")), StandardCharsets.UTF_8);
    assertThat(policy)
        .isEqualTo(
            "{\"Statement\":[{\"Resource\":\"https://d111111abcdef8.cloudfront.net/hls/show/*\","
                + "\"Condition\":{\"DateLessThan\":{\"AWS:EpochTime\":"
                + EXP
                + "}}}]}");
    assertThat(verifies(keys.getPublic(), policy, params(signed).get("Signature"))).isTrue();
    assertThatThrownBy(
            () ->
                signer.signCustom(
                    URI.create("https://d111111abcdef8.cloudfront.net/other/a.ts"),
                    Grant.until(EXPIRES).pathPrefix("/hls/show")))
        .hasMessageContaining("outside the grant's pathPrefix");
  }

  @Test
  void signedCookiesInBothPolicies() throws Exception {
    CloudFrontCookies canned =
        signer.cannedCookies(URI.create("https://d111111abcdef8.cloudfront.net/a.jpg"), EXPIRES);
    CloudFrontCookies custom =
        signer.customCookies(
            "https://d111111abcdef8.cloudfront.net/albums/42/*",
            Grant.until(EXPIRES).clientIp("203.0.113.7"));

    assertThat(canned.values())
        .containsOnlyKeys("CloudFront-Expires", "CloudFront-Signature", "CloudFront-Key-Pair-Id");
    assertThat(canned.values().get("CloudFront-Expires")).isEqualTo(Long.toString(EXP));
    assertThat(
            verifies(
                keys.getPublic(),
                canned("https://d111111abcdef8.cloudfront.net/a.jpg", EXP),
                canned.values().get("CloudFront-Signature")))
        .isTrue();

    assertThat(custom.values())
        .containsOnlyKeys("CloudFront-Policy", "CloudFront-Signature", "CloudFront-Key-Pair-Id");
    String policy =
        new String(
            cloudFrontBase64(custom.values().get("CloudFront-Policy")), StandardCharsets.UTF_8);
    assertThat(policy)
        .contains(
            "\"Resource\":\"https://d111111abcdef8.cloudfront.net/albums/42/*\"",
            "\"IpAddress\":{\"AWS:SourceIp\":\"203.0.113.7/32\"}");
    assertThat(verifies(keys.getPublic(), policy, custom.values().get("CloudFront-Signature")))
        .isTrue();
    assertThat(custom.setCookieHeaders("d111111abcdef8.cloudfront.net", "/albums/42/*"))
        .containsExactly(
            "CloudFront-Policy="
                + custom.values().get("CloudFront-Policy")
                + "; Domain=d111111abcdef8.cloudfront.net; Path=/albums/42/*; Secure; HttpOnly",
            "CloudFront-Signature="
                + custom.values().get("CloudFront-Signature")
                + "; Domain=d111111abcdef8.cloudfront.net; Path=/albums/42/*; Secure; HttpOnly",
            "CloudFront-Key-Pair-Id="
                + KEY_PAIR_ID
                + "; Domain=d111111abcdef8.cloudfront.net; Path=/albums/42/*; Secure;"
                + " HttpOnly");
    assertThatThrownBy(() -> custom.setCookieHeaders("evil.example; x=y", "/"))
        .hasMessageContaining("rejected");
  }

  @Test
  void urlSafeBase64IsCloudFrontsOwnAlphabet() {
    assertThat(CloudFrontSigner.urlSafe(new byte[] {(byte) 0xfb, (byte) 0xff})).isEqualTo("-~8_");
    assertThat(CloudFrontSigner.urlSafe(new byte[] {(byte) 0xfb, (byte) 0xef, (byte) 0xbe}))
        .isEqualTo("----");
  }

  @Test
  void readsPkcs8AndPkcs1PemKeys() throws Exception {
    byte[] pkcs8 = keys.getPrivate().getEncoded();
    // A 2048-bit key's PKCS#8 wrapper is 26 bytes; the PKCS#1 RSAPrivateKey follows it.
    byte[] pkcs1 = Arrays.copyOfRange(pkcs8, 26, pkcs8.length);
    String pem8 =
        "-----BEGIN PRIVATE KEY-----\n"
            + Base64.getMimeEncoder().encodeToString(pkcs8)
            + "\n-----END PRIVATE KEY-----\n";
    String pem1 =
        "-----BEGIN RSA PRIVATE KEY-----\n"
            + Base64.getMimeEncoder().encodeToString(pkcs1)
            + "\n-----END RSA PRIVATE KEY-----\n";

    assertThat(CloudFrontSigner.readPrivateKey(pem8)).isEqualTo(keys.getPrivate());
    assertThat(CloudFrontSigner.readPrivateKey(pem1)).isEqualTo(keys.getPrivate());
    assertThatThrownBy(
            () ->
                CloudFrontSigner.readPrivateKey(
                    "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----"))
        .hasMessageStartingWith("the PEM PRIVATE KEY is rejected");
    assertThatThrownBy(() -> CloudFrontSigner.readPrivateKey("ssh-rsa AAAA"))
        .hasMessageContaining("expected an");
  }

  @Test
  void rejectsWhatCloudFrontWouldNotAccept() throws Exception {
    KeyPairGenerator small = KeyPairGenerator.getInstance("RSA");
    small.initialize(1024);
    KeyPairGenerator ec = KeyPairGenerator.getInstance("EC");
    ec.initialize(new java.security.spec.ECGenParameterSpec("secp384r1"));
    KeyPairGenerator dsa = KeyPairGenerator.getInstance("DSA");
    dsa.initialize(2048);
    Grant grant = Grant.until(EXPIRES);

    assertThatThrownBy(() -> CloudFrontSigner.of(KEY_PAIR_ID, small.generateKeyPair().getPrivate()))
        .hasMessage(
            "privateKey of 1024 bits is rejected: CloudFront requires an RSA key of at least 2048 bits");
    assertThatThrownBy(() -> CloudFrontSigner.of(KEY_PAIR_ID, ec.generateKeyPair().getPrivate()))
        .hasMessageContaining("P-256 (prime256v1) only");
    assertThatThrownBy(() -> CloudFrontSigner.of(KEY_PAIR_ID, dsa.generateKeyPair().getPrivate()))
        .hasMessageContaining("CloudFront signs with RSA or ECDSA P-256");
    assertThatThrownBy(
            () ->
                signer.sign(
                    URI.create("https://d1.cloudfront.net/a.mp3?Hash-Algorithm=SHA1"), grant))
        .hasMessageContaining("already has a CloudFront signing parameter");
    assertThatThrownBy(() -> CloudFrontSigner.of("K2-JC", keys.getPrivate()))
        .hasMessageStartingWith("keyPairId='K2-JC'");
    assertThatThrownBy(() -> signer.sign(URI.create("/local/a.mp3"), grant))
        .hasMessageContaining("absolute");
    assertThatThrownBy(
            () -> signer.sign(URI.create("https://d1.cloudfront.net/a.mp3?Signature=x"), grant))
        .hasMessageContaining("already has a CloudFront signing parameter");
    assertThatThrownBy(() -> signer.sign(URI.create("https://d1.cloudfront.net/a.mp3#t"), grant))
        .hasMessageContaining("fragment");
    assertThatThrownBy(
            () -> signer.sign(URI.create("https://d1.cloudfront.net/%2e%2e/a.mp3"), grant))
        .isInstanceOf(InvalidAssetPathException.class);
    assertThatThrownBy(
            () ->
                signer.sign(
                    URI.create("https://d1.cloudfront.net/a.mp3"),
                    Grant.until(Instant.parse("2040-01-01T00:00:00Z"))))
        .hasMessageContaining("CloudFront reads expiry times up to");
    assertThatThrownBy(() -> signer.customCookies("https://d1.cloudfront.net/\"x", grant))
        .hasMessageStartingWith("resource=");
  }

  @Test
  void routedAssetUrlsCanBeSignedDirectly() throws Exception {
    CdnRouter router =
        CdnRouters.create(
            "cdn",
            CdnConfig.builder()
                .baseUrl(URI.create("https://d111111abcdef8.cloudfront.net"))
                .versioning(Versioning.fixed("7"))
                .build());

    URI signed = router.route("audio/1.mp3").signed(signer, Grant.until(EXPIRES));

    assertThat(
            verifies(
                keys.getPublic(),
                canned("https://d111111abcdef8.cloudfront.net/audio/1.mp3?v=7", EXP),
                params(signed).get("Signature")))
        .isTrue();
  }
}
