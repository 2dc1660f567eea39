package dev.headroom.cache;

/**
 * Counters of one cache since it was built. Every {@code get} of a key counts exactly once, as an
 * L1 hit, an L2 hit or a miss (a cached "absent" counts as a hit).
 *
 * @param l1Hits reads answered by L1
 * @param l2Hits reads answered by L2
 * @param misses reads answered by neither (loaded, or returned absent)
 * @param loads loader calls that succeeded (a bulk load counts once)
 * @param loadFailures loader calls that failed
 * @param staleServed stale values served (while revalidating, or because the loader failed)
 * @param evictions L1 entries removed by size or expiry
 * @param l2Errors L2 commands that failed or timed out
 * @param l2Skipped L2 commands not sent because the circuit breaker was open
 * @param l2TooLarge values kept in L1 only because they exceed the L2 size limit
 * @param l2Corrupt L2 values that could not be decoded, read as misses: corrupt ones (deleted) and
 *     ones of a format version this reader does not know (left in place)
 * @param invalidationsSent invalidation messages published
 * @param invalidationsReceived invalidation messages received from other processes
 * @param invalidationGaps times L1 was cleared because messages may have been missed (a sequence
 *     gap, a reconnect, a recovery from an outage)
 * @param writeBehindPending values queued for the write-behind writer
 * @param writeFailures write-behind batches handed to the failure listener
 */
public record CacheStats(
    long l1Hits,
    long l2Hits,
    long misses,
    long loads,
    long loadFailures,
    long staleServed,
    long evictions,
    long l2Errors,
    long l2Skipped,
    long l2TooLarge,
    long l2Corrupt,
    long invalidationsSent,
    long invalidationsReceived,
    long invalidationGaps,
    long writeBehindPending,
    long writeFailures) {

  /** Reads in all. */
  public long gets() {
    return l1Hits + l2Hits + misses;
  }

  /** Hits of either level over reads, or NaN before the first read. */
  public double hitRate() {
    long gets = gets();
    return gets == 0 ? Double.NaN : (double) (l1Hits + l2Hits) / gets;
  }
}
