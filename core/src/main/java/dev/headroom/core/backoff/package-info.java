/** Exponential backoff with full, equal and decorrelated jitter. */
@NullMarked
package dev.headroom.core.backoff;

import org.jspecify.annotations.NullMarked;
