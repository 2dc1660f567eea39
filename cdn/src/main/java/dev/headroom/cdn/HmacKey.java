package dev.headroom.cdn;

import java.util.Base64;
import java.util.Objects;

/**
 * A named secret for HMAC-SHA256 URL tokens. The id travels in each token ({@code kid}) so that a
 * verifier holding several keys knows which one to check with: that is how keys rotate. Immutable
 * and thread-safe; {@link #toString()} never shows the secret.
 */
public final class HmacKey {

  /** The shortest accepted secret, in bytes: the output size of SHA-256. */
  public static final int MIN_SECRET_BYTES = 32;

  private final String id;
  private final HmacSha256 hmac;

  private HmacKey(String id, HmacSha256 hmac) {
    this.id = id;
    this.hmac = hmac;
  }

  /**
   * A key named {@code id} with the given secret (copied).
   *
   * @throws IllegalArgumentException if the id is not 1 to 64 characters of {@code [A-Za-z0-9._-]}
   *     or the secret is shorter than {@value #MIN_SECRET_BYTES} bytes
   */
  public static HmacKey of(String id, byte[] secret) {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(secret, "secret");
    if (!id.matches("[A-Za-z0-9._-]{1,64}")) {
      throw new IllegalArgumentException(
          "key id='"
              + id
              + "' is rejected: expected 1 to 64 characters of"
              + " [A-Za-z0-9._-], such as 2026-01");
    }
    if (secret.length < MIN_SECRET_BYTES) {
      throw new IllegalArgumentException(
          "secret of key '"
              + id
              + "' is rejected: it has "
              + secret.length
              + " bytes, expected at least "
              + MIN_SECRET_BYTES
              + " random bytes");
    }
    return new HmacKey(id, new HmacSha256(secret));
  }

  /**
   * A key whose secret is given in base64 (standard or URL-safe alphabet).
   *
   * @throws IllegalArgumentException as for {@link #of(String, byte[])}, or if the text is not
   *     base64
   */
  public static HmacKey ofBase64(String id, String secret) {
    Objects.requireNonNull(secret, "secret");
    byte[] bytes;
    try {
      bytes =
          secret.indexOf('-') >= 0 || secret.indexOf('_') >= 0
              ? Base64.getUrlDecoder().decode(secret)
              : Base64.getDecoder().decode(secret);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "secret of key '" + id + "' is rejected: it is not base64", e);
    }
    return of(id, bytes);
  }

  /** The key id. */
  public String id() {
    return id;
  }

  /** The HMAC-SHA256 of {@code message}. */
  byte[] mac(byte[] message) {
    return hmac.mac(message);
  }

  /** The HMAC-SHA256 of the first {@code length} bytes of {@code message}. */
  byte[] mac(byte[] message, int length) {
    return hmac.mac(message, length);
  }

  @Override
  public String toString() {
    return "HmacKey[" + id + ", secret=****]";
  }
}
