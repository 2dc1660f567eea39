/**
 * A two-level cache: a Caffeine L1 in each process and, optionally, a Redis L2 shared by every
 * process, behind one {@link dev.headroom.cache.Cache} interface built with
 * {@link dev.headroom.cache.Cache#builder}. Without a Redis connector the cache is L1 only (the
 * embedded default) and keeps the same contract. Named caches live in a
 * {@link dev.headroom.cache.CacheRegistry}.
 *
 * <p>The implementation classes of this package are package-private: the API is the interfaces,
 * the builder, the value types and the exceptions.
 */
@NullMarked
package dev.headroom.cache;

import org.jspecify.annotations.NullMarked;
