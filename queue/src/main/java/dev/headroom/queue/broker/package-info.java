/**
 * The seam between {@code BrokerJobQueue} (workers, retries, meters, health) and a storage backend:
 * backends implement {@link dev.headroom.queue.broker.Broker}. Not exported by the module;
 * applications reach the backends through {@code JobQueues}.
 */
@NullMarked
package dev.headroom.queue.broker;

import org.jspecify.annotations.NullMarked;
