/**
 * Rate limiters in memory and on Redis. Only the API package is exported: the backends ({@code
 * memory}, {@code redis}) and the seam between them ({@code spi}) are reached through {@link
 * dev.headroom.ratelimit.RateLimiters}. Lettuce is needed only by the Redis backend.
 */
module dev.headroom.ratelimit {
  requires transitive dev.headroom.core;
  requires transitive micrometer.core;
  requires static transitive org.jspecify;
  requires static lettuce.core;
  requires com.github.benmanes.caffeine;
  requires io.github.bucket4j.core;
  requires org.slf4j;

  exports dev.headroom.ratelimit;
}
