package dev.headroom.cdn;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The outcome of checking a signed URL: {@link #isValid()}, or the {@link Status} that says why
 * not. Immutable. A verifier returns this rather than throwing, since a bad token is an expected
 * input.
 */
public final class Verification {

  /** Why a URL did or did not verify. */
  public enum Status {
    /** The token is authentic and the request is within its grant. */
    VALID,
    /** The URL carries no token. */
    MISSING,
    /**
     * The URL or token is malformed: unparsable, a parameter missing or repeated, or an unsafe
     * path.
     */
    MALFORMED,
    /** The token names a key the verifier does not hold. */
    UNKNOWN_KEY,
    /**
     * The signature does not match: the path, query or token was altered, or it was signed with
     * another secret.
     */
    BAD_SIGNATURE,
    /** The token expired (beyond the clock-skew allowance). */
    EXPIRED,
    /** The token's start time has not come (beyond the clock-skew allowance). */
    NOT_YET_VALID,
    /** The token is bound to a client IP or block the request did not come from. */
    IP_MISMATCH,
    /** The token grants a path prefix the requested path is not under. */
    PATH_NOT_ALLOWED
  }

  private final Status status;
  private final @Nullable String keyId;
  private final @Nullable Instant expires;

  private Verification(Status status, @Nullable String keyId, @Nullable Instant expires) {
    this.status = status;
    this.keyId = keyId;
    this.expires = expires;
  }

  static Verification valid(@Nullable String keyId, Instant expires) {
    return new Verification(Status.VALID, keyId, expires);
  }

  static Verification invalid(Status status, @Nullable String keyId) {
    return new Verification(Objects.requireNonNull(status, "status"), keyId, null);
  }

  /** Whether the URL verified. */
  public boolean isValid() {
    return status == Status.VALID;
  }

  /** The outcome. */
  public Status status() {
    return status;
  }

  /** The key id the token named, if it got that far. */
  public Optional<String> keyId() {
    return Optional.ofNullable(keyId);
  }

  /**
   * The token's expiry, if it is valid: a cache in front of the origin may keep the answer until
   * then.
   */
  public Optional<Instant> expires() {
    return Optional.ofNullable(expires);
  }

  @Override
  public String toString() {
    return "Verification["
        + status
        + (keyId == null ? "" : ", key=" + keyId)
        + (expires == null ? "" : ", expires=" + expires)
        + "]";
  }
}
