package dev.headroom.cdn;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.RSAKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/*
 * Amazon CloudFront signed URLs and cookies, in the formats of the CloudFront Developer Guide
 * ("Create a signed URL using a canned policy / a custom policy", "Set signed cookies ...").
 *
 * A policy is a JSON statement. The canned policy is never sent: CloudFront rebuilds it from the
 * request, so it must be byte-for-byte the documented form, without whitespace:
 *
 *   {"Statement":[{"Resource":"<URL>","Condition":{"DateLessThan":{"AWS:EpochTime":<exp>}}}]}
 *
 * where <URL> is the full URL including any query string. The custom policy is sent (base64) in
 * the URL or cookie, so CloudFront reads what we wrote; we write it compactly in the documented
 * member order, with DateGreaterThan and IpAddress only when the grant has them and "*" wildcards
 * in the resource when the grant is for a path prefix.
 *
 * The signature is made over the UTF-8 policy bytes with the private key whose public key is in
 * the distribution's trusted key group: RSA (PKCS#1 v1.5, 2048 bits) or ECDSA on P-256 (DER
 * encoded, as Java and the AWS SDK write it), with SHA-1 (the default, "SHA1withRSA") or SHA-256
 * ("SHA256withRSA" / "SHA256withECDSA"), which CloudFront accepts since April 2026 when the URL
 * says Hash-Algorithm=SHA256 (cookie CloudFront-Hash-Algorithm). The public key id travels as
 * Key-Pair-Id. Both policy and signature are base64 encoded and made URL-safe by CloudFront's own
 * substitution, which is not RFC 4648 base64url: '+' becomes '-', '=' becomes '_', '/' becomes '~'.
 *
 * URL parameters: canned  ?Expires=<exp>&Signature=<sig>&Key-Pair-Id=<id>[&Hash-Algorithm=SHA256]
 *                 custom  ?Policy=<policy>&Signature=<sig>&Key-Pair-Id=<id>[&Hash-Algorithm=SHA256]
 * appended with '&' when the URL already has a query. Cookies carry the same values under the
 * names CloudFront-Expires / CloudFront-Policy, CloudFront-Signature, CloudFront-Key-Pair-Id and
 * CloudFront-Hash-Algorithm. The custom policy's conditions are written in the AWS SDK for Java's
 * order (DateLessThan, IpAddress, DateGreaterThan), and IPv6 addresses in RFC 5952 form, so URLs
 * and cookies are byte-identical with the SDK's (CloudFrontSdkOracleTest).
 */

/**
 * Signs Amazon CloudFront URLs and cookies with a trusted key group's RSA or ECDSA P-256 key, with
 * SHA-1 or SHA-256, in CloudFront's canned-policy and custom-policy formats. Thread-safe.
 *
 * <pre>{@code
 * CloudFrontSigner signer = CloudFrontSigner.of("K2JCJMDEHXQW5F", CloudFrontSigner.readPrivateKey(pem));
 * URI url = signer.sign(URI.create("https://d111111abcdef8.cloudfront.net/audio/1.mp3"),
 *     Grant.validFor(Duration.ofMinutes(10), TimeSource.system()));
 * }</pre>
 */
public final class CloudFrontSigner implements UrlSigner {

  /** The smallest RSA key CloudFront accepts, in bits. */
  public static final int MIN_KEY_BITS = 2048;

  /**
   * The latest expiry CloudFront reads: epoch seconds are a signed 32-bit number
   * (2038-01-19T03:14:07Z).
   */
  public static final Instant LATEST_EXPIRY = Instant.ofEpochSecond(Integer.MAX_VALUE);

  /** The hash of the signature: SHA-1 (CloudFront's default) or SHA-256. */
  public enum HashAlgorithm {
    /** SHA-1: no Hash-Algorithm parameter is sent; what CloudFront assumes without one. */
    SHA1,
    /**
     * SHA-256: the URL carries {@code Hash-Algorithm=SHA256}, cookies {@code
     * CloudFront-Hash-Algorithm}.
     */
    SHA256
  }

  private final String keyPairId;
  private final PrivateKey privateKey;
  private final HashAlgorithm hash;
  private final String algorithm;

