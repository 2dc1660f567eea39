package dev.headroom.cdn;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Objects;

/*
 * Akamai EdgeAuth (Token Auth 2.0) tokens, as Akamai's EdgeAuth-Token libraries write them with
 * their defaults (HMAC-SHA256, '~' between fields, no salt, no early escaping).
 *
 * The token is a query parameter (default name "__token__", often set to "hdnts" in the property):
 *
 *   __token__=[ip=<ip>~][st=<start>~]exp=<expiry>[~acl=<acl>]~hmac=<hex>
 *
 * The HMAC key is the hex secret from the Akamai property, decoded to bytes. The HMAC covers the
 * token's fields joined by '~' and, for a URL token, one more field "url=<path>" that is not sent:
 * the edge rebuilds it from the request path. With a grant's path prefix the token is an ACL token
 * instead, "acl=<prefix>/*", valid for every path below the prefix (for HLS or DASH segments).
 * Akamai checks one client address, so a CIDR block wider than one address is refused.
 */

/**
 * Signs URLs with Akamai EdgeAuth tokens (HMAC-SHA256), checked by the Akamai edge with the same
 * secret: expiry, optional start time and client IP, and a path prefix as an ACL token. Works on
 * absolute URLs and local paths. Thread-safe.
 */
public final class AkamaiSigner implements UrlSigner {

  /** The default token parameter name. */
  public static final String DEFAULT_TOKEN_NAME = "__token__";

  private final HmacSha256 hmac;
  private final String tokenName;

  private AkamaiSigner(HmacSha256 hmac, String tokenName) {
    this.hmac = hmac;
    this.tokenName = tokenName;
  }

  /**
   * A signer with the property's hex secret and the {@linkplain #DEFAULT_TOKEN_NAME default token
   * name}.
   *
   * @throws IllegalArgumentException if the secret is not hex or shorter than 16 bytes
   */
  public static AkamaiSigner of(String hexSecret) {
    return of(hexSecret, DEFAULT_TOKEN_NAME);
  }

  /**
   * A signer with the property's hex secret and token parameter name (such as {@code hdnts}).
   *
   * @throws IllegalArgumentException if the secret is not hex or shorter than 16 bytes, or the name
   *     is not 1 to 64 characters of {@code [A-Za-z0-9_-]}
   */
  public static AkamaiSigner of(String hexSecret, String tokenName) {
    Objects.requireNonNull(hexSecret, "hexSecret");
    Objects.requireNonNull(tokenName, "tokenName");
    if (!tokenName.matches("[A-Za-z0-9_-]{1,64}")) {
      throw new IllegalArgumentException(
          "tokenName='"
              + tokenName
              + "' is rejected: expected 1 to 64 characters of"
              + " [A-Za-z0-9_-], such as __token__ or hdnts");
    }
    if (!hexSecret.matches("([0-9A-Fa-f]{2}){16,}")) {
      throw new IllegalArgumentException(
          "hexSecret of "
              + hexSecret.length()
              + " characters is rejected: expected"
              + " the Akamai token secret as an even number of hex digits, at least 32");
    }
    return new AkamaiSigner(new HmacSha256(HexFormat.of().parseHex(hexSecret)), tokenName);
  }

  /**
   * {@inheritDoc}
   *
   * @throws IllegalArgumentException if the URL has a fragment or already has the token parameter,
   *     lies outside the grant's path prefix, or the grant's client IP is a block wider than one
   *     address
   */
  @Override
  public URI sign(URI url, Grant grant) {
    Objects.requireNonNull(url, "url");
    Objects.requireNonNull(grant, "grant");
    return sign(SignableUrl.of(url), grant);
  }

  /** {@link #sign(URI, Grant)} of a URL already split and checked. */
  URI sign(SignableUrl target, Grant grant) {
    Objects.requireNonNull(grant, "grant");
    String url = target.text;
    if (target.hasParameter(tokenName)) {
      throw new IllegalArgumentException(
          "url='" + url + "' is rejected: it already has a " + tokenName + " parameter");
    }
    AssetPath path = target.path;
    StringBuilder token = new StringBuilder(160);
    grant.clientIp().ifPresent(ip -> token.append("ip=").append(singleAddress(ip)).append('~'));
    grant
        .notBefore()
        .ifPresent(start -> token.append("st=").append(start.getEpochSecond()).append('~'));
    token.append("exp=").append(grant.expires().getEpochSecond());
    String signed;
    if (grant.pathPrefix().isPresent()) {
      AssetPath prefix = grant.pathPrefix().get();
      if (!path.startsWith(prefix)) {
        throw new IllegalArgumentException(
            "url='"
                + url
                + "' is rejected: its path is outside the grant's"
                + " pathPrefix "
                + prefix);
      }
      token.append("~acl=").append(prefix.encoded()).append("/*");
      signed = token.toString();
    } else {
      signed = token + "~url=" + path.encoded();
    }
    token.append("~hmac=").append(hmacHex(signed));

    return URI.create(
        target.withQueryOpen().append(tokenName).append('=').append(token).toString());
  }

  private String hmacHex(String text) {
    return HexFormat.of().formatHex(hmac.mac(text.getBytes(StandardCharsets.UTF_8)));
  }

  private static String singleAddress(String cidr) {
    int slash = cidr.indexOf('/');
    String bits = cidr.substring(slash + 1);
    boolean v6 = cidr.indexOf(':') >= 0;
    if (!bits.equals(v6 ? "128" : "32")) {
      throw new IllegalArgumentException(
          "clientIp="
              + cidr
              + " is rejected: Akamai tokens bind one client address,"
              + " not a block");
    }
    return cidr.substring(0, slash);
  }

  @Override
  public String toString() {
    return "AkamaiSigner[" + tokenName + "]";
  }
}
