/**
 * Rate limiting: sliding-window (log and counter), fixed-window and token-bucket limiters behind one
 * {@link dev.headroom.ratelimit.RateLimiter} interface, in memory ({@link dev.headroom.ratelimit.RateLimiters#inMemory})
 * or on Redis ({@link dev.headroom.ratelimit.RateLimiters#redis}), configured by named
 * {@link dev.headroom.ratelimit.RateLimitPolicy policies} held in a {@link dev.headroom.ratelimit.RateLimiterRegistry}.
 */
@NullMarked
package dev.headroom.ratelimit;

import org.jspecify.annotations.NullMarked;
