package dev.headroom.cdn;

import java.net.URI;

/**
 * Signs URLs so that a CDN or origin serves them only within a {@link Grant}. Implementations:
 * {@link HmacSigner} (checked by {@link HmacVerifier} on your origin or edge), {@link
 * CloudFrontSigner} (checked by Amazon CloudFront) and {@link AkamaiSigner} (checked by the Akamai
 * edge). Implementations are thread-safe.
 */
public interface UrlSigner {

  /**
   * {@code url} with the signature added, its path in canonical encoding.
   *
   * @throws InvalidAssetPathException if the URL's path is unsafe
   * @throws IllegalArgumentException if the URL cannot be signed by this signer (see the
   *     implementation)
   */
  URI sign(URI url, Grant grant);
}
