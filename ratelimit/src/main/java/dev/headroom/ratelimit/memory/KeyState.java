package dev.headroom.ratelimit.memory;

import dev.headroom.ratelimit.Decision;

/**
 * The state of one key under one policy; {@link #decide} is thread-safe. Also carries what {@link
 * InMemoryRateLimiter}'s idle sweep needs: when the key was last used, and whether the sweep is
 * removing it.
 */
abstract class KeyState {

  static final int ACTIVE = 0;
  static final int RETIRED = 1;

  /** Monotonic time of the last use, refreshed at most once per touch interval. */
  volatile long touched;

  /** {@link #ACTIVE}, or {@link #RETIRED} while the sweep removes this state. */
  volatile int status;

  /** Takes {@code permits} if every limit allows them at {@code now}, all or nothing. */
  abstract Decision decide(long permits, long now, InMemoryRateLimiter ctx);
}