  private CloudFrontSigner(String keyPairId, PrivateKey privateKey, HashAlgorithm hash) {
    this.keyPairId = keyPairId;
    this.privateKey = privateKey;
    this.hash = hash;
    this.algorithm =
        (hash == HashAlgorithm.SHA1 ? "SHA1" : "SHA256")
            + ("EC".equals(privateKey.getAlgorithm()) ? "withECDSA" : "withRSA");
  }

  /**
   * A signer for the public key {@code keyPairId} (such as {@code K2JCJMDEHXQW5F}, or a legacy
   * {@code APKA...} key pair id) and its private key, signing with SHA-1 as existing key pairs and
   * CloudFront's default expect.
   *
   * @throws IllegalArgumentException if the id is not 1 to 128 letters and digits, or the key is
   *     neither an RSA key of at least {@value #MIN_KEY_BITS} bits nor an EC key on P-256
   */
  public static CloudFrontSigner of(String keyPairId, PrivateKey privateKey) {
    return of(keyPairId, privateKey, HashAlgorithm.SHA1);
  }

  /**
   * A signer as {@link #of(String, PrivateKey)}, with the hash algorithm given: {@link
   * HashAlgorithm#SHA256} adds {@code Hash-Algorithm=SHA256} to URLs and the {@code
   * CloudFront-Hash-Algorithm} cookie.
   *
   * @throws IllegalArgumentException as {@link #of(String, PrivateKey)}
   */
  public static CloudFrontSigner of(
      String keyPairId, PrivateKey privateKey, HashAlgorithm hashAlgorithm) {
    Objects.requireNonNull(keyPairId, "keyPairId");
    Objects.requireNonNull(hashAlgorithm, "hashAlgorithm");
    Objects.requireNonNull(privateKey, "privateKey");
    if (!keyPairId.matches("[A-Za-z0-9]{1,128}")) {
      throw new IllegalArgumentException(
          "keyPairId='"
              + keyPairId
              + "' is rejected: expected the CloudFront public"
              + " key id, letters and digits such as K2JCJMDEHXQW5F");
    }
    if (privateKey instanceof ECPrivateKey ec) {
      if (!isP256(ec.getParams())) {
        throw new IllegalArgumentException(
            "privateKey on the EC curve "
                + ec.getParams().getCurve().getField().getFieldSize()
                + "-bit is rejected: CloudFront accepts ECDSA keys on P-256 (prime256v1) only");
      }
      return new CloudFrontSigner(keyPairId, privateKey, hashAlgorithm);
    }
    if (!(privateKey instanceof RSAKey rsa) || !"RSA".equals(privateKey.getAlgorithm())) {
      throw new IllegalArgumentException(
          "privateKey of algorithm "
              + privateKey.getAlgorithm()
              + " is rejected:"
              + " CloudFront signs with RSA or ECDSA P-256");
    }
    int bits = rsa.getModulus().bitLength();
    if (bits < MIN_KEY_BITS) {
      throw new IllegalArgumentException(
          "privateKey of "
              + bits
              + " bits is rejected: CloudFront requires an RSA"
              + " key of at least "
              + MIN_KEY_BITS
              + " bits");
    }
    return new CloudFrontSigner(keyPairId, privateKey, hashAlgorithm);
  }

  private static boolean isP256(ECParameterSpec params) {
    try {
      AlgorithmParameters p256 = AlgorithmParameters.getInstance("EC");
      p256.init(new ECGenParameterSpec("secp256r1"));
      ECParameterSpec spec = p256.getParameterSpec(ECParameterSpec.class);
      return spec.getOrder().equals(params.getOrder())
          && spec.getCurve().equals(params.getCurve())
          && spec.getGenerator().equals(params.getGenerator());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK has no secp256r1 parameters", e);
    }
  }

