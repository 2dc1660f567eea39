package dev.headroom.cdn;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A {@code Cache-Control} policy for an asset type, rendered by {@link #headerValue()}. Immutable
 * and thread-safe.
 */
public final class CachePolicy {

  /** One year, the conventional lifetime of a versioned, immutable asset. */
  public static final Duration ONE_YEAR = Duration.ofDays(365);

  private static final CachePolicy NO_STORE =
      new CachePolicy(Duration.ZERO, false, false, -1, -1, -1, "no-store");

  private final Duration maxAge;
  private final boolean immutable;
  private final boolean shared;
  private final long sharedMaxAge;
  private final long staleWhileRevalidate;
  private final long staleIfError;
  private final String headerValue;

  private CachePolicy(
      Duration maxAge,
      boolean immutable,
      boolean shared,
      long sharedMaxAge,
      long staleWhileRevalidate,
      long staleIfError,
      String headerValue) {
    this.maxAge = maxAge;
    this.immutable = immutable;
    this.shared = shared;
    this.sharedMaxAge = sharedMaxAge;
    this.staleWhileRevalidate = staleWhileRevalidate;
    this.staleIfError = staleIfError;
    this.headerValue = headerValue;
  }

  /**
   * {@code public, max-age=31536000, immutable}: for versioned assets whose URL changes when their
   * content does.
   */
  public static CachePolicy immutable() {
    return of(ONE_YEAR, true, true);
  }

  /**
   * {@code public, max-age=<seconds>}: any cache, CDN or browser, may keep the asset for {@code
   * maxAge}.
   *
   * @throws IllegalArgumentException if {@code maxAge} is negative or under one second
   */
  public static CachePolicy publicFor(Duration maxAge) {
    return of(maxAge, false, true);
  }

  /**
   * {@code private, max-age=<seconds>}: only the user's browser may keep the asset (for signed,
   * per-user content).
   *
   * @throws IllegalArgumentException if {@code maxAge} is negative or under one second
   */
  public static CachePolicy privateFor(Duration maxAge) {
    return of(maxAge, false, false);
  }

  /** {@code no-store}: nothing may keep the asset. */
  public static CachePolicy noStore() {
    return NO_STORE;
  }

  private static CachePolicy of(Duration maxAge, boolean immutable, boolean shared) {
    Objects.requireNonNull(maxAge, "maxAge");
    if (maxAge.toSeconds() < 1) {
      throw new IllegalArgumentException(
          "maxAge="
              + maxAge
              + " is rejected: expected at least one second"
              + " (use CachePolicy.noStore() for no caching)");
    }
    return build(Duration.ofSeconds(maxAge.toSeconds()), immutable, shared, -1, -1, -1);
  }

  private static CachePolicy build(
      Duration maxAge, boolean immutable, boolean shared, long sMaxAge, long swr, long sie) {
    String header =
        (shared ? "public" : "private")
            + ", max-age="
            + maxAge.toSeconds()
            + (sMaxAge < 0 ? "" : ", s-maxage=" + sMaxAge)
            + (swr < 0 ? "" : ", stale-while-revalidate=" + swr)
            + (sie < 0 ? "" : ", stale-if-error=" + sie)
            + (immutable ? ", immutable" : "");
    return new CachePolicy(maxAge, immutable, shared, sMaxAge, swr, sie, header);
  }

  /**
   * The same policy with {@code s-maxage} (RFC 9111 section 5.2.2.10): shared caches (the CDN) keep
   * the asset for {@code sharedMaxAge} instead of {@code max-age}.
   *
   * @throws IllegalArgumentException if the policy is {@code private} or {@code no-store} (no
   *     shared cache may keep it), or the duration is negative
   */
  public CachePolicy sharedMaxAge(Duration sharedMaxAge) {
    if (!shared) {
      throw new IllegalArgumentException(
          "sharedMaxAge is rejected for '"
              + headerValue
              + "': s-maxage applies to shared caches, which may not keep this asset");
    }
    return build(
        maxAge,
        immutable,
        shared,
        seconds("sharedMaxAge", sharedMaxAge),
        staleWhileRevalidate,
        staleIfError);
  }

  /**
   * The same policy with {@code stale-while-revalidate} (RFC 5861 section 3): a cache may serve the
   * asset up to {@code window} after it went stale while it revalidates in the background.
   *
   * @throws IllegalArgumentException for {@code no-store}, or a negative duration
   */
  public CachePolicy staleWhileRevalidate(Duration window) {
    requireStorable("staleWhileRevalidate");
    return build(
        maxAge,
        immutable,
        shared,
        sharedMaxAge,
        seconds("staleWhileRevalidate", window),
        staleIfError);
  }

  /**
   * The same policy with {@code stale-if-error} (RFC 5861 section 4): a cache may serve the asset
   * up to {@code window} after it went stale when the origin fails (5xx or unreachable).
   *
   * @throws IllegalArgumentException for {@code no-store}, or a negative duration
   */
  public CachePolicy staleIfError(Duration window) {
    requireStorable("staleIfError");
    return build(
        maxAge,
        immutable,
        shared,
        sharedMaxAge,
        staleWhileRevalidate,
        seconds("staleIfError", window));
  }

  private void requireStorable(String field) {
    if (maxAge.isZero()) {
      throw new IllegalArgumentException(
          field + " is rejected for 'no-store': nothing may keep the asset, stale or not");
    }
  }

  private static long seconds(String field, Duration d) {
    Objects.requireNonNull(d, field);
    if (d.isNegative()) {
      throw new IllegalArgumentException(field + "=" + d + " is rejected: expected 0 or more");
    }
    return d.toSeconds();
  }

  /** The {@code s-maxage}, if set. */
  public Optional<Duration> sharedMaxAge() {
    return sharedMaxAge < 0 ? Optional.empty() : Optional.of(Duration.ofSeconds(sharedMaxAge));
  }

  /** The {@code stale-while-revalidate} window, if set. */
  public Optional<Duration> staleWhileRevalidate() {
    return staleWhileRevalidate < 0
        ? Optional.empty()
        : Optional.of(Duration.ofSeconds(staleWhileRevalidate));
  }

  /** The {@code stale-if-error} window, if set. */
  public Optional<Duration> staleIfError() {
    return staleIfError < 0 ? Optional.empty() : Optional.of(Duration.ofSeconds(staleIfError));
  }

  /** How long a cache may keep the asset; zero for {@link #noStore()}. */
  public Duration maxAge() {
    return maxAge;
  }

  /** Whether the policy says {@code immutable}: caches need never revalidate. */
  public boolean isImmutable() {
    return immutable;
  }

  /** Whether shared caches (the CDN, proxies) may keep the asset. */
  public boolean isShared() {
    return shared;
  }

  /**
   * The {@code Cache-Control} header value, such as {@code public, max-age=86400} or {@code public,
   * max-age=60, s-maxage=3600, stale-while-revalidate=30, stale-if-error=86400}.
   */
  public String headerValue() {
    return headerValue;
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof CachePolicy other && headerValue.equals(other.headerValue);
  }

  @Override
  public int hashCode() {
    return headerValue.hashCode();
  }

  @Override
  public String toString() {
    return "CachePolicy[" + headerValue + "]";
  }
}
