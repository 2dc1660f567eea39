/**
 * Headroom's two-level cache: a Caffeine L1 in each process and an optional Redis L2 shared by
 * every process. Only {@code dev.headroom.cache} is exported; the Redis tier ({@code
 * dev.headroom.cache.redis}) is reached through {@code Caches.redis} and cannot be named.
 *
 * <p>Lettuce is needed only for the Redis L2: an in-memory cache runs without it.
 */
module dev.headroom.cache {
  requires transitive dev.headroom.core;
  requires com.github.benmanes.caffeine;
  requires static lettuce.core;
  requires static io.netty.buffer;
  requires com.fasterxml.jackson.databind;
  requires com.fasterxml.jackson.datatype.jsr310;

  exports dev.headroom.cache;
}
