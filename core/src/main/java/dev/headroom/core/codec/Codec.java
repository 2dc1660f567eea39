package dev.headroom.core.codec;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * Turns values into bytes for Redis and back. Implementations must be thread-safe and stateless
 * between calls.
 *
 * @param <T> the value type
 */
public interface Codec<T> {

  /**
   * Encodes a value.
   *
   * @throws CodecException if the value cannot be encoded
   */
  byte[] encode(T value);

  /**
   * Decodes bytes produced by {@link #encode}.
   *
   * @throws CodecException if the bytes are not a valid encoding of {@code T}; the message names
   *     the target type
   */
  T decode(byte[] bytes);

  /**
   * Decodes the {@code length} bytes of {@code bytes} from {@code offset}, as {@link
   * #decode(byte[])} decodes them on their own; {@code bytes} is not changed or kept. The default
   * copies the range; a codec that can read a slice in place overrides it.
   *
   * @throws IndexOutOfBoundsException if the range is not within {@code bytes}
   * @throws CodecException as {@link #decode(byte[])}
   */
  default T decode(byte[] bytes, int offset, int length) {
    Objects.checkFromIndexSize(offset, length, bytes.length);
    return decode(Arrays.copyOfRange(bytes, offset, offset + length));
  }

  /** Raw bytes, passed through unchanged (no copy). */
  static Codec<byte[]> bytes() {
    return BytesCodec.INSTANCE;
  }

  /**
   * Strings as UTF-8. Malformed input decodes with replacement characters, as {@link
   * String#String(byte[], java.nio.charset.Charset)} does.
   */
  static Codec<String> utf8() {
    return Utf8Codec.INSTANCE;
  }
}

enum BytesCodec implements Codec<byte[]> {
  INSTANCE;

  @Override
  public byte[] encode(byte[] value) {
    return value;
  }

  @Override
  public byte[] decode(byte[] bytes) {
    return bytes;
  }

  @Override
  public String toString() {
    return "Codec.bytes()";
  }
}

enum Utf8Codec implements Codec<String> {
  INSTANCE;

  @Override
  public byte[] encode(String value) {
    return value.getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public String decode(byte[] bytes) {
    return new String(bytes, StandardCharsets.UTF_8);
  }

  @Override
  public String decode(byte[] bytes, int offset, int length) {
    return new String(bytes, offset, length, StandardCharsets.UTF_8);
  }

  @Override
  public String toString() {
    return "Codec.utf8()";
  }
}
