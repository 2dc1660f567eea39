/**
 * CDN URLs: route an asset path to a CDN host by asset type (or to a local path when there is no
 * CDN), bust caches by version or content hash, shard across hosts by consistent hashing, add image
 * transforms, and sign URLs (HMAC tokens with a verifier, CloudFront signed URLs and cookies).
 * Start at {@link dev.headroom.cdn.CdnRouter} and {@link dev.headroom.cdn.UrlSigner}.
 */
@NullMarked
package dev.headroom.cdn;

import org.jspecify.annotations.NullMarked;
