package dev.headroom.cdn;

import dev.headroom.core.time.TimeSource;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * What a signed URL allows: access until an expiry, optionally not before a start time, optionally
 * only from a client IP or CIDR block, and optionally to every path under a prefix instead of the
 * one URL signed. Times are kept to the second (rounded down), as signed URLs carry them.
 * Immutable: each method returns a new grant and checks its value at once. Thread-safe.
 *
 * <pre>{@code Grant.validFor(Duration.ofMinutes(10), timeSource).clientIp("203.0.113.7")}</pre>
 */
public final class Grant {

  /** The latest accepted expiry. */
  public static final Instant LATEST = Instant.parse("9999-12-31T23:59:59Z");

  private final Instant expires;
  private final @Nullable Instant notBefore;
  private final @Nullable IpRange clientIp;
  private final @Nullable AssetPath pathPrefix;

  private Grant(
      Instant expires,
      @Nullable Instant notBefore,
      @Nullable IpRange clientIp,
      @Nullable AssetPath pathPrefix) {
    this.expires = expires;
    this.notBefore = notBefore;
    this.clientIp = clientIp;
    this.pathPrefix = pathPrefix;
    if (notBefore != null && !notBefore.isBefore(expires)) {
      throw new IllegalArgumentException(
          "notBefore=" + notBefore + " is rejected: it must be before expires=" + expires);
    }
  }

  /**
   * Access until {@code expires} (exclusive).
   *
   * @throws IllegalArgumentException if {@code expires} is not after the epoch
   */
  public static Grant until(Instant expires) {
    Objects.requireNonNull(expires, "expires");
    Instant seconds = Instant.ofEpochSecond(expires.getEpochSecond());
    if (seconds.getEpochSecond() <= 0 || seconds.isAfter(LATEST)) {
      throw new IllegalArgumentException(
          "expires="
              + expires
              + " is rejected: expected a time after 1970 and"
              + " before "
              + LATEST);
    }
    return new Grant(seconds, null, null, null);
  }

  /**
   * Access for {@code lifetime} from the time source's current wall-clock time.
   *
   * @throws IllegalArgumentException if {@code lifetime} is under one second
   */
  public static Grant validFor(Duration lifetime, TimeSource time) {
    Objects.requireNonNull(lifetime, "lifetime");
    if (lifetime.toSeconds() < 1) {
      throw new IllegalArgumentException(
          "lifetime=" + lifetime + " is rejected: expected at least one second");
    }
    return until(time.now().plus(lifetime));
  }

  /**
   * The same grant, valid only from {@code start} (inclusive).
   *
   * @throws IllegalArgumentException if {@code start} is not before the expiry
   */
  public Grant notBefore(Instant start) {
    Objects.requireNonNull(start, "start");
    return new Grant(expires, Instant.ofEpochSecond(start.getEpochSecond()), clientIp, pathPrefix);
  }

  /**
   * The same grant, only for a client at {@code ipOrCidr}: an IPv4 or IPv6 address or CIDR block
   * such as {@code 192.0.2.0/24}.
   *
   * @throws IllegalArgumentException if it is not an IP literal with an optional valid prefix
   *     length
   */
  public Grant clientIp(String ipOrCidr) {
    Objects.requireNonNull(ipOrCidr, "ipOrCidr");
    return new Grant(expires, notBefore, IpRange.parse("clientIp", ipOrCidr), pathPrefix);
  }

  /**
   * The same grant for every path at or below {@code prefix} (whole segments: {@code /audio} covers
   * {@code /audio/a.mp3}, not {@code /audiobooks}) instead of only the URL signed.
   *
   * @throws IllegalArgumentException if {@code prefix} is not a safe path
   */
  public Grant pathPrefix(String prefix) {
    Objects.requireNonNull(prefix, "prefix");
    AssetPath path;
    try {
      path =
          AssetPath.of(
              prefix.endsWith("/") && prefix.length() > 1
                  ? prefix.substring(0, prefix.length() - 1)
                  : prefix);
    } catch (InvalidAssetPathException e) {
      throw new IllegalArgumentException("pathPrefix='" + prefix + "' is rejected: " + e.rule(), e);
    }
    return new Grant(expires, notBefore, clientIp, path);
  }

  /** The expiry (exclusive), to the second. */
  public Instant expires() {
    return expires;
  }

  /** The start (inclusive), to the second, if any. */
  public Optional<Instant> notBefore() {
    return Optional.ofNullable(notBefore);
  }

  /** The client address or block in canonical CIDR form, such as {@code 192.0.2.7/32}, if any. */
  public Optional<String> clientIp() {
    return clientIp == null ? Optional.empty() : Optional.of(clientIp.toString());
  }

  /** The path prefix, if any. */
  public Optional<AssetPath> pathPrefix() {
    return Optional.ofNullable(pathPrefix);
  }

  /** Whether the grant has only an expiry (no start, client IP or path prefix). */
  public boolean isExpiryOnly() {
    return notBefore == null && clientIp == null && pathPrefix == null;
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof Grant other && toString().equals(other.toString());
  }

  @Override
  public int hashCode() {
    return toString().hashCode();
  }

  @Override
  public String toString() {
    return "Grant[expires="
        + expires
        + (notBefore == null ? "" : ", notBefore=" + notBefore)
        + (clientIp == null ? "" : ", clientIp=" + clientIp)
        + (pathPrefix == null ? "" : ", pathPrefix=" + pathPrefix)
        + "]";
  }
}
