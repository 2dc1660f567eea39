package dev.headroom.cdn;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.spec.RSAPublicKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import software.amazon.awssdk.services.cloudfront.CloudFrontUtilities;
import software.amazon.awssdk.services.cloudfront.cookie.CookiesForCannedPolicy;
import software.amazon.awssdk.services.cloudfront.cookie.CookiesForCustomPolicy;
import software.amazon.awssdk.services.cloudfront.utils.SigningHashAlgorithm;

/**
 * The AWS SDK for Java v2 ({@code software.amazon.awssdk:cloudfront}, test scope) as the oracle:
 * the same key, resource, times and client IP signed by both, compared byte for byte. RSA
 * signatures (PKCS#1 v1.5) are deterministic, so whole URLs and cookies must be equal; ECDSA
 * signatures are randomized, so for P-256 keys everything but the signature must be equal and both
 * signatures must verify with the public key.
 */
class CloudFrontSdkOracleTest {

  private static final String KEY_PAIR_ID = "K2JCJMDEHXQW5F";
  private static final Instant EXPIRES = Instant.parse("2026-01-01T01:00:00Z");
  private static final Instant START = Instant.parse("2025-12-31T23:00:00Z");
  private static final CloudFrontUtilities SDK = CloudFrontUtilities.create();

  enum Key {
    RSA("test-rsa-2048.pem"),
    ECDSA_P256("test-ec-p256.pem");

    final PrivateKey privateKey;

    Key(String resource) {
      this.privateKey = CloudFrontSigner.readPrivateKey(pem(resource));
    }

    boolean deterministic() {
      return this == RSA;
    }
  }

  enum Case {
    RSA_SHA1(Key.RSA, CloudFrontSigner.HashAlgorithm.SHA1, SigningHashAlgorithm.SHA1),
    RSA_SHA256(Key.RSA, CloudFrontSigner.HashAlgorithm.SHA256, SigningHashAlgorithm.SHA256),
    ECDSA_SHA1(Key.ECDSA_P256, CloudFrontSigner.HashAlgorithm.SHA1, SigningHashAlgorithm.SHA1),
    ECDSA_SHA256(
        Key.ECDSA_P256, CloudFrontSigner.HashAlgorithm.SHA256, SigningHashAlgorithm.SHA256);

    final Key key;
    final CloudFrontSigner.HashAlgorithm ours;
    final SigningHashAlgorithm sdk;

    Case(Key key, CloudFrontSigner.HashAlgorithm ours, SigningHashAlgorithm sdk) {
      this.key = key;
      this.ours = ours;
      this.sdk = sdk;
    }

    CloudFrontSigner signer() {
      return CloudFrontSigner.of(KEY_PAIR_ID, key.privateKey, ours);
    }

    String javaAlgorithm() {
      return (ours == CloudFrontSigner.HashAlgorithm.SHA1 ? "SHA1" : "SHA256")
          + (key == Key.RSA ? "withRSA" : "withECDSA");
    }
  }

