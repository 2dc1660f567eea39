/** The Redis backend; reach it through {@link dev.headroom.ratelimit.RateLimiters#redis}. */
@NullMarked
package dev.headroom.ratelimit.redis;

import org.jspecify.annotations.NullMarked;
