package dev.headroom.ratelimit;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * The outcome of one rate-limit check: whether it is allowed, and the state of the limit that bound
 * it (for a limiter with several limits: when denied, the denying limit with the longest wait; when
 * allowed, the limit with the fewest permits left). Renders the IETF {@code RateLimit-Policy} and
 * {@code RateLimit} fields and, on request, the draft-06 or {@code X-RateLimit-*} sets (see {@link
 * RateLimitHeaders}). Immutable.
 */
public final class Decision {

  private final String limiter;
  private final boolean allowed;
  private final boolean shadowDenied;
  private final Limit limit;
  private final long remaining;
  // primitives rather than Duration/Instant: a decision is made millions of times a second and its
  // times are rarely read, so the objects are made on demand
  private final long resetAfterNanos;
  private final long retryAfterNanos;
  private final long decidedAtSeconds;
  private final int decidedAtNanos;
  private final DecisionSource source;

  private Decision(
      String limiter,
      boolean allowed,
      boolean shadowDenied,
      Limit limit,
      long remaining,
      long resetAfterNanos,
      long retryAfterNanos,
      long decidedAtSeconds,
      int decidedAtNanos,
      DecisionSource source) {
    this.limiter = limiter;
    this.allowed = allowed;
    this.shadowDenied = shadowDenied;
    this.limit = limit;
    this.remaining = remaining;
    this.resetAfterNanos = resetAfterNanos;
    this.retryAfterNanos = retryAfterNanos;
    this.decidedAtSeconds = decidedAtSeconds;
    this.decidedAtNanos = decidedAtNanos;
    this.source = source;
  }

  private static Decision of(
      String limiter,
      boolean allowed,
      Limit limit,
      long remaining,
      Duration resetAfter,
      Duration retryAfter,
      Instant decidedAt,
      DecisionSource source) {
    Objects.requireNonNull(limiter, "limiter");
    Objects.requireNonNull(limit, "limit");
    Objects.requireNonNull(decidedAt, "decidedAt");
    Objects.requireNonNull(source, "source");
    if (remaining < 0) {
      throw new IllegalArgumentException("remaining must not be negative, was " + remaining);
    }
    return new Decision(
        limiter,
        allowed,
        false,
        limit,
        remaining,
        nonNegative("resetAfter", resetAfter),
        nonNegative("retryAfter", retryAfter),
        decidedAt.getEpochSecond(),
        decidedAt.getNano(),
        source);
  }

  /**
   * An allowed decision.
   *
   * @param remaining permits left in {@code limit} after this one
   * @param resetAfter how long until {@code limit} is fully available again if nothing else arrives
   */
  public static Decision allowed(
      String limiter,
      Limit limit,
      long remaining,
      Duration resetAfter,
      Instant decidedAt,
      DecisionSource source) {
    return of(limiter, true, limit, remaining, resetAfter, Duration.ZERO, decidedAt, source);
  }

  /**
   * A denied decision.
   *
   * @param retryAfter how long until the same request would be allowed if nothing else arrives
   */
  public static Decision denied(
      String limiter,
      Limit limit,
      long remaining,
      Duration resetAfter,
      Duration retryAfter,
      Instant decidedAt,
      DecisionSource source) {
    return of(limiter, false, limit, remaining, resetAfter, retryAfter, decidedAt, source);
  }

  /**
   * A decision from plain numbers, for backends on hot paths: {@code retryAfterNanos} must be 0
   * when allowed; all values must be non-negative.
   */
  public static Decision of(
      boolean allowed,
      String limiter,
      Limit limit,
      long remaining,
      long resetAfterNanos,
      long retryAfterNanos,
      long decidedAtEpochMillis,
      DecisionSource source) {
    Objects.requireNonNull(limiter, "limiter");
    Objects.requireNonNull(limit, "limit");
    Objects.requireNonNull(source, "source");
    if (remaining < 0
        || resetAfterNanos < 0
        || retryAfterNanos < 0
        || (allowed && retryAfterNanos != 0)) {
      throw new IllegalArgumentException(
          "remaining, resetAfterNanos and retryAfterNanos must not be negative, and"
              + " retryAfterNanos must be 0 when allowed; were "
              + remaining
              + ", "
              + resetAfterNanos
              + ", "
              + retryAfterNanos);
    }
    return new Decision(
        limiter,
        allowed,
        false,
        limit,
        remaining,
        resetAfterNanos,
        retryAfterNanos,
        Math.floorDiv(decidedAtEpochMillis, 1000),
        Math.floorMod(decidedAtEpochMillis, 1000) * 1_000_000,
        source);
  }

