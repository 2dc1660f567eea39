/**
 * Headroom's request batcher and debouncer. Only the API package is exported; the implementations
 * are package-private within it. Lettuce is needed only by {@code BatchLoaders.redisMget}, whose
 * user has it already (a {@code RedisConnector} needs it).
 */
module dev.headroom.batch {
  requires transitive dev.headroom.core;
  requires transitive micrometer.core;
  requires static transitive org.jspecify;
  requires org.slf4j;
  requires transitive java.sql;
  requires static lettuce.core;

  exports dev.headroom.batch;
}
