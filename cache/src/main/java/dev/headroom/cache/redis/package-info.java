/**
 * The Redis tier of the two-level cache: value format, key layout with generations, pub/sub
 * invalidation, circuit breaker and stampede lease. Reach it through
 * {@link dev.headroom.cache.Caches#redis}; application code does not use these classes directly.
 */
@NullMarked
package dev.headroom.cache.redis;

import org.jspecify.annotations.NullMarked;