  /**
   * Reads an RSA or EC private key from PEM text: PKCS#8 ({@code BEGIN PRIVATE KEY}, RSA or EC),
   * PKCS#1 ({@code BEGIN RSA PRIVATE KEY}, as {@code openssl genrsa} writes it) or SEC 1 ({@code
   * BEGIN EC PRIVATE KEY}, as {@code openssl ecparam -name prime256v1 -genkey} writes it, P-256
   * only). Encrypted keys are not read.
   *
   * @throws IllegalArgumentException if the text holds no such key
   */
  public static PrivateKey readPrivateKey(String pem) {
    Objects.requireNonNull(pem, "pem");
    String type =
        pem.contains("-----BEGIN RSA PRIVATE KEY-----")
            ? "RSA PRIVATE KEY"
            : pem.contains("-----BEGIN EC PRIVATE KEY-----") ? "EC PRIVATE KEY" : "PRIVATE KEY";
    int begin = pem.indexOf("-----BEGIN " + type + "-----");
    int end = pem.indexOf("-----END " + type + "-----");
    if (begin < 0 || end < begin) {
      throw new IllegalArgumentException(
          "the PEM text is rejected: expected an unencrypted key between -----BEGIN PRIVATE KEY-----,"
              + " -----BEGIN RSA PRIVATE KEY----- or -----BEGIN EC PRIVATE KEY----- and its END"
              + " line");
    }
    String body = pem.substring(begin + type.length() + 16, end).replaceAll("\\s", "");
    try {
      byte[] der = Base64.getDecoder().decode(body);
      if (type.equals("RSA PRIVATE KEY")) {
        return KeyFactory.getInstance("RSA")
            .generatePrivate(new PKCS8EncodedKeySpec(wrapPkcs8(RSA_ALGORITHM_ID, der)));
      }
      if (type.equals("EC PRIVATE KEY")) {
        return KeyFactory.getInstance("EC")
            .generatePrivate(new PKCS8EncodedKeySpec(wrapPkcs8(P256_ALGORITHM_ID, der)));
      }
      try {
        return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(der));
      } catch (GeneralSecurityException notRsa) {
        return KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(der));
      }
    } catch (IllegalArgumentException | GeneralSecurityException e) {
      throw new IllegalArgumentException(
          "the PEM "
              + type
              + " is rejected: it is not a readable RSA or EC key ("
              + e.getMessage()
              + ")",
          e);
    }
  }

  /**
   * Signs a URL: with a canned policy when the grant has only an expiry, else with a custom policy.
   *
   * @throws IllegalArgumentException if the URL is not an absolute http(s) URL, or has a fragment
   * @throws InvalidAssetPathException if its path is unsafe
   */
  @Override
  public URI sign(URI url, Grant grant) {
    Objects.requireNonNull(grant, "grant");
    return grant.isExpiryOnly() ? signCanned(url, grant.expires()) : signCustom(url, grant);
  }

  /**
   * A signed URL with a canned policy: valid for exactly this URL (query included) until {@code
   * expires}.
   *
   * @throws IllegalArgumentException if the URL is not an absolute http(s) URL, or has a fragment
   */
  public URI signCanned(URI url, Instant expires) {
    String resource = resource(url);
    long exp = epochSeconds(Grant.until(expires));
    String signature = sign(cannedPolicy(resource, exp));
    return URI.create(
        resource
            + (url.getRawQuery() == null ? '?' : '&')
            + "Expires="
            + exp
            + "&Signature="
            + signature
            + "&Key-Pair-Id="
            + keyPairId
            + hashParameter());
  }

  /**
   * A signed URL with a custom policy from the grant: expiry, start, client IP or CIDR block, and
   * with a path prefix the resource {@code <scheme>://<host><prefix>/*}, so the same query
   * parameters are valid for every file below the prefix.
   *
   * @throws IllegalArgumentException if the URL is not an absolute http(s) URL, has a fragment, or
   *     lies outside the grant's path prefix
   */
  public URI signCustom(URI url, Grant grant) {
    Objects.requireNonNull(grant, "grant");
    String resource = resource(url);
    String policyResource = resource;
    if (grant.pathPrefix().isPresent()) {
      AssetPath prefix = grant.pathPrefix().get();
      if (!AssetPath.of(url.getRawPath()).startsWith(prefix)) {
        throw new IllegalArgumentException(
            "url='"
                + url
                + "' is rejected: its path is outside the grant's"
                + " pathPrefix "
                + prefix);
      }
      policyResource = url.getScheme() + "://" + url.getRawAuthority() + prefix.encoded() + "/*";
    }
    String policy = customPolicy(policyResource, grant);
    return URI.create(
        resource
            + (url.getRawQuery() == null ? '?' : '&')
            + "Policy="
            + urlSafe(utf8(policy))
            + "&Signature="
            + sign(policy)
            + "&Key-Pair-Id="
            + keyPairId
            + hashParameter());
  }

  private String hashParameter() {
    return hash == HashAlgorithm.SHA1 ? "" : "&Hash-Algorithm=" + hash.name();
  }

  /** The hash algorithm of the signatures. */
  public HashAlgorithm hashAlgorithm() {
    return hash;
  }

  /**
   * Signed cookies with a canned policy, valid for exactly {@code url} until {@code expires}.
   *
   * @throws IllegalArgumentException if the URL is not an absolute http(s) URL, or has a fragment
   */
  public CloudFrontCookies cannedCookies(URI url, Instant expires) {
    long exp = epochSeconds(Grant.until(expires));
    Map<String, String> values = new LinkedHashMap<>();
    values.put(CloudFrontCookies.EXPIRES, Long.toString(exp));
    values.put(CloudFrontCookies.SIGNATURE, sign(cannedPolicy(resource(url), exp)));
    values.put(CloudFrontCookies.KEY_PAIR_ID, keyPairId);
    if (hash != HashAlgorithm.SHA1) {
      values.put(CloudFrontCookies.HASH_ALGORITHM, hash.name());
    }
    return new CloudFrontCookies(values);
  }

  /**
   * Signed cookies with a custom policy for {@code resource}, which may use CloudFront's {@code *}
   * and {@code ?} wildcards, such as {@code https://d111111abcdef8.cloudfront.net/albums/42/*}. The
   * grant's path prefix, if any, is ignored: the resource says what is allowed.
   *
   * @throws IllegalArgumentException if the resource is not an http(s) URL pattern of URL
   *     characters
   */
  public CloudFrontCookies customCookies(String resource, Grant grant) {
    Objects.requireNonNull(resource, "resource");
    Objects.requireNonNull(grant, "grant");
    if (!resource.matches(
        "(?i)https?://[A-Za-z0-9.*?-]+(:\\d{1,5})?(/[A-Za-z0-9._~%!$&'()*+,;=:@/?-]*)?")) {
      throw new IllegalArgumentException(
          "resource='"
              + resource
              + "' is rejected: expected an http(s) URL pattern"
              + " such as https://d111111abcdef8.cloudfront.net/albums/42/*");
    }
    String policy = customPolicy(resource, grant);
    Map<String, String> values = new LinkedHashMap<>();
    values.put(CloudFrontCookies.POLICY, urlSafe(utf8(policy)));
    values.put(CloudFrontCookies.SIGNATURE, sign(policy));
    values.put(CloudFrontCookies.KEY_PAIR_ID, keyPairId);
    if (hash != HashAlgorithm.SHA1) {
      values.put(CloudFrontCookies.HASH_ALGORITHM, hash.name());
    }
    return new CloudFrontCookies(values);
  }

  /** The key pair id. */
  public String keyPairId() {
    return keyPairId;
  }

  /** The canned policy statement CloudFront rebuilds for {@code resource}. */
  static String cannedPolicy(String resource, long expires) {
    return "{\"Statement\":[{\"Resource\":\""
        + resource
        + "\",\"Condition\":{\"DateLessThan\":{\"AWS:EpochTime\":"
        + expires
        + "}}}]}";
  }

  /**
   * A custom policy statement for {@code resource} from the grant's expiry, client IP and start, in
   * the AWS SDK for Java's member order.
   */
  static String customPolicy(String resource, Grant grant) {
    StringBuilder policy =
        new StringBuilder(256)
            .append("{\"Statement\":[{\"Resource\":\"")
            .append(resource)
            .append("\",\"Condition\":{")
            .append("\"DateLessThan\":{\"AWS:EpochTime\":")
            .append(epochSeconds(grant))
            .append('}');
    grant
        .clientIp()
        .ifPresent(
            ip -> policy.append(",\"IpAddress\":{\"AWS:SourceIp\":\"").append(ip).append("\"}"));
    grant
        .notBefore()
        .ifPresent(
            start ->
                policy
                    .append(",\"DateGreaterThan\":{\"AWS:EpochTime\":")
                    .append(start.getEpochSecond())
                    .append('}'));
    return policy.append("}}]}").toString();
  }

  private static long epochSeconds(Grant grant) {
    if (grant.expires().isAfter(LATEST_EXPIRY)) {
      throw new IllegalArgumentException(
          "expires="
              + grant.expires()
              + " is rejected: CloudFront reads expiry"
              + " times up to "
              + LATEST_EXPIRY);
    }
    return grant.expires().getEpochSecond();
  }

  /** CloudFront's URL-safe base64: standard base64 with {@code + = /} replaced by {@code - _ ~}. */
  static String urlSafe(byte[] bytes) {
    return Base64.getEncoder()
        .encodeToString(bytes)
        .replace('+', '-')
        .replace('=', '_')
        .replace('/', '~');
  }

  private String sign(String policy) {
    try {
      Signature signature = Signature.getInstance(algorithm);
      signature.initSign(privateKey);
      signature.update(utf8(policy));
      return urlSafe(signature.sign());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(algorithm + " could not sign with key pair " + keyPairId, e);
    }
  }

  /** The URL as signed: scheme, authority, canonical path and raw query, checked. */
  private static String resource(URI url) {
    Objects.requireNonNull(url, "url");
    String scheme = url.getScheme();
    if (scheme == null || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))) {
      throw new IllegalArgumentException(
          "url='"
              + url
              + "' is rejected: CloudFront signs absolute http:// or"
              + " https:// URLs with a path, such as https://d111111abcdef8.cloudfront.net/a.mp3");
    }
    SignableUrl target = SignableUrl.of(url);
    for (String name : List.of("Expires", "Policy", "Signature", "Key-Pair-Id", "Hash-Algorithm")) {
      if (target.hasParameter(name)) {
        throw new IllegalArgumentException(
            "url='"
                + url
                + "' is rejected: it already has a CloudFront signing"
                + " parameter (Expires, Policy, Signature, Key-Pair-Id or Hash-Algorithm)");
      }
    }
    String resource =
        target.origin + target.path.encoded() + (target.query == null ? "" : "?" + target.query);
    if (resource.indexOf('"') >= 0 || resource.indexOf('\\') >= 0) {
      throw new IllegalArgumentException(
          "url='" + url + "' is rejected: it contains a quote or backslash");
    }
    return resource;
  }

  private static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  /** AlgorithmIdentifier rsaEncryption with NULL parameters, after the version 0. */
  private static final byte[] RSA_ALGORITHM_ID = {
    0x02,
    0x01,
    0x00,
    0x30,
    0x0d,
    0x06,
    0x09,
    0x2a,
    (byte) 0x86,
    0x48,
    (byte) 0x86,
    (byte) 0xf7,
    0x0d,
    0x01,
    0x01,
    0x01,
    0x05,
    0x00
  };

  /** AlgorithmIdentifier id-ecPublicKey with the named curve prime256v1, after the version 0. */
  private static final byte[] P256_ALGORITHM_ID = {
    0x02,
    0x01,
    0x00,
    0x30,
    0x13,
    0x06,
    0x07,
    0x2a,
    (byte) 0x86,
    0x48,
    (byte) 0xce,
    0x3d,
    0x02,
    0x01,
    0x06,
    0x08,
    0x2a,
    (byte) 0x86,
    0x48,
    (byte) 0xce,
    0x3d,
    0x03,
    0x01,
    0x07
  };

  /**
   * Wraps a PKCS#1 RSAPrivateKey or a SEC 1 ECPrivateKey in a PKCS#8 PrivateKeyInfo: version 0, the
   * algorithm identifier, the key as an OCTET STRING.
   */
  private static byte[] wrapPkcs8(byte[] versionAndAlgorithm, byte[] inner) {
    ByteArrayOutputStream key = new ByteArrayOutputStream(inner.length + 32);
    key.writeBytes(versionAndAlgorithm);
    key.write(0x04);
    writeLength(key, inner.length);
    key.writeBytes(inner);
    ByteArrayOutputStream info = new ByteArrayOutputStream(key.size() + 4);
    info.write(0x30);
    writeLength(info, key.size());
    info.writeBytes(key.toByteArray());
    return info.toByteArray();
  }

  private static void writeLength(ByteArrayOutputStream out, int length) {
    if (length < 0x80) {
      out.write(length);
    } else if (length < 0x100) {
      out.write(0x81);
      out.write(length);
    } else if (length < 0x10000) {
      out.write(0x82);
      out.write(length >> 8);
      out.write(length & 0xFF);
    } else {
      out.write(0x83);
      out.write(length >> 16);
      out.write((length >> 8) & 0xFF);
      out.write(length & 0xFF);
    }
  }

  @Override
  public String toString() {
    return "CloudFrontSigner[" + keyPairId + "]";
  }
}
