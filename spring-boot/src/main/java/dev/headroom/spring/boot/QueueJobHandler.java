package dev.headroom.spring.boot;

import dev.headroom.queue.JobHandler;
import dev.headroom.queue.JobType;

/**
 * A {@link JobHandler} bean that the starter registers on its job type: the workers of {@link
 * #queue()} run it for every job of {@link #jobType()}.
 */
public interface QueueJobHandler<T> extends JobHandler<T> {

  /** The job type handled. */
  JobType<T> jobType();

  /** The queue whose workers run it; {@code "default"} unless overridden. */
  default String queue() {
    return "default";
  }
}
