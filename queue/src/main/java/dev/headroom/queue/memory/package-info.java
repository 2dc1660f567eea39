/** The in-process backend; reach it through {@link dev.headroom.queue.JobQueues#inMemory}. */
@NullMarked
package dev.headroom.queue.memory;

import org.jspecify.annotations.NullMarked;
