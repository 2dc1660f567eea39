package dev.headroom.queue;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A snapshot of one job, for inspection.
 *
 * @param id the job id
 * @param type the job type's name
 * @param state where the job is
 * @param priority the priority it was enqueued with
 * @param attempts attempts made so far (a running attempt counts)
 * @param maxAttempts attempts in all
 * @param stalls how many times its worker died (its lease expired) while running it
 * @param enqueuedAt when it was enqueued
 * @param runAt when it may run next, for a delayed or retrying job
 * @param finishedAt when it completed or died
 * @param lastError the error of the last failed attempt, if any
 * @param payload the encoded payload
 * @param progress the last progress its handler reported (JSON: a percentage is a number), if any
 * @param result the encoded result of a completed job whose handler returned one, if any
 * @param cancelRequested whether it was cancelled while running (see {@link JobQueue#cancel})
 */
// the payload array is kept as is (no copy); equals and hashCode below are overridden to compare
// its contents
@SuppressWarnings("ArrayRecordComponent")
public record JobInfo(
    String id,
    String type,
    JobState state,
    int priority,
    int attempts,
    int maxAttempts,
    int stalls,
    Instant enqueuedAt,
    @Nullable Instant runAt,
    @Nullable Instant finishedAt,
    @Nullable JobError lastError,
    byte[] payload,
    @Nullable String progress,
    byte @Nullable [] result,
    boolean cancelRequested) {

  /** Checks for nulls. */
  public JobInfo {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(enqueuedAt, "enqueuedAt");
    Objects.requireNonNull(payload, "payload");
  }

  /**
   * The result decoded with {@code codec} (the one the handler was registered with), if the job
   * completed with one.
   */
  public <R> Optional<R> result(dev.headroom.core.codec.Codec<R> codec) {
    return result == null ? Optional.empty() : Optional.of(codec.decode(result));
  }

  /** The payload decoded with {@code type}'s codec. */
  public <T> T payload(JobType<T> type) {
    return type.codec().decode(payload);
  }

  /** The last error, if any. */
  public Optional<JobError> error() {
    return Optional.ofNullable(lastError);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof JobInfo j
        && id.equals(j.id)
        && type.equals(j.type)
        && state == j.state
        && priority == j.priority
        && attempts == j.attempts
        && maxAttempts == j.maxAttempts
        && stalls == j.stalls
        && enqueuedAt.equals(j.enqueuedAt)
        && Objects.equals(runAt, j.runAt)
        && Objects.equals(finishedAt, j.finishedAt)
        && Objects.equals(lastError, j.lastError)
        && java.util.Arrays.equals(payload, j.payload)
        && Objects.equals(progress, j.progress)
        && java.util.Arrays.equals(result, j.result)
        && cancelRequested == j.cancelRequested;
  }

  @Override
  public int hashCode() {
    return Objects.hash(id, state, attempts);
  }

  @Override
  public String toString() {
    return "JobInfo["
        + id
        + ", "
        + type
        + ", "
        + state
        + ", priority="
        + priority
        + ", attempts="
        + attempts
        + "/"
        + maxAttempts
        + ", stalls="
        + stalls
        + ", enqueuedAt="
        + enqueuedAt
        + (runAt == null ? "" : ", runAt=" + runAt)
        + (finishedAt == null ? "" : ", finishedAt=" + finishedAt)
        + (lastError == null
            ? ""
            : ", lastError=" + lastError.className() + ": " + lastError.message())
        + ", payload="
        + payload.length
        + " bytes"
        + (progress == null ? "" : ", progress=" + progress)
        + (result == null ? "" : ", result=" + result.length + " bytes")
        + (cancelRequested ? ", cancelRequested" : "")
        + "]";
  }
}
