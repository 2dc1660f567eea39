package dev.headroom.queue.broker;

/**
 * A schedule as a store keeps it.
 *
 * @param name the schedule's name
 * @param timing when it ticks, as {@code every <ms>} or {@code cron <zone> <expression>}
 * @param missed what to do with missed ticks, as {@code skip <ms>} or {@code run-once <ms>} (the
 *     time after which a tick counts as missed)
 * @param type the job type's name
 * @param payload the encoded payload of every tick's job
 * @param priority the jobs' priority
 * @param maxAttempts the jobs' attempts in all
 * @param timeoutMillis how long one attempt may run, 0 for the type's
 * @param retrySpec the jobs' own backoff, empty for the type's
 * @param version changes with every upsert (0 when not stored yet)
 * @param next the next tick, epoch ms (0 when not stored yet)
 * @param last the last tick fired, epoch ms, or -1
 */
// the payload array is not copied, and equality is never used
@SuppressWarnings("ArrayRecordComponent")
public record StoredSchedule(
    String name,
    String timing,
    String missed,
    String type,
    byte[] payload,
    int priority,
    int maxAttempts,
    long timeoutMillis,
    String retrySpec,
    long version,
    long next,
    long last) {}
