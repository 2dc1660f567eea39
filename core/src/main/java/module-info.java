/**
 * What every Headroom module shares: the time source, the Redis connector and scripts, codecs, key
 * spaces, backoff, configuration from the environment, JDBC pools, the health SPI, the meter
 * contract and the registry of named instances.
 *
 * <p>Lettuce (the Redis connector), Jackson (the JSON codec) and HikariCP (the JDBC pools) are
 * optional: a module that uses them declares them, so a module that does not, such as headroom-cdn,
 * carries none of them.
 */
module dev.headroom.core {
  requires transitive micrometer.core;
  requires transitive org.slf4j;
  requires static transitive org.jspecify;
  requires static lettuce.core;
  requires static reactor.core;
  requires static com.fasterxml.jackson.databind;
  requires static com.fasterxml.jackson.datatype.jsr310;
  requires static com.zaxxer.hikari;
  requires static java.sql;

  exports dev.headroom.core.backoff;
  exports dev.headroom.core.codec;
  exports dev.headroom.core.concurrent;
  exports dev.headroom.core.config;
  exports dev.headroom.core.health;
  exports dev.headroom.core.http;
  exports dev.headroom.core.jdbc;
  exports dev.headroom.core.key;
  exports dev.headroom.core.metrics;
  exports dev.headroom.core.redis;
  exports dev.headroom.core.registry;
  exports dev.headroom.core.time;
}
