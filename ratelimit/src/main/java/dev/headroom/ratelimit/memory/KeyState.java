package dev.headroom.ratelimit.memory;

import dev.headroom.ratelimit.Decision;

/** The state of one key under one policy; {@link #decide} is thread-safe. */
abstract class KeyState {

  /** Takes {@code permits} if every limit allows them at the time {@code ctx} reads, all or nothing. */
  abstract Decision decide(long permits, InMemoryRateLimiter ctx);
}
