package dev.headroom.ratelimit.memory;

import dev.headroom.ratelimit.RateLimiter;
import dev.headroom.ratelimit.RateLimiterConfig;
import dev.headroom.ratelimit.RateLimiterContractTest;
import dev.headroom.ratelimit.RateLimiters;

/** The contract on the in-memory backend. */
class InMemoryRateLimiterTest extends RateLimiterContractTest {

  @Override
  protected RateLimiter create(String name, RateLimiterConfig config) {
    return RateLimiters.inMemory(name, config.toBuilder().timeSource(time).build());
  }
}
