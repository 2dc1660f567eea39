/**
 * A two-level cache: a Caffeine L1 in each process and, optionally, a Redis L2 shared by every
 * process, behind one {@link dev.headroom.cache.Cache} interface. Configure it with a {@link
 * dev.headroom.cache.CacheConfig}, make it with {@link dev.headroom.cache.Caches} ({@code
 * inMemory}, {@code redis} or {@code create}), and keep named caches in a {@link
 * dev.headroom.cache.CacheRegistry}. An in-memory cache keeps the same contract and runs without
 * Lettuce on the class path.
 *
 * <p>This is the only exported package of the module: the implementation classes here are
 * package-private, and the Redis tier lives in a package the module does not export.
 */
@NullMarked
package dev.headroom.cache;

import org.jspecify.annotations.NullMarked;
