package dev.headroom.cache.redis;

import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.ToByteBufEncoder;
import io.lettuce.core.output.CommandOutput;
import io.lettuce.core.protocol.CommandArgs;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.jspecify.annotations.Nullable;

/*
 * The MGET of a bulk read on one Redis node, without the per-key objects of Lettuce's mget(K...).
 * Its keys are written straight into the command's buffer: a batch whose Redis keys all share one
 * prefix (every key under the cache's generation alone, the usual case) passes the user keys and
 * the prefix's bytes, so no Redis key is built as a String, and no key becomes a ByteBuffer first
 * (the shared codec's way). Its replies land in an array in key order, not in one KeyValue per key
 * holding a key already known. The bytes on the wire are the same as mget's. On a cluster the keys
 * may span slots, so the tier keeps Lettuce's mget, which splits them.
 */

/** An MGET whose keys are written in place and whose replies fill an array. */
final class StoredMget {

  private static final PrefixedKeys NO_PREFIX = new PrefixedKeys("");

  private StoredMget() {}

  /**
   * The arguments of an MGET of {@code prefix} followed by each of {@code keys} (UTF-8), in order.
   */
  static CommandArgs<String, byte[]> keys(String prefix, List<String> keys) {
    CommandArgs<String, byte[]> args = new CommandArgs<>(new PrefixedKeys(prefix));
    for (String k : keys) {
      args.addKey(k);
    }
    return args;
  }

  /** A reply of {@code n} values: each element null (no value) or the value's bytes. */
  static CommandOutput<String, byte[], byte[][]> output(int n) {
    return new Values(n);
  }

  /** Writes a key as the prefix's bytes and the key's UTF-8; reads values as bytes. */
  private static final class PrefixedKeys
      implements RedisCodec<String, byte[]>, ToByteBufEncoder<String, byte[]> {

    private final byte[] prefix;

    PrefixedKeys(String prefix) {
      this.prefix = prefix.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void encodeKey(String key, ByteBuf target) {
      target.writeBytes(prefix);
      ByteBufUtil.writeUtf8(target, key);
    }

    @Override
    public int estimateSize(Object key) {
      return prefix.length + ByteBufUtil.utf8Bytes((CharSequence) key);
    }

    @Override
    public boolean isEstimateExact() {
      return true;
    }

    @Override
    public ByteBuffer encodeKey(String key) {
      byte[] k = key.getBytes(StandardCharsets.UTF_8);
      return ByteBuffer.allocate(prefix.length + k.length).put(prefix).put(k).flip();
    }

    @Override
    public void encodeValue(byte[] value, ByteBuf target) {
      target.writeBytes(value);
    }

    @Override
    public ByteBuffer encodeValue(byte[] value) {
      return ByteBuffer.wrap(value);
    }

    @Override
    public String decodeKey(ByteBuffer bytes) {
      return StandardCharsets.UTF_8.decode(bytes).toString();
    }

    @Override
    public byte[] decodeValue(ByteBuffer bytes) {
      byte[] b = new byte[bytes.remaining()];
      bytes.get(b);
      return b;
    }
  }

  /** The values of an MGET reply, in order, each null when the key has none. */
  private static final class Values extends CommandOutput<String, byte[], byte[][]> {

    private int next;

    Values(int n) {
      super(NO_PREFIX, new byte[n][]);
    }

    @Override
    public void set(@Nullable ByteBuffer bytes) {
      byte[][] out = output;
      if (bytes != null && next < out.length) {
        byte[] b = new byte[bytes.remaining()];
        bytes.get(b);
        out[next] = b;
      }
      next++;
    }
  }
}