  /**
   * This decision as a shadow limiter reports it: a denial becomes allowed with {@link
   * #shadowDenied()} set; an allowed decision is returned as is.
   */
  public Decision asShadow() {
    if (allowed) {
      return this;
    }
    return new Decision(
        limiter,
        true,
        true,
        limit,
        remaining,
        resetAfterNanos,
        0,
        decidedAtSeconds,
        decidedAtNanos,
        source);
  }

  /** The same decision attributed to another source. */
  public Decision withSource(DecisionSource newSource) {
    return new Decision(
        limiter,
        allowed,
        shadowDenied,
        limit,
        remaining,
        resetAfterNanos,
        retryAfterNanos,
        decidedAtSeconds,
        decidedAtNanos,
        Objects.requireNonNull(newSource, "source"));
  }

  /** The name of the limiter that decided. */
  public String limiter() {
    return limiter;
  }

  /** Whether the request may proceed. */
  public boolean allowed() {
    return allowed;
  }

  /** Whether a shadow limiter would have denied this request (it is allowed anyway). */
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
    return Duration.ofNanos(resetAfterNanos);
  }

  /**
   * When {@link #limit()} is fully available again: {@link #decidedAt()} plus {@link
   * #resetAfter()}.
   */
  public Instant resetAt() {
    return decidedAt().plusNanos(resetAfterNanos);
  }

  /**
   * Zero when allowed; otherwise how long until the same request would be allowed if nothing else
   * arrives.
   */
  public Duration retryAfter() {
    return Duration.ofNanos(retryAfterNanos);
  }

  /** When the decision was made, by the limiter's time source. */
  public Instant decidedAt() {
    return Instant.ofEpochSecond(decidedAtSeconds, decidedAtNanos);
  }

  /** Who decided: the limiter, the local deny cache, or a failure mode. */
  public DecisionSource source() {
    return source;
  }

  /**
   * The header fields of the current IETF draft (draft-ietf-httpapi-ratelimit-headers-11), with
   * this decision's limit as the only policy, named after the limiter: {@code RateLimit-Policy:
   * "api";q=100;w=60}, {@code RateLimit: "api";r=99;t=60} ({@code t} in seconds, rounded up), and
   * {@code Retry-After} (seconds, at least 1) when denied, when {@code t} equals it. In a fixed
   * order, unmodifiable. For a limiter with several limits, {@link RateLimitHeaders#of(RateLimiter,
   * RateLimitHeaders.Style...)} lists them all.
   */
  public Map<String, String> headers() {
    return RateLimitHeaders.single(this);
  }

  /**
   * The header fields in {@code styles}: the current draft's, draft-06's ({@code RateLimit-Limit},
   * {@code -Remaining}, {@code -Reset}, {@code RateLimit-Policy: 100;w=60}) and/or {@code
   * X-RateLimit-*}; {@code Retry-After} when denied. See {@link RateLimitHeaders}.
   *
   * @throws IllegalArgumentException if the styles combine {@link RateLimitHeaders.Style#RATELIMIT}
   *     and {@link RateLimitHeaders.Style#DRAFT_06}
   */
  public Map<String, String> headers(RateLimitHeaders.Style... styles) {
    return RateLimitHeaders.single(this, styles);
  }

  private static long nonNegative(String field, Duration d) {
    Objects.requireNonNull(d, field);
    if (d.isNegative()) {
      throw new IllegalArgumentException(field + " must not be negative, was " + d);
    }
    return d.toNanos();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Decision d
        && limiter.equals(d.limiter)
        && allowed == d.allowed
        && shadowDenied == d.shadowDenied
        && limit.equals(d.limit)
        && remaining == d.remaining
        && resetAfterNanos == d.resetAfterNanos
        && retryAfterNanos == d.retryAfterNanos
        && decidedAtSeconds == d.decidedAtSeconds
        && decidedAtNanos == d.decidedAtNanos
        && source == d.source;
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        limiter,
        allowed,
        shadowDenied,
        limit,
        remaining,
        resetAfterNanos,
        retryAfterNanos,
        decidedAtSeconds,
        decidedAtNanos,
        source);
  }

  @Override
  public String toString() {
    return "Decision["
        + limiter
        + " "
        + (allowed ? (shadowDenied ? "shadow-denied" : "allowed") : "denied")
        + ", limit="
        + limit
        + ", remaining="
        + remaining
        + ", resetAfter="
        + resetAfter()
        + (allowed ? "" : ", retryAfter=" + retryAfter())
        + (source == DecisionSource.LIMITER ? "" : ", " + source)
        + "]";
  }
}
