package dev.headroom.queue.memory;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The ids stored within the last {@code windowMillis}, for duplicate suppression that outlives a
 * job's retention. One window length for all ids, so insertion order is expiry order: expired ids
 * are dropped from the head on every call, which keeps the map at the ids of one window. Times are
 * the caller's (the queue's time source). Not thread-safe: the broker calls it under its lock.
 */
final class DedupeWindow {

  private final LinkedHashMap<String, Long> expiresAt = new LinkedHashMap<>();

  /** Whether {@code id} was remembered less than its window ago. */
  boolean contains(String id, long now) {
    expire(now);
    return expiresAt.containsKey(id);
  }

  /** Remembers {@code id} until {@code now + windowMillis}. */
  void remember(String id, long now, long windowMillis) {
    expiresAt.remove(id);
    expiresAt.put(id, now + windowMillis);
  }

  private void expire(long now) {
    for (Iterator<Map.Entry<String, Long>> it = expiresAt.entrySet().iterator(); it.hasNext(); ) {
      if (it.next().getValue() > now) {
        return;
      }
      it.remove();
    }
  }
}
