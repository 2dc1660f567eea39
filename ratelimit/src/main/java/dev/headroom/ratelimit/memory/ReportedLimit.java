package dev.headroom.ratelimit.memory;

/**
 * Picks the limit a decision reports on, the same way as the Redis scripts: when denied, the
 * violated limit with the longest retry-after; when allowed, the limit with the fewest permits
 * left; the first in policy order on ties. Mutable, one per decision, confined to a thread; {@link
 * #clear()} starts over for a retried attempt.
 */
final class ReportedLimit {
  boolean denied;
  int index = -1;
  long remaining;
  long resetAfter;
  long retryAfter;

  void clear() {
    denied = false;
    index = -1;
  }

  void allowedCandidate(int i, long remaining, long resetAfter) {
    if (denied) {
      return;
    }
    if (index < 0 || remaining < this.remaining) {
      set(i, remaining, resetAfter, 0);
    }
  }

  void deniedCandidate(int i, long remaining, long resetAfter, long retryAfter) {
    if (!denied || retryAfter > this.retryAfter) {
      denied = true;
      set(i, remaining, resetAfter, retryAfter);
    }
  }

  private void set(int i, long remaining, long resetAfter, long retryAfter) {
    this.index = i;
    this.remaining = Math.max(0, remaining);
    this.resetAfter = Math.max(0, resetAfter);
    this.retryAfter = Math.max(0, retryAfter);
  }
}
