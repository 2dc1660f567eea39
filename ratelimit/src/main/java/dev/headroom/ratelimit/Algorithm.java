package dev.headroom.ratelimit;

/** How a limiter counts. Each has the same meaning in memory and on Redis. */
public enum Algorithm {
  /**
   * Exact: admits a request iff fewer than {@code limit} permits were admitted in the last {@code
   * window}. Memory grows with the limit (one entry per admitted request in the window).
   */
  SLIDING_LOG("log"),
  /**
   * O(1) state per key: the previous fixed window's count, weighted by how much of it still
   * overlaps the sliding window, plus the current window's count. Never admits more than {@code
   * limit} in an aligned window; see the module README for its bound on any sliding window.
   */
  SLIDING_COUNTER("counter"),
  /**
   * A counter per aligned window; cheap, but allows up to twice the limit across a window boundary.
   */
  FIXED_WINDOW("fixed"),
  /**
   * A bucket of {@code limit} tokens refilled continuously at {@code limit} per {@code window}:
   * allows bursts up to the limit, then the refill rate (equivalently GCRA).
   */
  TOKEN_BUCKET("bucket");

  private final String code;

  Algorithm(String code) {
    this.code = code;
  }

  /** A short stable code used in Redis keys and meter tags, such as {@code log}. */
  public String code() {
    return code;
  }
}
