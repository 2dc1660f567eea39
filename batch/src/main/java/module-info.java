/**
 * Headroom's request batcher and debouncer. Only the API package is exported; the implementations
 * are package-private within it. {@code BatchLoaders.redisMget} reaches Redis through core's {@code
 * RedisConnector}, so this module needs no Redis client of its own.
 */
module dev.headroom.batch {
  requires transitive dev.headroom.core;
  requires transitive micrometer.core;
  requires static transitive org.jspecify;
  requires org.slf4j;
  requires transitive java.sql;

  exports dev.headroom.batch;
}
