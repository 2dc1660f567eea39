/**
 * Request batching and debouncing: {@link dev.headroom.batch.Batchers} makes every instance from a
 * config ({@link dev.headroom.batch.BatcherConfig}, {@link dev.headroom.batch.DebouncerConfig}),
 * and {@link dev.headroom.batch.BatcherRegistry} holds named batchers.
 *
 * <ul>
 *   <li>{@link dev.headroom.batch.Batcher} coalesces single-key loads into bulk calls of a {@link
 *       dev.headroom.batch.BatchLoader}, by size and by time, with dedupe, per-key results, retries
 *       of failed keys, backpressure and loader timeouts; {@link dev.headroom.batch.BatchLoaders}
 *       has ready loaders for Redis {@code MGET} and JDBC.
 *   <li>{@link dev.headroom.batch.Debouncer} debounces or throttles actions per key.
 * </ul>
 *
 * Every decision reads, and every timer is scheduled on, the {@link
 * dev.headroom.core.time.TimeSource} given in the config, so tests move time by hand.
 */
@NullMarked
package dev.headroom.batch;

import org.jspecify.annotations.NullMarked;
