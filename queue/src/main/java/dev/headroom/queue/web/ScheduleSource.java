package dev.headroom.queue.web;

import dev.headroom.queue.JobQueue;
import java.util.List;

/**
 * Where the operator page reads a queue's recurring schedules from ({@link
 * OperatorPageConfig.Builder#schedules}). The page shows a "Schedules" section for a queue whose
 * source answers any. Must be thread-safe; an exception it throws is shown as the section's error.
 */
@FunctionalInterface
public interface ScheduleSource {

  /** The schedules of {@code queue}, in the order to show them. */
  List<ScheduleView> schedules(JobQueue queue);

  /** No schedules (the default). */
  static ScheduleSource none() {
    return queue -> List.of();
  }
}
