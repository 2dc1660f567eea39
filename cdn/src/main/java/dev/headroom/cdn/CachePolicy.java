package dev.headroom.cdn;

import java.time.Duration;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A {@code Cache-Control} policy for an asset type, rendered by {@link #headerValue()}. Immutable
 * and thread-safe.
 */
public final class CachePolicy {

  /** One year, the conventional lifetime of a versioned, immutable asset. */
  public static final Duration ONE_YEAR = Duration.ofDays(365);

  private static final CachePolicy NO_STORE =
      new CachePolicy(Duration.ZERO, false, false, "no-store");

  private final Duration maxAge;
  private final boolean immutable;
  private final boolean shared;
  private final String headerValue;

  private CachePolicy(Duration maxAge, boolean immutable, boolean shared, String headerValue) {
    this.maxAge = maxAge;
    this.immutable = immutable;
    this.shared = shared;
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
    String header =
        (shared ? "public" : "private")
            + ", max-age="
            + maxAge.toSeconds()
            + (immutable ? ", immutable" : "");
    return new CachePolicy(Duration.ofSeconds(maxAge.toSeconds()), immutable, shared, header);
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

  /** The {@code Cache-Control} header value, such as {@code public, max-age=86400}. */
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
