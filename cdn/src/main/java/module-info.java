/**
 * CDN URLs: routing by asset type with fallback to local paths, cache busting, host sharding, image
 * transforms and signed URLs. One API package; the router's implementation is package-private in it
 * and reached through {@link dev.headroom.cdn.CdnRouters}.
 */
module dev.headroom.cdn {
  requires transitive dev.headroom.core;
  requires transitive micrometer.core;
  requires com.fasterxml.jackson.databind;
  requires static org.jspecify;

  exports dev.headroom.cdn;
}
