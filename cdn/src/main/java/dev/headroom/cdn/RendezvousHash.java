package dev.headroom.cdn;

import java.nio.charset.StandardCharsets;

/*
 * Host sharding by rendezvous hashing (highest random weight; Thaler and Ravishankar, 1998).
 *
 * Every (host, path) pair gets a pseudo-random score and a path goes to the up host with the
 * highest score. The score depends on nothing but the pair, so:
 *   - a path always maps to the same host while the set of up hosts is the same;
 *   - adding a host moves only the paths for which the new host scores highest: about 1/n of them
 *     with n hosts after the change, and they all move to the new host;
 *   - a host going down moves only its own paths, each to its second-best host, spread evenly over
 *     the others; when it comes back up exactly those paths return.
 * A hash ring needs virtual nodes and a sorted structure to get the same balance; with the handful
 * of hosts a CDN type has, scoring each host (O(n) per path) is as fast and has no tuning knob.
 *
 * The score mixes a 64-bit hash of the path with a per-host seed through the MurmurHash3 64-bit
 * finalizer, whose avalanche makes scores for different hosts effectively independent. The hashes
 * are fixed functions of the text (not String.hashCode, not seeded per process), so every process
 * and every release maps a path to the same host: CDN caches stay warm across deploys.
 */

/** Rendezvous-hash scores for host sharding. Stateless. */
final class RendezvousHash {

  private RendezvousHash() {}

  /** A stable 64-bit hash of text (FNV-1a over its UTF-8 bytes, then mixed). */
  static long hash(String text) {
    long h = 0xcbf29ce484222325L;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c >= 0x80) {
        return hashUtf8(text);
      }
      h ^= c;
      h *= 0x100000001b3L;
    }
    return mix(h);
  }

  /** {@link #hash} of text that is not all ASCII (an ASCII character is its own UTF-8 byte). */
  private static long hashUtf8(String text) {
    long h = 0xcbf29ce484222325L;
    for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
      h ^= b & 0xFF;
      h *= 0x100000001b3L;
    }
    return mix(h);
  }

  /** The score of a host (by its seed, {@link #hash} of its name) for a path (by its hash). */
  static long score(long pathHash, long hostSeed) {
    return mix(pathHash ^ hostSeed);
  }

  private static long mix(long z) {
    z ^= z >>> 33;
    z *= 0xff51afd7ed558ccdL;
    z ^= z >>> 33;
    z *= 0xc4ceb9fe1a85ec53L;
    z ^= z >>> 33;
    return z;
  }
}
