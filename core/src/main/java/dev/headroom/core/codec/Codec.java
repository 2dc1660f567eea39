package dev.headroom.core.codec;

import java.nio.charset.StandardCharsets;

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
  public String toString() {
    return "Codec.utf8()";
  }
}
