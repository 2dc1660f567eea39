package dev.headroom.cdn;

import java.net.URI;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A routed asset URL and what goes with it: the type it was routed as, the host that serves it
 * (none for a local path), whether it is versioned and the {@code Cache-Control} policy to send.
 * Immutable and thread-safe.
 */
public final class AssetUrl {

  private final String url;
  private final AssetType type;
  private final @Nullable URI host;
  private final boolean versioned;
  private final CachePolicy cachePolicy;
  /*
   * How the router built the URL, so that signing need not parse it back: origin + the path
   * prefix/versionSegment/servedPath (each optional but the last) + "?" + the query from
   * queryStart. Null servedPath when the URL has other parts (an image transform in the path).
   */
  private final String origin;
  private final @Nullable AssetPath prefix;
  private final @Nullable String versionSegment;
  private final @Nullable AssetPath servedPath;
  private final int queryStart;

  AssetUrl(
      String url,
      AssetType type,
      @Nullable URI host,
      boolean versioned,
      CachePolicy cachePolicy,
      String origin,
      @Nullable AssetPath prefix,
      @Nullable String versionSegment,
      @Nullable AssetPath servedPath,
      int queryStart) {
    this.url = url;
    this.type = type;
    this.host = host;
    this.versioned = versioned;
    this.cachePolicy = cachePolicy;
    this.origin = origin;
    this.prefix = prefix;
    this.versionSegment = versionSegment;
    this.servedPath = servedPath;
    this.queryStart = queryStart;
  }

  /**
   * The URL: absolute on a CDN host, a root-relative path such as {@code /assets/a.png?v=1} when
   * local.
   */
  public String url() {
    return url;
  }

  /** The URL as a {@link URI}. */
  public URI uri() {
    return URI.create(url);
  }

  /** The type the asset was routed as. */
  public AssetType type() {
    return type;
  }

  /** The CDN host (base URL) that serves the asset; empty when it is served locally. */
  public Optional<URI> host() {
    return Optional.ofNullable(host);
  }

  /** Whether the asset is served from the local path (no CDN configured or up for its type). */
  public boolean isLocal() {
    return host == null;
  }

  /** Whether the URL carries a version (a token or a hashed file name). */
  public boolean isVersioned() {
    return versioned;
  }

  /** The cache policy for this asset. */
  public CachePolicy cachePolicy() {
    return cachePolicy;
  }

  /** The {@code Cache-Control} header value for this asset. */
  public String cacheControl() {
    return cachePolicy.headerValue();
  }

  /**
   * This URL signed by {@code signer}.
   *
   * @throws IllegalArgumentException if the signer cannot sign it (a CloudFront signer needs an
   *     absolute URL)
   */
  public URI signed(UrlSigner signer, Grant grant) {
    Objects.requireNonNull(signer, "signer");
    // Our own signers take the parts the router already checked instead of parsing the URL again.
    SignableUrl target =
        signer instanceof HmacSigner || signer instanceof AkamaiSigner ? signable() : null;
    if (target != null) {
      return signer instanceof HmacSigner hmac
          ? hmac.sign(target, grant)
          : ((AkamaiSigner) signer).sign(target, grant);
    }
    return signer.sign(uri(), grant);
  }

  /**
   * This URL signed by {@code signer}, as text: the same as {@code signed(signer,
   * grant).toString()}, for a page or a response body that wants text. With Headroom's HMAC and
   * Akamai signers no {@link URI} is built (the router already checked every part); other signers
   * sign {@link #uri()}.
   *
   * @throws IllegalArgumentException if the signer cannot sign it (a CloudFront signer needs an
   *     absolute URL)
   */
  public String signedUrl(UrlSigner signer, Grant grant) {
    Objects.requireNonNull(signer, "signer");
    SignableUrl target =
        signer instanceof HmacSigner || signer instanceof AkamaiSigner ? signable() : null;
    if (target != null) {
      return signer instanceof HmacSigner hmac
          ? hmac.signText(target, grant)
          : ((AkamaiSigner) signer).signText(target, grant);
    }
    return signer.sign(uri(), grant).toString();
  }

  /** The URL split as {@link SignableUrl#of} would split {@link #uri()}, or null if unknown. */
  private @Nullable SignableUrl signable() {
    if (servedPath == null) {
      return null;
    }
    AssetPath path = AssetPath.join(prefix, versionSegment, servedPath);
    return path == null
        ? null
        : SignableUrl.ofParts(origin, path, queryStart < 0 ? null : url.substring(queryStart), url);
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof AssetUrl other
        && url.equals(other.url)
        && type == other.type
        && versioned == other.versioned
        && cachePolicy.equals(other.cachePolicy);
  }

  @Override
  public int hashCode() {
    return url.hashCode();
  }

  /** The {@linkplain #url() URL}. */
  @Override
  public String toString() {
    return url;
  }
}
