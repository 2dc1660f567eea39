package dev.headroom.queue;

import java.time.Duration;
import java.util.Objects;

/**
 * At most {@code jobs} jobs started in any window of length {@code window}: a sliding window over
 * the start times of the attempts, shared by every worker of a queue in every process (see {@link
 * JobQueueConfig.Builder#rateLimit}). Immutable; checked when the configuration is built.
 *
 * @param jobs how many attempts may start within one window (at least 1)
 * @param window the length of the window (at least 1 ms)
 */
public record JobRateLimit(int jobs, Duration window) {

  /** Checks for null; the values are checked by {@link JobQueueConfig.Builder#build()}. */
  public JobRateLimit {
    Objects.requireNonNull(window, "window");
  }
}
