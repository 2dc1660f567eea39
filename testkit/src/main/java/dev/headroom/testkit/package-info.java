/**
 * A real Redis for tests: {@link dev.headroom.testkit.RedisExtension} gives each test a Redis and
 * its own key prefix; {@link dev.headroom.testkit.RedisServer} is a dedicated server a test may
 * stop and restart; {@link dev.headroom.testkit.RedisCluster} is a cluster, 3 masters by default,
 * with replicas to fail over on demand; {@link dev.headroom.testkit.RedisSentinel} is a master, a
 * replica and three sentinels.
 */
@NullMarked
package dev.headroom.testkit;

import org.jspecify.annotations.NullMarked;
