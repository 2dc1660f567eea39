package dev.headroom.cdn;

import java.security.GeneralSecurityException;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * HMAC-SHA256 with one secret, safe to share between threads: each thread works on its own clone of
 * an initialized prototype, so the key schedule is computed once and a call allocates no Mac.
 */
final class HmacSha256 {

  private static final String ALGORITHM = "HmacSHA256";

  private final Mac prototype;
  private final ThreadLocal<Mac> perThread = ThreadLocal.withInitial(this::copy);

  HmacSha256(byte[] secret) {
    try {
      prototype = Mac.getInstance(ALGORITHM);
      prototype.init(new SecretKeySpec(secret, ALGORITHM));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(ALGORITHM + " is required of every Java platform", e);
    }
  }

  /** The MAC of {@code message}. */
  byte[] mac(byte[] message) {
    return mac(message, message.length);
  }

  /** The MAC of the first {@code length} bytes of {@code message}. */
  byte[] mac(byte[] message, int length) {
    Mac mac = perThread.get();
    try {
      mac.update(message, 0, length);
      return mac.doFinal();
    } catch (RuntimeException e) {
      mac.reset();
      throw e;
    }
  }

  private Mac copy() {
    try {
      return (Mac) prototype.clone();
    } catch (CloneNotSupportedException e) {
      throw new IllegalStateException(
          ALGORITHM + " of provider " + prototype.getProvider().getName() + " cannot be cloned", e);
    }
  }
}