  static String pem(String resource) {
    try (InputStream in = CloudFrontSdkOracleTest.class.getResourceAsStream(resource)) {
      return new String(
          Objects.requireNonNull(in, resource).readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  @ParameterizedTest
  @EnumSource(Case.class)
  void cannedPolicyUrlsMatchTheSdk(Case c) throws Exception {
    String url = "https://d111111abcdef8.cloudfront.net/audio/My%20Song.mp3?v=2&size=large";
    String ours = c.signer().signCanned(URI.create(url), EXPIRES).toString();
    String sdk =
        SDK.getSignedUrlWithCannedPolicy(
                r ->
                    r.resourceUrl(url)
                        .privateKey(c.key.privateKey)
                        .keyPairId(KEY_PAIR_ID)
                        .expirationDate(EXPIRES)
                        .hashAlgorithm(c.sdk))
            .url();
    String policy =
        "{\"Statement\":[{\"Resource\":\""
            + url
            + "\",\"Condition\":{\"DateLessThan\":{\"AWS:EpochTime\":"
            + EXPIRES.getEpochSecond()
            + "}}}]}";
    compare(c, ours, sdk, policy);
    if (c.ours == CloudFrontSigner.HashAlgorithm.SHA256) {
      assertThat(ours).endsWith("&Key-Pair-Id=" + KEY_PAIR_ID + "&Hash-Algorithm=SHA256");
    } else {
      assertThat(ours).endsWith("&Key-Pair-Id=" + KEY_PAIR_ID).doesNotContain("Hash-Algorithm");
    }
  }

  @ParameterizedTest
  @EnumSource(Case.class)
  void customPolicyUrlsMatchTheSdkWithCompressedIpv6(Case c) throws Exception {
    String url = "https://d111111abcdef8.cloudfront.net/video/intro.mp4";
    Grant grant =
        Grant.until(EXPIRES).notBefore(START).clientIp("2001:0db8:0000:0000:0000:0000:0000:0001");
    assertThat(grant.clientIp()).hasValue("2001:db8::1/128");
    String ours = c.signer().signCustom(URI.create(url), grant).toString();
    String sdk =
        SDK.getSignedUrlWithCustomPolicy(
                r ->
                    r.resourceUrl(url)
                        .privateKey(c.key.privateKey)
                        .keyPairId(KEY_PAIR_ID)
                        .expirationDate(EXPIRES)
                        .activeDate(START)
                        .ipRange("2001:db8::1/128")
                        .hashAlgorithm(c.sdk))
            .url();
    compare(c, ours, sdk, decodedPolicy(ours));
    assertThat(decodedPolicy(ours))
        .isEqualTo(
            "{\"Statement\":[{\"Resource\":\""
                + url
                + "\",\"Condition\":{\"DateLessThan\":{\"AWS:EpochTime\":1767229200},"
                + "\"IpAddress\":{\"AWS:SourceIp\":\"2001:db8::1/128\"},"
                + "\"DateGreaterThan\":{\"AWS:EpochTime\":1767222000}}}]}");
  }

  @ParameterizedTest
  @EnumSource(Case.class)
  void customPolicyUrlsForAPathPrefixMatchTheSdksUrlPattern(Case c) throws Exception {
    String url = "https://d111111abcdef8.cloudfront.net/hls/show/index.m3u8";
    Grant grant = Grant.until(EXPIRES).clientIp("192.0.2.0/24").pathPrefix("/hls/show");
    String ours = c.signer().signCustom(URI.create(url), grant).toString();
    String sdk =
        SDK.getSignedUrlWithCustomPolicy(
                r ->
                    r.resourceUrl(url)
                        .resourceUrlPattern("https://d111111abcdef8.cloudfront.net/hls/show/*")
                        .privateKey(c.key.privateKey)
                        .keyPairId(KEY_PAIR_ID)
                        .expirationDate(EXPIRES)
                        .ipRange("192.0.2.0/24")
                        .hashAlgorithm(c.sdk))
            .url();
    compare(c, ours, sdk, decodedPolicy(ours));
  }

  @ParameterizedTest
  @EnumSource(Case.class)
  void cannedCookiesMatchTheSdk(Case c) throws Exception {
    String url = "https://d111111abcdef8.cloudfront.net/albums/42/cover.jpg";
    CloudFrontCookies ours = c.signer().cannedCookies(URI.create(url), EXPIRES);
    CookiesForCannedPolicy sdk =
        SDK.getCookiesForCannedPolicy(
            r ->
                r.resourceUrl(url)
                    .privateKey(c.key.privateKey)
                    .keyPairId(KEY_PAIR_ID)
                    .expirationDate(EXPIRES)
                    .hashAlgorithm(c.sdk));
    Map<String, String> expected = new LinkedHashMap<>();
    put(expected, sdk.expiresHeaderValue());
    put(expected, sdk.signatureHeaderValue());
    put(expected, sdk.keyPairIdHeaderValue());
    put(expected, sdk.hashAlgorithmHeaderValue());
    String policy =
        "{\"Statement\":[{\"Resource\":\""
            + url
            + "\",\"Condition\":{\"DateLessThan\":{\"AWS:EpochTime\":"
            + EXPIRES.getEpochSecond()
            + "}}}]}";
    compareCookies(c, ours.values(), expected, policy);
  }

  @ParameterizedTest
  @EnumSource(Case.class)
  void customCookiesMatchTheSdk(Case c) throws Exception {
    String resource = "https://d111111abcdef8.cloudfront.net/albums/42/*";
    Grant grant = Grant.until(EXPIRES).notBefore(START).clientIp("203.0.113.7");
    CloudFrontCookies ours = c.signer().customCookies(resource, grant);
    CookiesForCustomPolicy sdk =
        SDK.getCookiesForCustomPolicy(
            r ->
                r.resourceUrl(resource)
                    .privateKey(c.key.privateKey)
                    .keyPairId(KEY_PAIR_ID)
                    .expirationDate(EXPIRES)
                    .activeDate(START)
                    .ipRange("203.0.113.7/32")
                    .hashAlgorithm(c.sdk));
    Map<String, String> expected = new LinkedHashMap<>();
    put(expected, sdk.policyHeaderValue());
    put(expected, sdk.signatureHeaderValue());
    put(expected, sdk.keyPairIdHeaderValue());
    put(expected, sdk.hashAlgorithmHeaderValue());
    String policy =
        new String(
            cloudFrontBase64(ours.values().get(CloudFrontCookies.POLICY)), StandardCharsets.UTF_8);
    compareCookies(c, ours.values(), expected, policy);
  }

  /** Adds an SDK header value {@code Name=value} (null when the SDK sends no such cookie). */
  private static void put(Map<String, String> cookies, String headerValue) {
    if (headerValue != null) {
      int eq = headerValue.indexOf('=');
      cookies.put(headerValue.substring(0, eq), headerValue.substring(eq + 1));
    }
  }

  private static void compare(Case c, String ours, String sdk, String policy) throws Exception {
    if (c.key.deterministic()) {
      assertThat(ours).isEqualTo(sdk);
    } else {
      assertThat(withoutSignature(ours)).isEqualTo(withoutSignature(sdk));
      assertThat(verifies(c, policy, signature(sdk))).as("the SDK's signature").isTrue();
    }
    assertThat(verifies(c, policy, signature(ours))).as("our signature").isTrue();
  }

  private static void compareCookies(
      Case c, Map<String, String> ours, Map<String, String> sdk, String policy) throws Exception {
    if (c.key.deterministic()) {
      assertThat(ours).containsExactlyEntriesOf(sdk);
    } else {
      Map<String, String> a = new LinkedHashMap<>(ours);
      Map<String, String> b = new LinkedHashMap<>(sdk);
      assertThat(verifies(c, policy, b.remove(CloudFrontCookies.SIGNATURE))).isTrue();
      assertThat(verifies(c, policy, a.remove(CloudFrontCookies.SIGNATURE))).isTrue();
      assertThat(a).containsExactlyEntriesOf(b);
    }
    assertThat(ours.containsKey(CloudFrontCookies.HASH_ALGORITHM))
        .isEqualTo(c.ours == CloudFrontSigner.HashAlgorithm.SHA256);
  }

  private static String signature(String url) {
    String query = URI.create(url).getRawQuery();
    for (String p : query.split("&")) {
      if (p.startsWith("Signature=")) {
        return p.substring("Signature=".length());
      }
    }
    throw new AssertionError("no Signature in " + url);
  }

  private static String withoutSignature(String url) {
    return url.replaceAll("Signature=[^&]*", "Signature=*");
  }

  private static String decodedPolicy(String url) {
    for (String p : URI.create(url).getRawQuery().split("&")) {
      if (p.startsWith("Policy=")) {
        return new String(cloudFrontBase64(p.substring(7)), StandardCharsets.UTF_8);
      }
    }
    throw new AssertionError("no Policy in " + url);
  }

  private static byte[] cloudFrontBase64(String text) {
    return Base64.getDecoder().decode(text.replace('-', '+').replace('_', '=').replace('~', '/'));
  }

  private static boolean verifies(Case c, String policy, String signature) throws Exception {
    Signature verifier = Signature.getInstance(c.javaAlgorithm());
    verifier.initVerify(publicKey(c.key.privateKey));
    verifier.update(policy.getBytes(StandardCharsets.UTF_8));
    return verifier.verify(cloudFrontBase64(signature));
  }

  /** The public key: from the CRT fields (RSA), or the public key file OpenSSL wrote (EC). */
  static PublicKey publicKey(PrivateKey key) throws Exception {
    if (key instanceof RSAPrivateCrtKey rsa) {
      return KeyFactory.getInstance("RSA")
          .generatePublic(new RSAPublicKeySpec(rsa.getModulus(), rsa.getPublicExponent()));
    }
    String pem = pem("test-ec-p256.pub.pem");
    String body =
        pem.replace("-----BEGIN PUBLIC KEY-----", "")
            .replace("-----END PUBLIC KEY-----", "")
            .replaceAll("\\s", "");
    return KeyFactory.getInstance("EC")
        .generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(body)));
  }
}
