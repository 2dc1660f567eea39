package dev.headroom.queue;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** {@link DeadLetters} over the queue's broker. */
final class DeadLettersView implements DeadLetters {

  private static final int SCAN_PAGE = 500;

  private final BrokerJobQueue queue;

  DeadLettersView(BrokerJobQueue queue) {
    this.queue = queue;
  }

  @Override
  public long count() {
    return queue.counts().dead();
  }

  @Override
  public Page<DeadLetter> list(DeadLetterFilter filter, int offset, int limit) {
    Objects.requireNonNull(filter, "filter");
    if (offset < 0 || limit < 1) {
      throw new IllegalArgumentException(
          "offset must be >= 0 and limit >= 1, were " + offset + " and " + limit);
    }
    return queue.call(() -> queue.broker.deadLetters(filter, offset, limit));
  }

  @Override
  public Optional<DeadLetter> get(String jobId) {
    JobType.checkWellFormed("jobId", Objects.requireNonNull(jobId, "jobId"));
    return queue.call(() -> queue.broker.deadLetter(jobId));
  }

  @Override
  public boolean replay(String jobId) {
    JobType.checkWellFormed("jobId", Objects.requireNonNull(jobId, "jobId"));
    return queue.call(() -> queue.broker.replay(List.of(jobId), 0)) == 1;
  }

  @Override
  public long replay(DeadLetterFilter filter, double perSecond) {
    if (!(perSecond >= 0) || Double.isInfinite(perSecond)) {
      throw new IllegalArgumentException(
          "perSecond must be a finite number >= 0 (0 for no limit), was " + perSecond);
    }
    List<String> ids = matching(filter);
    double spacing = perSecond == 0 ? 0 : 1000.0 / perSecond;
    return ids.isEmpty() ? 0 : queue.call(() -> queue.broker.replay(ids, spacing));
  }

  @Override
  public boolean purge(String jobId) {
    JobType.checkWellFormed("jobId", Objects.requireNonNull(jobId, "jobId"));
    return queue.call(() -> queue.broker.purge(List.of(jobId))) == 1;
  }

  @Override
  public long purge(DeadLetterFilter filter) {
    List<String> ids = matching(filter);
    return ids.isEmpty() ? 0 : queue.call(() -> queue.broker.purge(ids));
  }

  /** Ids of matching dead letters, oldest first (so a spaced replay keeps their order). */
  private List<String> matching(DeadLetterFilter filter) {
    Objects.requireNonNull(filter, "filter");
    List<String> ids = new ArrayList<>();
    int offset = 0;
    Page<DeadLetter> page;
    do {
      int from = offset;
      page = queue.call(() -> queue.broker.deadLetters(filter, from, SCAN_PAGE));
      for (DeadLetter d : page.items()) {
        ids.add(d.job().id());
      }
      offset = page.nextOffset();
    } while (page.hasMore());
    java.util.Collections.reverse(ids);
    return ids;
  }
}
