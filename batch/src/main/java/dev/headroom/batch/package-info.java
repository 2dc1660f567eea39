/**
 * Request batching and debouncing.
 *
 * <ul>
 *   <li>{@link dev.headroom.batch.Batcher} coalesces single-key loads into bulk calls of a
 *       {@link dev.headroom.batch.BatchLoader}, by size and by time, with dedupe, per-key results,
 *       retries of failed keys, backpressure and loader timeouts; {@link
 *       dev.headroom.batch.BatchLoaders} has ready loaders for Redis {@code MGET} and JDBC.
 *   <li>{@link dev.headroom.batch.Debouncer} debounces or throttles actions per key.
 * </ul>
 *
 * Timers run on a {@link dev.headroom.batch.Scheduler} and read a {@link
 * dev.headroom.core.time.TimeSource}, so tests move time by hand.
 */
@NullMarked
package dev.headroom.batch;

import org.jspecify.annotations.NullMarked;
