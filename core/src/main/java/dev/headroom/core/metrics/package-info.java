/**
 * The meter contract: names and tag keys defined once, and per-instance binding with removal on
 * close.
 */
@NullMarked
package dev.headroom.core.metrics;

import org.jspecify.annotations.NullMarked;
