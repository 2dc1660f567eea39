/**
 * The Redis tier of the two-level cache: value format ({@code StoredValue}), values and the
 * stampede lease ({@code RedisTier}), generations for pattern invalidation ({@code Generations}),
 * pub/sub invalidation ({@code InvalidationChannel}) and the circuit breaker with the accounting of
 * each command ({@code RedisCalls}). The module does not export this package: it is reached only
 * through {@link dev.headroom.cache.Caches#redis}.
 */
@NullMarked
package dev.headroom.cache.redis;

import org.jspecify.annotations.NullMarked;
