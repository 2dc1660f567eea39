package dev.headroom.queue;

import java.util.List;
import java.util.Objects;

/**
 * One page of a listing.
 *
 * @param items the items of this page
 * @param offset the position of the first item in the whole (filtered) listing
 * @param hasMore whether items follow this page
 * @param <T> the item type
 */
public record Page<T>(List<T> items, int offset, boolean hasMore) {

  /** Copies the items. */
  public Page {
    items = List.copyOf(Objects.requireNonNull(items, "items"));
  }

  /** The offset of the next page. */
  public int nextOffset() {
    return offset + items.size();
  }
}
