package dev.headroom.queue.broker;

/**
 * A job a worker holds a lease on.
 *
 * @param id the job id
 * @param type the type's name
 * @param payload the encoded payload
 * @param priority the priority
 * @param attempt this attempt's number
 * @param maxAttempts attempts in all
 * @param enqueuedAtMillis when it was enqueued (backend clock)
 * @param claimedAtMillis when it was claimed (backend clock)
 * @param timeoutMillis how long one attempt may run, 0 for the type's
 * @param retrySpec the job's own backoff, empty for the type's
 * @param leaseToken the token of this claim; answers with another token are refused
 * @param firstClaim whether the job was never claimed before (not after a give-back, a reap or a
 *     replay)
 */
// claimed on the hot path: the payload array is not copied, and ClaimedJob equality is never used
@SuppressWarnings("ArrayRecordComponent")
public record ClaimedJob(
    String id,
    String type,
    byte[] payload,
    int priority,
    int attempt,
    int maxAttempts,
    long enqueuedAtMillis,
    long claimedAtMillis,
    long timeoutMillis,
    String retrySpec,
    String leaseToken,
    boolean firstClaim) {}
