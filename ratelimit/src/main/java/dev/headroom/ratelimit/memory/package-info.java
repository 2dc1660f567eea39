/**
 * The in-process backend; reach it through {@link dev.headroom.ratelimit.RateLimiters#inMemory}.
 */
@NullMarked
package dev.headroom.ratelimit.memory;

import org.jspecify.annotations.NullMarked;
