package dev.headroom.queue.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.headroom.core.codec.Codec;
import dev.headroom.core.key.KeySpace;
import dev.headroom.core.redis.RedisConnector;
import dev.headroom.queue.JobOptions;
import dev.headroom.queue.JobQueue;
import dev.headroom.queue.JobQueueConfig;
import dev.headroom.queue.JobQueues;
import dev.headroom.queue.JobType;
import dev.headroom.testkit.RedisExtension;
import dev.headroom.testkit.TestRedis;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Groups and rate limits under concurrent workers of two queue instances on two connectors (two
 * processes' worth): no group ever runs more than its limit, and no window ever sees more starts
 * than the limit allows (checked on the server's own claim times).
 */
@ExtendWith(RedisExtension.class)
class RedisJobQueueGroupsIT {

  private static final JobType<String> WORK = JobType.of("work", Codec.utf8());

  /** A handler that holds its group's running count while it computes for a moment. */
  private static final class Counting {
    final Map<String, AtomicInteger> running = new ConcurrentHashMap<>();
    final Map<String, AtomicInteger> most = new ConcurrentHashMap<>();
    final AtomicInteger done = new AtomicInteger();

    void run(String payload) {
      String group = payload.substring(0, payload.indexOf('/'));
      int now = running.computeIfAbsent(group, g -> new AtomicInteger()).incrementAndGet();
      most.computeIfAbsent(group, g -> new AtomicInteger()).accumulateAndGet(now, Math::max);
      try {
        long x = payload.hashCode();
        for (int i = 0; i < 200_000; i++) {
          x = x * 6364136223846793005L + 1442695040888963407L;
        }
        if (x == 42) {
          throw new IllegalStateException("unreachable");
        }
      } finally {
        running.get(group).decrementAndGet();
        done.incrementAndGet();
      }
    }
  }

  @Test
  void noGroupEverRunsMoreThanItsLimitAcrossTwoQueueInstances(TestRedis redis) {
    KeySpace keySpace = KeySpace.of(redis.keyPrefix(), "g");
    JobQueueConfig config =
        JobQueueConfig.builder()
            .keySpace(keySpace)
            .groupConcurrency(2)
            .groupConcurrency("g0", 3)
            .pollInterval(Duration.ofMillis(100))
            .build();
    Counting handler = new Counting();
    try (RedisConnector a = RedisConnector.create(redis.uri());
        RedisConnector b = RedisConnector.create(redis.uri());
        JobQueue first = JobQueues.redis(a, "groups", config);
        JobQueue second = JobQueues.redis(b, "groups", config)) {
      first.workers().handle(WORK, job -> handler.run(job.payload())).concurrency(8).start();
      second.workers().handle(WORK, job -> handler.run(job.payload())).concurrency(8).start();
      int jobs = 0;
      for (int round = 0; round < 60; round++) {
        for (int g = 0; g < 5; g++) {
          (round % 2 == 0 ? first : second)
              .enqueue(WORK, "g" + g + "/" + round, JobOptions.builder().group("g" + g).build());
          jobs++;
        }
      }
      first.enqueueAll(WORK, Collections.nCopies(40, "plain/x"), JobOptions.ofDefaults());
      int all = jobs + 40;
      await().atMost(Duration.ofSeconds(60)).until(() -> handler.done.get() == all);
      assertThat(handler.most.get("g0").get()).isBetween(1, 3);
      for (int g = 1; g < 5; g++) {
        assertThat(handler.most.get("g" + g).get()).as("g%d", g).isBetween(1, 2);
      }
      // a handler returns before its completion is stored with its slot's next claim
      await().atMost(Duration.ofSeconds(10)).until(() -> first.counts().unfinished() == 0);
      assertThat(a.sync().exists(keySpace.taggedKey("groups", ":grun"))).isZero();
      assertThat(a.sync().exists(keySpace.taggedKey("groups", ":groups"))).isZero();
    }
  }

  @Test
  void aQueueRateLimitHoldsInEveryWindowAcrossTwoQueueInstances(TestRedis redis) {
    KeySpace keySpace = KeySpace.of(redis.keyPrefix(), "r");
    JobQueueConfig config =
        JobQueueConfig.builder().keySpace(keySpace).rateLimit(5, Duration.ofMillis(300)).build();
    startsStayWithinTheLimit(redis, keySpace, config, WORK, 5, 300);
  }

  @Test
  void aTypeRateLimitHoldsInEveryWindowAcrossTwoQueueInstances(TestRedis redis) {
    KeySpace keySpace = KeySpace.of(redis.keyPrefix(), "t");
    JobType<String> limited =
        JobType.builder("limited", Codec.utf8()).rateLimit(4, Duration.ofMillis(250)).build();
    JobQueueConfig config = JobQueueConfig.builder().keySpace(keySpace).build();
    startsStayWithinTheLimit(redis, keySpace, config, limited, 4, 250);
  }

  @Test
  void idleWorkersWaitOutAWindowLongerThanTheirPollIntervalAndThenStartTheRest(TestRedis redis) {
    KeySpace keySpace = KeySpace.of(redis.keyPrefix(), "w");
    JobQueueConfig config =
        JobQueueConfig.builder()
            .keySpace(keySpace)
            .rateLimit(2, Duration.ofSeconds(2))
            .pollInterval(Duration.ofMillis(50))
            .build();
    Counting handler = new Counting();
    try (RedisConnector a = RedisConnector.create(redis.uri());
        JobQueue queue = JobQueues.redis(a, "window", config)) {
      queue.workers().handle(WORK, job -> handler.run(job.payload())).concurrency(3).start();
      List<String> ids =
          queue.enqueueAll(WORK, List.of("x/1", "x/2", "x/3", "x/4"), JobOptions.ofDefaults());
      await().atMost(Duration.ofSeconds(15)).until(() -> handler.done.get() == 4);
      long first =
          Long.parseLong(a.sync().hget(keySpace.taggedKey("window", ":job:") + ids.get(0), "fc"));
      long last =
          Long.parseLong(a.sync().hget(keySpace.taggedKey("window", ":job:") + ids.get(3), "fc"));
      assertThat(last - first).isBetween(2000L, 6000L);
    }
  }

  private static void startsStayWithinTheLimit(
      TestRedis redis,
      KeySpace keySpace,
      JobQueueConfig config,
      JobType<String> type,
      int limit,
      long windowMillis) {
    Counting handler = new Counting();
    try (RedisConnector a = RedisConnector.create(redis.uri());
        RedisConnector b = RedisConnector.create(redis.uri());
        JobQueue first = JobQueues.redis(a, "limited", config);
        JobQueue second = JobQueues.redis(b, "limited", config)) {
      first.workers().handle(type, job -> handler.run(job.payload())).concurrency(4).start();
      second.workers().handle(type, job -> handler.run(job.payload())).concurrency(4).start();
      List<String> ids = new ArrayList<>();
      for (int i = 0; i < 30; i++) {
        ids.add((i % 2 == 0 ? first : second).enqueue(type, "x/" + i));
      }
      await().atMost(Duration.ofSeconds(30)).until(() -> handler.done.get() == 30);
      List<Long> starts = new ArrayList<>();
      for (String id : ids) {
        String fc = a.sync().hget(keySpace.taggedKey("limited", ":job:") + id, "fc");
        starts.add(Long.parseLong(fc));
      }
      Collections.sort(starts);
      for (int i = 0; i < starts.size(); i++) {
        int inWindow = 0;
        for (int j = i; j < starts.size() && starts.get(j) < starts.get(i) + windowMillis; j++) {
          inWindow++;
        }
        assertThat(inWindow)
            .as("starts in the window from %d ms", starts.get(i))
            .isLessThanOrEqualTo(limit);
      }
      assertThat(starts.get(starts.size() - 1) - starts.get(0))
          .as("30 starts at %d per %d ms take at least five windows", limit, windowMillis)
          .isGreaterThanOrEqualTo(5 * windowMillis);
    }
  }
}
