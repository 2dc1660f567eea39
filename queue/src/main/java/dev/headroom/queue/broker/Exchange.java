package dev.headroom.queue.broker;

import java.util.List;

/**
 * The answer of {@link Broker#exchange}: which settlements were accepted, the jobs claimed, and
 * what an idle worker needs to wait well.
 *
 * @param accepted for each settlement in order, whether its lease token still held (false: the job
 *     was reaped or given back meanwhile, and the answer was ignored)
 * @param claimed the jobs claimed, at most as many as asked (an unmodifiable list, not copied)
 * @param nextDueMillis when fewer jobs were claimed than asked: milliseconds until the next delayed
 *     job is due (0 if one is due now), or -1 if none is delayed
 * @param wakeEpoch an opaque reading taken before the exchange, for {@link Broker#awaitWork}
 */
// one per exchange on the hot path: the accepted array is not copied, and Exchange equality is
// never used
@SuppressWarnings("ArrayRecordComponent")
public record Exchange(
    boolean[] accepted, List<ClaimedJob> claimed, long nextDueMillis, long wakeEpoch) {}
