package dev.headroom.cdn;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.jspecify.annotations.Nullable;

/*
 * Akamai EdgeAuth (Token Auth 2.0) tokens, byte for byte as Akamai's reference implementation
 * (EdgeAuth-Token-Java, com.akamai:edgeauth, the same algorithm as its Python, Node and Go
 * siblings) writes them; AkamaiReferenceOracleTest runs the reference beside this class.
 *
 * The token is a query parameter, cookie or header value (default name "__token__", often "hdnts"):
 *
 *   [ip=<ip>~][st=<start>~]exp=<expiry>[~acl=<acl>[!<acl>...]][~id=<session>][~data=<payload>]~hmac=<hex>
 *
 * The HMAC (SHA-256 by default; SHA-1 and MD5 as the reference allows) is keyed with the property's
 * hex secret and covers the token's fields joined by '~', then for a URL token "url=<path>" and,
 * with a salt, "salt=<salt>": neither is sent, the edge adds them from the request and its own
 * configuration. An ACL token lists one or more path patterns ('*' wildcard) joined by '!'. With
 * escapeEarly, ip, acl, id, data and url are URL-encoded (java.net.URLEncoder, UTF-8) with the
 * percent escapes in lower case before use, as the reference does. The client IP is written in
 * RFC 5952 form for IPv6, so the HMAC matches the reference for any client.
 */

/**
 * Signs URLs with Akamai EdgeAuth tokens, checked by the Akamai edge (or {@link AkamaiVerifier})
 * with the same secret: expiry, optional start time, client IP, session id, payload and salt, as a
 * URL token or as an ACL token for one or more path patterns. Works on absolute URLs and local
 * paths. Thread-safe.
 *
 * <pre>{@code
 * AkamaiSigner signer = AkamaiSigner.builder(hexSecret).tokenName("hdnts").sessionId("s-42").build();
 * URI url = signer.sign(URI.create("https://media.example.com/a.mp4"), Grant.validFor(ttl, time));
 * String cookie = signer.aclToken(List.of("/hls/42/*", "/thumbs/42/*"), Grant.validFor(ttl, time));
 * }</pre>
 */
public final class AkamaiSigner implements UrlSigner {

  /** The default token parameter name. */
  public static final String DEFAULT_TOKEN_NAME = "__token__";

  /** The HMAC algorithms of the reference implementation. */
  public enum Algorithm {
    /** HMAC-SHA256, the default. */
    SHA256("HmacSHA256"),
    /** HMAC-SHA1. */
    SHA1("HmacSHA1"),
    /** HMAC-MD5. */
    MD5("HmacMD5");

    final String jca;

    Algorithm(String jca) {
      this.jca = jca;
    }
  }

  private final byte[] secret;
  private final String tokenName;
  private final Algorithm algorithm;
  private final @Nullable String salt;
  private final @Nullable String sessionId;
  private final @Nullable String payload;
  private final boolean escapeEarly;
  private final ThreadLocal<Mac> mac;

  private static final Pattern QUERY_SAFE = Pattern.compile("[A-Za-z0-9._~!$'()*+,;=:@/%-]*");

  private static final Pattern PERCENT_ESCAPE = Pattern.compile("%[0-9A-F]{2}");

  private AkamaiSigner(Builder b) {
    this.secret = b.secret.clone();
    this.tokenName = b.tokenName;
    this.algorithm = b.algorithm;
    this.salt = b.salt;
    this.sessionId = b.sessionId;
    this.payload = b.payload;
    this.escapeEarly = b.escapeEarly;
    newMac(algorithm, secret); // fails now, not on first use, if the platform lacks it
    this.mac = ThreadLocal.withInitial(() -> newMac(algorithm, secret));
  }

  static Mac newMac(Algorithm algorithm, byte[] secret) {
    try {
      Mac m = Mac.getInstance(algorithm.jca);
      m.init(new SecretKeySpec(secret, algorithm.jca));
      return m;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(algorithm.jca + " is required of every Java platform", e);
    }
  }

  /**
   * A signer with the property's hex secret and the {@linkplain #DEFAULT_TOKEN_NAME default token
   * name}, HMAC-SHA256, no salt, session id or payload.
   *
   * @throws IllegalArgumentException if the secret is not hex or shorter than 16 bytes
   */
  public static AkamaiSigner of(String hexSecret) {
    return builder(hexSecret).build();
  }

