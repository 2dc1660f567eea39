package dev.headroom.ratelimit.memory;

import dev.headroom.ratelimit.RateLimitPolicy;
import dev.headroom.ratelimit.RateLimiter;
import dev.headroom.ratelimit.RateLimiterContractTest;
import dev.headroom.ratelimit.RateLimiterOptions;
import dev.headroom.ratelimit.RateLimiters;

/** The contract on the in-memory backend. */
class InMemoryRateLimiterTest extends RateLimiterContractTest {

  @Override
  protected RateLimiter create(RateLimitPolicy policy) {
    return RateLimiters.inMemory(policy, RateLimiterOptions.builder().timeSource(time).build());
  }
}
