/**
 * The JMH suite. Each comparing benchmark has a {@code @Param} named {@code impl} whose first value
 * is {@code headroom} and whose other values name peers; {@link dev.headroom.benchmarks.Suite} runs
 * a profile and prints ours against each peer.
 */
@NullMarked
package dev.headroom.benchmarks;

import org.jspecify.annotations.NullMarked;
