package dev.headroom.cache.redis;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Objects;

/**
 * A value as stored in L2: a 26-byte header, then the codec's bytes.
 *
 * <pre>
 * byte 0      format version (1)
 * byte 1      flags: bit 0 = negative ("absent", no payload)
 * bytes 2-9   fresh until, epoch milliseconds (big-endian)
 * bytes 10-17 stale-while-revalidate until, epoch milliseconds
 * bytes 18-25 hard expiry, epoch milliseconds (Redis expires the key then too)
 * bytes 26-   payload
 * </pre>
 *
 * The absolute times let a reader give its L1 entry exactly the life the writer gave the L2 entry
 * (L1 never outlives L2, up to the clock skew between the two processes), and serve or revalidate a
 * stale value the same way on every process. A reader that finds fewer bytes than a header treats
 * the value as corrupt; one that finds another version in byte 0 throws {@link
 * UnknownFormatException}: the value may be a newer writer's during a rolling upgrade, so the
 * reader takes it as a miss and leaves it in place. A later format therefore keeps the version in
 * byte 0 and at least 26 bytes.
 *
 * @param negative whether this marks a key the loader found absent
 * @param freshUntilMillis until when the value is fresh
 * @param staleUntilMillis until when a stale value may be served while revalidating
 * @param hardUntilMillis when the entry expires
 * @param payload the codec's bytes (empty when negative)
 */
@SuppressWarnings(
    "ArrayRecordComponent") // the payload passes through uncopied; equals compares contents
public record StoredValue(
    boolean negative,
    long freshUntilMillis,
    long staleUntilMillis,
    long hardUntilMillis,
    byte[] payload) {

  /** The format version written in byte 0. */
  public static final byte FORMAT = 1;

  /** Header length in bytes. */
  public static final int HEADER_BYTES = 26;

  private static final byte NEGATIVE = 1;
  private static final byte[] EMPTY = new byte[0];

  /** Checks the arguments. */
  public StoredValue {
    Objects.requireNonNull(payload, "payload");
  }

  /** A negative marker. */
  public static StoredValue absent(long freshUntilMillis, long hardUntilMillis) {
    return new StoredValue(true, freshUntilMillis, freshUntilMillis, hardUntilMillis, EMPTY);
  }

  /** Header and payload as one array. */
  public byte[] encode() {
    ByteBuffer b = ByteBuffer.allocate(HEADER_BYTES + payload.length);
    b.put(FORMAT)
        .put(negative ? NEGATIVE : 0)
        .putLong(freshUntilMillis)
        .putLong(staleUntilMillis)
        .putLong(hardUntilMillis)
        .put(payload);
    return b.array();
  }

  /**
   * The value's format version is not the one this reader knows; the value is not corrupt for that.
   */
  public static final class UnknownFormatException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    UnknownFormatException(String message) {
      super(message);
    }
  }

  /**
   * Reads what {@link #encode()} wrote.
   *
   * @throws UnknownFormatException if byte 0 names another format version
   * @throws IllegalArgumentException if the bytes are shorter than a header
   */
  public static StoredValue decode(byte[] bytes) {
    if (bytes.length < HEADER_BYTES) {
      throw new IllegalArgumentException(
          "value of "
              + bytes.length
              + " bytes is shorter than the "
              + HEADER_BYTES
              + "-byte header");
    }
    if (bytes[0] != FORMAT) {
      throw new UnknownFormatException(
          "unknown value format " + bytes[0] + " (expected " + FORMAT + ")");
    }
    byte flags = bytes[1];
    long fresh = readLong(bytes, 2);
    long stale = readLong(bytes, 10);
    long hard = readLong(bytes, 18);
    byte[] payload = Arrays.copyOfRange(bytes, HEADER_BYTES, bytes.length);
    return new StoredValue((flags & NEGATIVE) != 0, fresh, stale, hard, payload);
  }

  private static long readLong(byte[] b, int at) {
    long v = 0;
    for (int i = at; i < at + 8; i++) {
      v = (v << 8) | (b[i] & 0xFF);
    }
    return v;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof StoredValue s
        && negative == s.negative
        && freshUntilMillis == s.freshUntilMillis
        && staleUntilMillis == s.staleUntilMillis
        && hardUntilMillis == s.hardUntilMillis
        && Arrays.equals(payload, s.payload);
  }

  @Override
  public int hashCode() {
    return Objects.hash(negative, freshUntilMillis, staleUntilMillis, hardUntilMillis) * 31
        + Arrays.hashCode(payload);
  }

  @Override
  public String toString() {
    return "StoredValue["
        + (negative ? "absent" : payload.length + " bytes")
        + ", fresh until "
        + freshUntilMillis
        + ", stale until "
        + staleUntilMillis
        + ", expires "
        + hardUntilMillis
        + "]";
  }
}
