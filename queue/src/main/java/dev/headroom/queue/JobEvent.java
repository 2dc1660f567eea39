package dev.headroom.queue;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * What happened to one attempt of a job, for {@link JobListener}s.
 *
 * @param queue the queue's name
 * @param jobId the job id
 * @param type the job type's name
 * @param attempt the attempt's number, 1 for the first
 * @param maxAttempts attempts in all
 * @param processingTime how long the handler ran
 * @param error the failure, for failed, retrying and dead events
 * @param retryIn the backoff before the next attempt, for retrying events
 * @param reason why the job died, for dead events (a {@code DeadLetter.REASON_*})
 */
public record JobEvent(
    String queue,
    String jobId,
    String type,
    int attempt,
    int maxAttempts,
    Duration processingTime,
    @Nullable JobError error,
    @Nullable Duration retryIn,
    @Nullable String reason) {

  /** Checks for nulls. */
  public JobEvent {
    Objects.requireNonNull(queue, "queue");
    Objects.requireNonNull(jobId, "jobId");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(processingTime, "processingTime");
  }

  /** The failure, if any. */
  public Optional<JobError> failure() {
    return Optional.ofNullable(error);
  }
}
