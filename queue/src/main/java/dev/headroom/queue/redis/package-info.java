/** The Redis backend; reach it through {@link dev.headroom.queue.JobQueues#redis}. */
@NullMarked
package dev.headroom.queue.redis;

import org.jspecify.annotations.NullMarked;
