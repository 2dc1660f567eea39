package dev.headroom.ratelimit;

import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The outcome of one rate-limit check: whether it is allowed, and the state of the limit that
 * bound it (for a policy with several limits: when denied, the denying limit with the longest
 * wait; when allowed, the limit with the fewest permits left). Renders the IETF
 * {@code RateLimit-*} headers and, on request, the legacy {@code X-RateLimit-*} set. Immutable.
 */
public final class Decision {

  private final String policy;
  private final boolean allowed;
  private final boolean shadowDenied;
  private final Limit limit;
  private final long remaining;
  private final Duration resetAfter;
  private final Duration retryAfter;
  private final Instant decidedAt;
  private final DecisionSource source;

  private Decision(String policy, boolean allowed, boolean shadowDenied, Limit limit, long remaining,
      Duration resetAfter, Duration retryAfter, Instant decidedAt, DecisionSource source) {
    this.policy = Objects.requireNonNull(policy, "policy");
    this.allowed = allowed;
    this.shadowDenied = shadowDenied;
    this.limit = Objects.requireNonNull(limit, "limit");
    if (remaining < 0) {
      throw new IllegalArgumentException("remaining must not be negative, was " + remaining);
    }
    this.remaining = remaining;
    this.resetAfter = nonNegative("resetAfter", resetAfter);
    this.retryAfter = nonNegative("retryAfter", retryAfter);
    this.decidedAt = Objects.requireNonNull(decidedAt, "decidedAt");
    this.source = Objects.requireNonNull(source, "source");
  }

  /**
   * An allowed decision.
   *
   * @param remaining permits left in {@code limit} after this one
   * @param resetAfter how long until {@code limit} is fully available again if nothing else arrives
   */
  public static Decision allowed(String policy, Limit limit, long remaining, Duration resetAfter, Instant decidedAt,
      DecisionSource source) {
    return new Decision(policy, true, false, limit, remaining, resetAfter, Duration.ZERO, decidedAt, source);
  }

  /**
   * A denied decision.
   *
   * @param retryAfter how long until the same request would be allowed if nothing else arrives
   */
  public static Decision denied(String policy, Limit limit, long remaining, Duration resetAfter, Duration retryAfter,
      Instant decidedAt, DecisionSource source) {
    return new Decision(policy, false, false, limit, remaining, resetAfter, retryAfter, decidedAt, source);
  }

  /**
   * This decision as a shadow policy reports it: a denial becomes allowed with
   * {@link #shadowDenied()} set; an allowed decision is returned as is.
   */
  public Decision asShadow() {
    if (allowed) {
      return this;
    }
    return new Decision(policy, true, true, limit, remaining, resetAfter, Duration.ZERO, decidedAt, source);
  }

  /** The same decision attributed to another source. */
  public Decision withSource(DecisionSource newSource) {
    return new Decision(policy, allowed, shadowDenied, limit, remaining, resetAfter, retryAfter, decidedAt, newSource);
  }

  /** The policy's name. */
  public String policy() {
    return policy;
  }

  /** Whether the request may proceed. */
  public boolean allowed() {
    return allowed;
  }

  /** Whether a shadow policy would have denied this request (it is allowed anyway). */
  public boolean shadowDenied() {
    return shadowDenied;
  }

  /** The limit this decision reports on. */
  public Limit limit() {
    return limit;
  }

  /** Permits left in {@link #limit()} after this decision. */
  public long remaining() {
    return remaining;
  }

  /** How long until {@link #limit()} is fully available again if nothing else arrives. */
  public Duration resetAfter() {
    return resetAfter;
  }

  /** When {@link #limit()} is fully available again: {@link #decidedAt()} plus {@link #resetAfter()}. */
  public Instant resetAt() {
    return decidedAt.plus(resetAfter);
  }

  /** Zero when allowed; otherwise how long until the same request would be allowed if nothing else arrives. */
  public Duration retryAfter() {
    return retryAfter;
  }

  /** When the decision was made, by the limiter's time source. */
  public Instant decidedAt() {
    return decidedAt;
  }

  /** Who decided: the limiter, the local deny cache, or a failure mode. */
  public DecisionSource source() {
    return source;
  }

  /**
   * The IETF draft headers: {@code RateLimit-Limit}, {@code RateLimit-Remaining},
   * {@code RateLimit-Reset} (seconds, rounded up), {@code RateLimit-Policy} ({@code 100;w=60}),
   * and {@code Retry-After} (seconds, at least 1) when denied. In insertion order, unmodifiable.
   */
  public Map<String, String> headers() {
    return headers(false);
  }

  /**
   * The IETF draft headers, plus {@code X-RateLimit-Limit}, {@code X-RateLimit-Remaining} and
   * {@code X-RateLimit-Reset} (epoch seconds of {@link #resetAt()}, as GitHub sends it) when
   * {@code legacy} is true.
   */
  public Map<String, String> headers(boolean legacy) {
    Map<String, String> h = new LinkedHashMap<>();
    h.put("RateLimit-Limit", Long.toString(limit.permits()));
    h.put("RateLimit-Remaining", Long.toString(remaining));
    h.put("RateLimit-Reset", Long.toString(ceilSeconds(resetAfter)));
    h.put("RateLimit-Policy", limit.permits() + ";w=" + Math.max(1, ceilSeconds(limit.window())));
    if (!allowed) {
      h.put("Retry-After", Long.toString(Math.max(1, ceilSeconds(retryAfter))));
    }
    if (legacy) {
      h.put("X-RateLimit-Limit", Long.toString(limit.permits()));
      h.put("X-RateLimit-Remaining", Long.toString(remaining));
      h.put("X-RateLimit-Reset", Long.toString(resetAt().plusNanos(999_999_999L).getEpochSecond()));
    }
    return Collections.unmodifiableMap(h);
  }

  private static long ceilSeconds(Duration d) {
    long s = d.getSeconds();
    return d.getNano() > 0 ? s + 1 : s;
  }

  private static Duration nonNegative(String field, Duration d) {
    Objects.requireNonNull(d, field);
    if (d.isNegative()) {
      throw new IllegalArgumentException(field + " must not be negative, was " + d);
    }
    return d;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Decision d && policy.equals(d.policy) && allowed == d.allowed && shadowDenied == d.shadowDenied
        && limit.equals(d.limit) && remaining == d.remaining && resetAfter.equals(d.resetAfter)
        && retryAfter.equals(d.retryAfter) && decidedAt.equals(d.decidedAt) && source == d.source;
  }

  @Override
  public int hashCode() {
    return Objects.hash(policy, allowed, shadowDenied, limit, remaining, resetAfter, retryAfter, decidedAt, source);
  }

  @Override
  public String toString() {
    return "Decision[" + policy + " " + (allowed ? (shadowDenied ? "shadow-denied" : "allowed") : "denied")
        + ", limit=" + limit + ", remaining=" + remaining + ", resetAfter=" + resetAfter
        + (allowed ? "" : ", retryAfter=" + retryAfter) + (source == DecisionSource.LIMITER ? "" : ", " + source) + "]";
  }
}
