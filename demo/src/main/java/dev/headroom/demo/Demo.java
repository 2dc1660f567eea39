package dev.headroom.demo;

import dev.headroom.batch.BatchLoader;
import dev.headroom.batch.Batcher;
import dev.headroom.batch.BatcherConfig;
import dev.headroom.batch.Batchers;
import dev.headroom.cache.Cache;
import dev.headroom.cache.CacheConfig;
import dev.headroom.cache.CacheLoader;
import dev.headroom.cache.Caches;
import dev.headroom.cache.TtlTier;
import dev.headroom.cdn.CdnConfig;
import dev.headroom.cdn.CdnRouter;
import dev.headroom.cdn.CdnRouters;
import dev.headroom.cdn.HmacKey;
import dev.headroom.cdn.HmacSigner;
import dev.headroom.core.backoff.Backoff;
import dev.headroom.core.backoff.Jitter;
import dev.headroom.core.codec.JsonCodec;
import dev.headroom.core.config.ConfigException;
import dev.headroom.core.config.HeadroomConfig;
import dev.headroom.core.health.Health;
import dev.headroom.core.key.KeySpace;
import dev.headroom.core.redis.RedisConnector;
import dev.headroom.monitoring.Monitor;
import dev.headroom.monitoring.RequestMetrics;
import dev.headroom.monitoring.RequestMetricsConfig;
import dev.headroom.queue.DeadLetter;
import dev.headroom.queue.DeadLetterFilter;
import dev.headroom.queue.JobEvent;
import dev.headroom.queue.JobListener;
import dev.headroom.queue.JobOptions;
import dev.headroom.queue.JobQueue;
import dev.headroom.queue.JobQueueConfig;
import dev.headroom.queue.JobQueues;
import dev.headroom.queue.JobType;
import dev.headroom.queue.NonRetryableException;
import dev.headroom.queue.Schedule;
import dev.headroom.queue.ScheduleInfo;
import dev.headroom.queue.ScheduledTick;
import dev.headroom.queue.WorkerPool;
import dev.headroom.ratelimit.Decision;
import dev.headroom.ratelimit.RateLimiter;
import dev.headroom.ratelimit.RateLimiterConfig;
import dev.headroom.ratelimit.RateLimiters;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A short tour of what Headroom ships, on the embedded default: it reads the configuration from the
 * environment and needs no Redis, database or CDN. With {@code REDIS_URL} set it also checks that
 * Redis answers. Exits non-zero on invalid configuration.
 */
public final class Demo {

  private Demo() {}

  /** An email job's payload. */
  public record Email(String to, String template) {}

  /** A track, as the demo encodes it. */
  public record Track(
      String id, String title, int durationSeconds, Instant addedAt, List<String> tags) {}

