package dev.headroom.cache.redis;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
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
  private static final VarHandle LONG_BE =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

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
    checkHeader(bytes);
    return new StoredValue(
        isNegative(bytes),
        freshUntilMillis(bytes),
        staleUntilMillis(bytes),
        hardUntilMillis(bytes),
        Arrays.copyOfRange(bytes, HEADER_BYTES, bytes.length));
  }

  /**
   * Checks that {@code bytes} start with a header this reader knows, so the readers below may read
   * it in place (and the payload is {@code bytes} from {@link #HEADER_BYTES}) without a copy.
   *
   * @throws UnknownFormatException if byte 0 names another format version
   * @throws IllegalArgumentException if the bytes are shorter than a header
   */
  public static void checkHeader(byte[] bytes) {
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
  }

  /** {@link #negative()} of checked bytes (see {@link #checkHeader}), read in place. */
  public static boolean isNegative(byte[] checked) {
    return (checked[1] & NEGATIVE) != 0;
  }

  /** {@link #freshUntilMillis()} of checked bytes, read in place. */
  public static long freshUntilMillis(byte[] checked) {
    return readLong(checked, 2);
  }

  /** {@link #staleUntilMillis()} of checked bytes, read in place. */
  public static long staleUntilMillis(byte[] checked) {
    return readLong(checked, 10);
  }

  /** {@link #hardUntilMillis()} of checked bytes, read in place. */
  public static long hardUntilMillis(byte[] checked) {
    return readLong(checked, 18);
  }

  private static long readLong(byte[] b, int at) {
    return (long) LONG_BE.get(b, at);
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
