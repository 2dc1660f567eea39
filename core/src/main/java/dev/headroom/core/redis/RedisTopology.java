package dev.headroom.core.redis;

/** The kind of Redis deployment a {@link RedisConnector} talks to. */
public enum RedisTopology {
  /** One server ({@code redis://}, {@code rediss://}, {@code redis-socket://}). */
  STANDALONE,
  /** A master found through Sentinels ({@code redis-sentinel://}, {@code rediss-sentinel://}). */
  SENTINEL,
  /** Redis Cluster ({@code redis-cluster://}, {@code rediss-cluster://}). */
  CLUSTER
}