  /**
   * A signer with the property's hex secret and token parameter name (such as {@code hdnts}).
   *
   * @throws IllegalArgumentException if the secret is not hex or shorter than 16 bytes, or the name
   *     is not 1 to 64 characters of {@code [A-Za-z0-9_-]}
   */
  public static AkamaiSigner of(String hexSecret, String tokenName) {
    return builder(hexSecret).tokenName(tokenName).build();
  }

  /**
   * A builder for the reference implementation's full option set.
   *
   * @throws IllegalArgumentException if the secret is not hex or shorter than 16 bytes
   */
  public static Builder builder(String hexSecret) {
    return new Builder(hexSecret);
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
    return URI.create(signText(target, grant));
  }

  /** {@link #sign(SignableUrl, Grant)} as text, without parsing it into a URI. */
  String signText(SignableUrl target, Grant grant) {
    Objects.requireNonNull(grant, "grant");
    String url = target.text;
    if (target.hasParameter(tokenName)) {
      throw new IllegalArgumentException(
          "url='" + url + "' is rejected: it already has a " + tokenName + " parameter");
    }
    AssetPath path = target.path;
    String token;
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
      token = token(grant, prefix.encoded() + "/*", null);
    } else {
      token = token(grant, null, path.encoded());
    }
    if (!QUERY_SAFE.matcher(token).matches()) {
      throw new IllegalArgumentException(
          "url='"
              + url
              + "' is rejected: its token holds characters a query parameter cannot carry as is"
              + " (from the session id, payload or ip); build the signer with escapeEarly(true)");
    }
    return target.withQueryOpen().append(tokenName).append('=').append(token).toString();
  }

  /**
   * A URL token for {@code path} (the request path as the edge sees it, such as {@code
   * /audio/a%20b.mp3}), to send as a query parameter, cookie or header; the grant's path prefix is
   * ignored.
   *
   * @throws IllegalArgumentException if the path is empty or the grant's client IP is a block
   */
  public String urlToken(String path, Grant grant) {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(grant, "grant");
    if (path.isEmpty()) {
      throw new IllegalArgumentException("path is empty: expected the request path to sign");
    }
    return token(grant, null, path);
  }

  /**
   * An ACL token valid for every path matching one of {@code acls} (patterns such as {@code
   * /hls/42/*}, {@code *} matching any characters), joined by {@code !} as the reference joins
   * them; the grant's path prefix is ignored.
   *
   * @throws IllegalArgumentException if {@code acls} is empty, a pattern is empty or holds {@code
   *     !} or {@code ~}, or the grant's client IP is a block
   */
  public String aclToken(List<String> acls, Grant grant) {
    Objects.requireNonNull(acls, "acls");
    Objects.requireNonNull(grant, "grant");
    if (acls.isEmpty()) {
      throw new IllegalArgumentException("acls is empty: expected at least one path pattern");
    }
    for (String acl : acls) {
      if (acl.isEmpty() || acl.indexOf('!') >= 0 || acl.indexOf('~') >= 0) {
        throw new IllegalArgumentException(
            "acl='" + acl + "' is rejected: expected a non-empty path pattern without '!' or '~'");
      }
    }
    return token(grant, String.join("!", acls), null);
  }

  /** The token: an ACL token when {@code acl} is given, else a URL token for {@code url}. */
  private String token(Grant grant, @Nullable String acl, @Nullable String url) {
    StringBuilder token = new StringBuilder(160);
    grant
        .clientIp()
        .ifPresent(ip -> token.append("ip=").append(escape(singleAddress(ip))).append('~'));
    grant
        .notBefore()
        .ifPresent(start -> token.append("st=").append(start.getEpochSecond()).append('~'));
    token.append("exp=").append(grant.expires().getEpochSecond()).append('~');
    if (acl != null) {
      token.append("acl=").append(escape(acl)).append('~');
    }
    if (sessionId != null) {
      token.append("id=").append(escape(sessionId)).append('~');
    }
    if (payload != null) {
      token.append("data=").append(escape(payload)).append('~');
    }
    String hmac = hmacHex(hashSource(token, url == null ? null : escape(url), salt));
    return token.append("hmac=").append(hmac).toString();
  }

  /**
   * What the HMAC covers: the token fields (each ending in '~'), then url and salt, without the
   * last '~'.
   */
  static String hashSource(CharSequence fields, @Nullable String url, @Nullable String salt) {
    StringBuilder source = new StringBuilder(fields);
    if (url != null) {
      source.append("url=").append(url).append('~');
    }
    if (salt != null) {
      source.append("salt=").append(salt).append('~');
    }
    source.setLength(source.length() - 1);
    return source.toString();
  }

  String hmacHex(String text) {
    Mac m = mac.get();
    try {
      return HexFormat.of().formatHex(m.doFinal(text.getBytes(StandardCharsets.UTF_8)));
    } catch (RuntimeException e) {
      m.reset();
      throw e;
    }
  }

  /** The reference's escapeEarly: URLEncoder (UTF-8), percent escapes in lower case; or as is. */
  String escape(String text) {
    return escapeEarly ? escapeEarly(text) : text;
  }

  static String escapeEarly(String text) {
    return PERCENT_ESCAPE
        .matcher(URLEncoder.encode(text, StandardCharsets.UTF_8))
        .replaceAll(m -> m.group().toLowerCase(Locale.ROOT));
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

  /** The token parameter name. */
  public String tokenName() {
    return tokenName;
  }

  Algorithm algorithm() {
    return algorithm;
  }

  byte[] secret() {
    return secret.clone();
  }

  @Nullable String salt() {
    return salt;
  }

  boolean escapesEarly() {
    return escapeEarly;
  }

  @Override
  public String toString() {
    return "AkamaiSigner["
        + tokenName
        + ", "
        + algorithm
        + (sessionId == null ? "" : ", id")
        + (payload == null ? "" : ", data")
        + (salt == null ? "" : ", salt")
        + (escapeEarly ? ", escapeEarly" : "")
        + "]";
  }

  /** Builds an {@link AkamaiSigner}. Not thread-safe. */
  public static final class Builder {
    private final byte[] secret;
    private String tokenName = DEFAULT_TOKEN_NAME;
    private Algorithm algorithm = Algorithm.SHA256;
    private @Nullable String salt;
    private @Nullable String sessionId;
    private @Nullable String payload;
    private boolean escapeEarly;

    private Builder(String hexSecret) {
      Objects.requireNonNull(hexSecret, "hexSecret");
      if (!hexSecret.matches("([0-9A-Fa-f]{2}){16,}")) {
        throw new IllegalArgumentException(
            "hexSecret of "
                + hexSecret.length()
                + " characters is rejected: expected"
                + " the Akamai token secret as an even number of hex digits, at least 32");
      }
      this.secret = HexFormat.of().parseHex(hexSecret);
    }

    /**
     * Sets the token parameter name; default {@value AkamaiSigner#DEFAULT_TOKEN_NAME}.
     *
     * @throws IllegalArgumentException if not 1 to 64 characters of {@code [A-Za-z0-9_-]}
     */
    public Builder tokenName(String tokenName) {
      Objects.requireNonNull(tokenName, "tokenName");
      if (!tokenName.matches("[A-Za-z0-9_-]{1,64}")) {
        throw new IllegalArgumentException(
            "tokenName='"
                + tokenName
                + "' is rejected: expected 1 to 64 characters of"
                + " [A-Za-z0-9_-], such as __token__ or hdnts");
      }
      this.tokenName = tokenName;
      return this;
    }

    /** Sets the HMAC algorithm; default {@link Algorithm#SHA256}. */
    public Builder algorithm(Algorithm algorithm) {
      this.algorithm = Objects.requireNonNull(algorithm, "algorithm");
      return this;
    }

    /**
     * Sets a salt: covered by the HMAC, never sent; the edge must be configured with the same one.
     */
    public Builder salt(String salt) {
      this.salt = field("salt", salt);
      return this;
    }

    /** Sets a session id, sent as {@code id=} (for single-use tokens and the like). */
    public Builder sessionId(String sessionId) {
      this.sessionId = field("sessionId", sessionId);
      return this;
    }

    /** Sets a payload, sent as {@code data=}, covered by the HMAC. */
    public Builder payload(String payload) {
      this.payload = field("payload", payload);
      return this;
    }

    /**
     * URL-encodes ip, acl, id, data and url before use (lower-case escapes), as the reference's
     * {@code escapeEarly}; default false. The edge must be configured alike.
     */
    public Builder escapeEarly(boolean escapeEarly) {
      this.escapeEarly = escapeEarly;
      return this;
    }

    private static String field(String name, String value) {
      Objects.requireNonNull(value, name);
      if (value.isEmpty() || value.indexOf('~') >= 0) {
        throw new IllegalArgumentException(
            name + "='" + value + "' is rejected: expected a non-empty value without '~'");
      }
      return value;
    }

    /** Builds the signer. */
    public AkamaiSigner build() {
      return new AkamaiSigner(this);
    }
  }
}