  /** Runs the tour. */
  public static void main(String[] args) {
    HeadroomConfig config;
    try {
      config = HeadroomConfig.fromEnvironment();
    } catch (ConfigException e) {
      System.err.println(e.getMessage());
      System.exit(2);
      return;
    }
    out("Headroom demo");
    out("configuration: " + config);
    out(
        "mode: "
            + (config.redisUrl().isPresent()
                ? "distributed (REDIS_URL is set)"
                : "embedded default (in memory, no Redis)"));

    KeySpace users = KeySpace.of("demo", "cache").child("users");
    out("");
    out("key spaces");
    out("  key(\"42\")                  = " + users.key("42"));
    out(
        "  taggedKey(\"user:42\", \":w\") = "
            + users.taggedKey("user:42", ":w")
            + "   (one Cluster slot per tag)");
    out("  pattern(\"4*\")              = " + users.pattern("4*"));
    out(
        "  prefixPattern(\"a*b\")       = "
            + users.prefixPattern("a*b")
            + "   (user text never widens a pattern)");

    JsonCodec<Track> codec = JsonCodec.of(Track.class);
    Track track =
        new Track(
            "t-1", "So What", 562, Instant.parse("2026-11-21T12:00:00Z"), List.of("jazz", "modal"));
    byte[] bytes = codec.encode(track);
    out("");
    out("JSON codec");
    out("  encoded " + bytes.length + " bytes: " + new String(bytes, StandardCharsets.UTF_8));
    out("  decoded equals original: " + codec.decode(bytes).equals(track));

    out("");
    out("backoff (seeded, so the same every run)");
    for (Jitter jitter : Jitter.values()) {
      Backoff backoff =
          Backoff.exponential(Duration.ofMillis(100), Duration.ofSeconds(5))
              .jitter(jitter)
              .maxAttempts(6)
              .build();
      Backoff.Schedule schedule = backoff.schedule(new SplittableRandom(7));
      StringBuilder delays = new StringBuilder();
      for (OptionalLong d = schedule.nextDelayMillis();
          d.isPresent();
          d = schedule.nextDelayMillis()) {
        delays.append(d.getAsLong()).append("ms ");
      }
      out(String.format("  %-12s %s", jitter, delays.toString().strip()));
    }

    out("");
    out("rate limiting (policy login: 5 per 15 min, in memory)");
    RateLimiter login =
        RateLimiters.inMemory("login", RateLimiterConfig.of(5, Duration.ofMinutes(15)));
    for (int attempt = 1; attempt <= 7; attempt++) {
      Decision d = login.tryAcquire("ip:203.0.113.7");
      out(
          String.format(
              "  attempt %d: %s, remaining %d%s",
              attempt,
              d.allowed() ? "allowed" : "denied ",
              d.remaining(),
              d.allowed() ? "" : ", retry after " + d.retryAfter().toSeconds() + " s"));
    }

    out("");
    out("cache (L1 only on the embedded default; Caches.redis(connector, ...) adds the shared L2)");
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    AtomicInteger trackLoads = new AtomicInteger();
    Cache<Track> tracks =
        Caches.inMemory(
            "tracks", CacheConfig.builder(codec).ttl(TtlTier.LONG).meterRegistry(registry).build());
    CacheLoader<Track> fromDatabase =
        id -> {
          trackLoads.incrementAndGet();
          return id.equals("track:t-404") ? null : track;
        };
    for (int i = 0; i < 10; i++) {
      tracks.get("track:t-1", fromDatabase);
      tracks.get("track:t-404", fromDatabase);
    }
    out(
        "  20 reads of 2 keys ran the loader "
            + trackLoads.get()
            + " times (the missing track is cached as absent)");
    tracks.invalidatePattern("track:*");
    out(
        String.format(
            java.util.Locale.ROOT,
            "  after invalidatePattern(\"track:*\"): %s; hit rate %.2f over %d reads"
                + " (monitoring reads it below)",
            tracks.get("track:t-1"),
            tracks.stats().hitRate(),
            tracks.stats().gets()));

    out("");
    out("request batching (50 single loads, one bulk call)");
    AtomicInteger bulkCalls = new AtomicInteger();
    try (Batcher<Integer, Optional<String>> names =
        Batchers.create(
            "users",
            BatchLoader.<Integer, String>alignedSync(
                keys -> {
                  bulkCalls.incrementAndGet();
                  return keys.stream().map(k -> "user-" + k).toList();
                }),
            BatcherConfig.builder().maxBatchSize(100).maxLinger(Duration.ofMillis(5)).build())) {
      List<CompletableFuture<Optional<String>>> loads = new ArrayList<>();
      for (int i = 0; i < 50; i++) {
        loads.add(names.load(i % 25));
      }
      out(
          "  loaded "
              + loads.stream().map(CompletableFuture::join).filter(Optional::isPresent).count()
              + " values with "
              + bulkCalls.get()
              + " bulk call(s); duplicate keys shared one answer");
    }

    out("");
    out("job queue (in memory: priorities, FIFO within a priority, a dead letter)");
    JobType<Email> email = JobType.of("email", Email.class);
    JobType<Email> notify =
        JobType.builder("notification", JsonCodec.of(Email.class))
            .backoff(
                Backoff.exponential(Duration.ofMillis(10), Duration.ofMillis(50))
                    .maxAttempts(2)
                    .build())
            .build();
    SimpleMeterRegistry queueMeters = new SimpleMeterRegistry();
    try (JobQueue jobs =
        JobQueues.inMemory("demo", JobQueueConfig.builder().meterRegistry(queueMeters).build())) {
      jobs.enqueue(email, new Email("ada@example.com", "digest"), JobOptions.priority(-1));
      jobs.enqueue(email, new Email("bob@example.com", "welcome"), JobOptions.priority(5));
      jobs.enqueue(email, new Email("cy@example.com", "welcome"), JobOptions.priority(5));
      jobs.enqueue(notify, new Email("nobody", "push"));
      String once =
          jobs.enqueue(
              email,
              new Email("dee@example.com", "receipt"),
              JobOptions.builder().jobId("receipt-7").build());
      out(
          "  enqueued 5 jobs; enqueueing id "
              + once
              + " again adds nothing: "
              + jobs.enqueue(
                  email,
                  new Email("dee@example.com", "receipt"),
                  JobOptions.builder().jobId("receipt-7").build())
              + ", waiting "
              + jobs.counts().waiting());
      List<String> ran = new CopyOnWriteArrayList<>();
      CountDownLatch done = new CountDownLatch(5);
      jobs.addListener(
          new JobListener() {
            @Override
            public void onCompleted(JobEvent e) {
              done.countDown();
            }

            @Override
            public void onDead(JobEvent e) {
              done.countDown();
            }
          });
      WorkerPool pool =
          jobs.workers()
              .handle(email, job -> ran.add(job.payload().template() + " to " + job.payload().to()))
              .handle(
                  notify,
                  job -> {
                    throw new NonRetryableException(
                        "no device registered for " + job.payload().to());
                  })
              .concurrency(1)
              .start();
      awaitQuietly(done);
      out("  ran in order: " + ran);
      DeadLetter dead = jobs.deadLetters().list(DeadLetterFilter.all(), 0, 1).items().get(0);
      out(
          "  dead letter: "
              + dead.job().type()
              + " ("
              + dead.reason()
              + "): "
              + dead.error().message());
      out(
          "  gave back at shutdown: "
              + pool.shutdown(Duration.ofSeconds(5))
              + " job(s); counts "
              + jobs.counts());
      out(
          "  health "
              + jobs.name()
              + ": "
              + jobs.health().status()
              + "; monitoring reads its meters: "
              + Monitor.builder().meterRegistry(queueMeters).build().snapshot().toJson());
    }

    out("");
    out("recurring job (in memory: an interval schedule, one job per tick)");
    try (JobQueue recurring = JobQueues.inMemory("demo-recurring", JobQueueConfig.ofDefaults())) {
      List<String> ticks = new CopyOnWriteArrayList<>();
      CountDownLatch three = new CountDownLatch(3);
      recurring
          .workers()
          .handle(
              email,
              job -> {
                ticks.add(ScheduledTick.of(job.id()).map(t -> t.at().toString()).orElse(job.id()));
                three.countDown();
              })
          .start();
      recurring
          .schedules()
          .upsert(
              Schedule.builder("digest", email, new Email("ops@example.com", "digest"))
                  .every(Duration.ofMillis(200))
                  .build());
      awaitQuietly(three);
      ScheduleInfo info = recurring.schedules().get("digest").orElseThrow();
      out(
          "  schedule "
              + info.name()
              + " ("
              + info.timing()
              + ") ran ticks "
              + ticks.subList(0, Math.min(3, ticks.size()))
              + "; last "
              + info.lastTick()
              + ", next "
              + info.nextTick());
    }

    out("");
    out("group limit (in memory: at most 1 running job per tenant, tenants take turns)");
    try (JobQueue tenants =
        JobQueues.inMemory("demo-tenants", JobQueueConfig.builder().groupConcurrency(1).build())) {
      for (int i = 0; i < 20; i++) {
        tenants.enqueue(
            email,
            new Email("big-" + i + "@example.com", "report"),
            JobOptions.builder().group("big").build());
      }
      tenants.enqueue(
          email,
          new Email("small@example.com", "report"),
          JobOptions.builder().group("small").build());
      List<String> order = new CopyOnWriteArrayList<>();
      Map<String, AtomicInteger> running = new ConcurrentHashMap<>();
      AtomicInteger mostAtOnce = new AtomicInteger();
      CountDownLatch all = new CountDownLatch(21);
      WorkerPool pool =
          tenants
              .workers()
              .concurrency(4)
              .handle(
                  email,
                  job -> {
                    String tenant = job.payload().to().startsWith("big") ? "big" : "small";
                    int now =
                        running.computeIfAbsent(tenant, t -> new AtomicInteger()).incrementAndGet();
                    mostAtOnce.accumulateAndGet(now, Math::max);
                    order.add(tenant);
                    try {
                      Thread.sleep(
                          5); // a job that takes a moment, so the cap has something to hold
                    } finally {
                      running.get(tenant).decrementAndGet();
                    }
                    all.countDown();
                  })
              .start();
      awaitQuietly(all);
      pool.close();
      out(
          "  21 jobs (20 of tenant big, then 1 of tenant small): small ran as job #"
              + (order.indexOf("small") + 1)
              + "; most running at once per tenant: "
              + mostAtOnce.get());
    }

    out("");
    out(
        "CDN URLs ("
            + config
                .cdnBaseUrl()
                .map(u -> "CDN_BASE_URL=" + u)
                .orElse("no CDN_BASE_URL: local paths")
            + ")");
    CdnRouter router = CdnRouters.create("demo", CdnConfig.builder(config).build());
    out("  cover art: " + router.route("covers/Été 42.jpg").url());
    HmacKey key =
        HmacKey.of("demo", "a demo secret of at least 32 bytes!".getBytes(StandardCharsets.UTF_8));
    out(
        "  signed:    "
            + router
                .route("tracks/1.mp3")
                .signed(HmacSigner.of(key), router.grantFor(Duration.ofMinutes(10))));

    out("");
    out("monitoring (health snapshot JSON)");
    RequestMetrics requests =
        RequestMetrics.create(RequestMetricsConfig.builder().meterRegistry(registry).build());
    for (int i = 0; i < 100; i++) {
      requests.recordRequest(
          "/api/tracks/{id}", "GET", i % 50 == 0 ? 500 : 200, Duration.ofMillis(20 + i));
    }
    out(
        "  "
            + Monitor.builder()
                .meterRegistry(registry)
                .requests(requests)
                .build()
                .snapshot()
                .toJson());
    tracks.close();

    Optional<String> redisUrl = config.redisUrl();
    if (redisUrl.isPresent()) {
      out("");
      try (RedisConnector redis = RedisConnector.create(redisUrl.get())) {
        Health health = redis.health();
        out("redis " + redis.url() + ": " + health.status() + " " + health.details());
      }
    }
    out("");
    out("done");
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void out(String line) {
    System.out.println(line);
  }
}
