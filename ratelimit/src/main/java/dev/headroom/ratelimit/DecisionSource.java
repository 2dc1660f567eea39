package dev.headroom.ratelimit;

/** Who made a {@link Decision}. */
public enum DecisionSource {
  /** The limiter's backend (memory, or a Redis round trip). */
  LIMITER,
  /**
   * This node's local deny cache: the key was denied until a time not yet reached, so Redis was not
   * asked.
   */
  DENY_CACHE,
  /** Redis failed and the limiter fails open. */
  FAIL_OPEN,
  /** Redis failed and the limiter fails closed. */
  FAIL_CLOSED,
  /** Redis failed and the node-local fallback limiter decided. */
  LOCAL_FALLBACK;

  /** Whether this decision was made by a failure mode rather than by the configured backend. */
  public boolean isFallback() {
    return this == FAIL_OPEN || this == FAIL_CLOSED || this == LOCAL_FALLBACK;
  }
}
