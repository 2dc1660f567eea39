/**
 * Rate limiting: sliding-window (log and counter), fixed-window and token-bucket limiters behind
 * one {@link dev.headroom.ratelimit.RateLimiter} interface, made by {@link
 * dev.headroom.ratelimit.RateLimiters} in memory or on Redis from a {@link
 * dev.headroom.ratelimit.RateLimiterConfig}, and held by name in a {@link
 * dev.headroom.ratelimit.RateLimiterRegistry}. The backends live in packages this module does not
 * export.
 */
@NullMarked
package dev.headroom.ratelimit;

import org.jspecify.annotations.NullMarked;
