/**
 * The seam between the queue engine (workers, retries, meters) and a storage backend. Backends
 * implement {@link dev.headroom.queue.broker.Broker}; applications never need these types.
 */
@NullMarked
package dev.headroom.queue.broker;

import org.jspecify.annotations.NullMarked;
