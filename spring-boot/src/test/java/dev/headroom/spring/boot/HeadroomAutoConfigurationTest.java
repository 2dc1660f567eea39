package dev.headroom.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.headroom.batch.BatcherRegistry;
import dev.headroom.cache.CacheRegistry;
import dev.headroom.cdn.CdnRouter;
import dev.headroom.core.redis.RedisConnector;
import dev.headroom.monitoring.Monitor;
import dev.headroom.monitoring.RequestMetrics;
import dev.headroom.queue.Job;
import dev.headroom.queue.JobQueueRegistry;
import dev.headroom.queue.JobType;
import dev.headroom.ratelimit.RateLimitPolicy;
import dev.headroom.ratelimit.RateLimiterConfig;
import dev.headroom.ratelimit.RateLimiterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.cache.CacheManager;

class HeadroomAutoConfigurationTest {

  static final AutoConfigurations ALL =
      AutoConfigurations.of(
          HeadroomRedisAutoConfiguration.class,
          HeadroomCacheAutoConfiguration.class,
          HeadroomRateLimitAutoConfiguration.class,
          HeadroomQueueAutoConfiguration.class,
          HeadroomBatchAutoConfiguration.class,
          HeadroomCdnAutoConfiguration.class,
          HeadroomMonitoringAutoConfiguration.class,
          HeadroomActuatorAutoConfiguration.class);

  static String redisUrl() {
    String url = System.getenv("REDIS_URL");
    return url == null || url.isBlank() ? "redis://127.0.0.1:6379" : url;
  }

  /** No Redis, whatever REDIS_URL says. */
  private final ApplicationContextRunner runner =
      new ApplicationContextRunner()
          .withConfiguration(ALL)
          .withPropertyValues(
              "headroom.redis.enabled=false",
              "headroom.cache.caches.users.value-type=java.lang.String");

  @Test
  void everyPrimitiveInMemoryWithoutRedis() {
    runner.run(
        ctx -> {
          assertThat(ctx).hasNotFailed().doesNotHaveBean(RedisConnector.class);
          assertThat(ctx.getBean(CacheRegistry.class).isTwoLevel()).isFalse();
          assertThat(ctx.getBean(CacheRegistry.class).names()).containsExactly("users");
          assertThat(ctx.getBean(CacheManager.class).getCacheNames()).containsExactly("users");
          assertThat(ctx.getBean(CacheManager.class).getCache("orders")).isNull();
          assertThat(ctx)
              .hasSingleBean(RateLimiterRegistry.class)
              .hasSingleBean(JobQueueRegistry.class)
              .hasSingleBean(BatcherRegistry.class)
              .hasSingleBean(CdnRouter.class)
              .hasSingleBean(RequestMetrics.class)
              .hasSingleBean(Monitor.class)
              .hasSingleBean(HeadroomActuatorAutoConfiguration.HeadroomEndpoint.class)
              .hasBean("headroomHealthContributor");
          CompositeHealthContributor health =
              ctx.getBean("headroomHealthContributor", CompositeHealthContributor.class);
          assertThat(health.getContributor("cache")).isNotNull();
          assertThat(health.getContributor("ratelimit")).isNotNull();
          assertThat(health.getContributor("queue")).isNotNull();
        });
  }

  @Test
  void redisFromTheUrlPropertyMakesTwoLevelCaches() {
    new ApplicationContextRunner()
        .withConfiguration(ALL)
        .withPropertyValues(
            "headroom.redis.url=" + redisUrl(),
            "headroom.cache.caches.users.value-type=java.lang.String")
        .run(
            ctx -> {
              assertThat(ctx).hasNotFailed().hasSingleBean(RedisConnector.class);
              assertThat(ctx.getBean(CacheRegistry.class).isTwoLevel()).isTrue();
            });
  }

  @Test
  void redisFromRedisUrlWhenThePropertyIsUnset() {
    new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(HeadroomRedisAutoConfiguration.class))
        .withPropertyValues("REDIS_URL=" + redisUrl())
        .run(ctx -> assertThat(ctx).hasNotFailed().hasSingleBean(RedisConnector.class));
  }

  static Stream<Arguments> features() {
    return Stream.of(
        Arguments.of("headroom.cache.enabled", CacheRegistry.class),
        Arguments.of("headroom.cache.enabled", CacheManager.class),
        Arguments.of("headroom.ratelimit.enabled", RateLimiterRegistry.class),
        Arguments.of("headroom.queue.enabled", JobQueueRegistry.class),
        Arguments.of("headroom.queue.workers", HeadroomQueueWorkers.class),
        Arguments.of("headroom.batch.enabled", BatcherRegistry.class),
        Arguments.of("headroom.cdn.enabled", CdnRouter.class),
        Arguments.of("headroom.monitoring.enabled", Monitor.class),
        Arguments.of("headroom.monitoring.enabled", RequestMetrics.class),
        Arguments.of(
            "headroom.actuator.enabled", HeadroomActuatorAutoConfiguration.HeadroomEndpoint.class),
        Arguments.of("headroom.actuator.enabled", CompositeHealthContributor.class));
  }

  @ParameterizedTest
  @MethodSource("features")
  void eachFeatureIsOffByProperty(String property, Class<?> bean) {
    runner.run(ctx -> assertThat(ctx).hasSingleBean(bean));
    runner
        .withPropertyValues(property + "=false")
        .run(ctx -> assertThat(ctx).hasNotFailed().doesNotHaveBean(bean));
  }

  @Test
  void redisOffByProperty() {
    new ApplicationContextRunner()
        .withConfiguration(ALL)
        .withPropertyValues("headroom.redis.url=" + redisUrl(), "headroom.redis.enabled=false")
        .run(ctx -> assertThat(ctx).hasNotFailed().doesNotHaveBean(RedisConnector.class));
  }

  static Stream<Arguments> modules() {
    return Stream.of(
        Arguments.of(CacheRegistry.class, CacheRegistry.class),
        Arguments.of(RateLimiterRegistry.class, RateLimiterRegistry.class),
        Arguments.of(JobQueueRegistry.class, JobQueueRegistry.class),
        Arguments.of(BatcherRegistry.class, BatcherRegistry.class),
        Arguments.of(CdnRouter.class, CdnRouter.class),
        Arguments.of(Monitor.class, RequestMetrics.class));
  }

  @ParameterizedTest
  @MethodSource("modules")
  void nothingStartsWhenItsModuleIsAbsent(Class<?> hidden, Class<?> bean) {
    runner
        .withClassLoader(new FilteredClassLoader(hidden))
        .run(
            ctx -> {
              assertThat(ctx).hasNotFailed().doesNotHaveBean(bean);
              assertThat(ctx).hasBean("headroomHealthContributor");
            });
  }

  @Test
  void noConnectorWithoutLettuce() {
    new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(HeadroomRedisAutoConfiguration.class))
        .withClassLoader(new FilteredClassLoader("io.lettuce.core"))
        .withPropertyValues("headroom.redis.url=" + redisUrl())
        .run(ctx -> assertThat(ctx).hasNotFailed().doesNotHaveBean(RedisConnector.class));
  }

  @Test
  void userBeansWin() {
    CacheRegistry caches = CacheRegistry.create(Optional.empty());
    RateLimiterRegistry limiters = RateLimiterRegistry.inMemory(RateLimiterConfig.ofDefaults());
    runner
        .withBean(CacheRegistry.class, () -> caches)
        .withBean(RateLimiterRegistry.class, () -> limiters)
        .run(
            ctx -> {
              assertThat(ctx).hasNotFailed();
              assertThat(ctx.getBean(CacheRegistry.class)).isSameAs(caches);
              assertThat(ctx.getBean(RateLimiterRegistry.class)).isSameAs(limiters);
              // the declared caches are made in the user's registry
              assertThat(caches.names()).containsExactly("users");
            });
  }

  @Test
  void aBadValueFailsStartupNamingPropertyValueAndRule() {
    runner
        .withPropertyValues("headroom.cache.caches.users.maximum-size=0")
        .run(
            ctx ->
                assertThat(ctx)
                    .getFailure()
                    .rootCause()
                    .isInstanceOf(InvalidHeadroomPropertyException.class)
                    .hasMessageContaining("headroom.cache.caches.users.maximum-size=0")
                    .hasMessageContaining("at least"));
    runner
        .withPropertyValues("headroom.cache.caches.orders.ttl=10m")
        .run(
            ctx ->
                assertThat(ctx)
                    .getFailure()
                    .rootCause()
                    .hasMessageContaining("headroom.cache.caches.orders.value-type")
                    .hasMessageContaining("never read back as arbitrary classes"));
    runner
        .withPropertyValues("headroom.ratelimit.policies.x.preset=nope")
        .run(
            ctx ->
                assertThat(ctx)
                    .getFailure()
                    .rootCause()
                    .hasMessageContaining("headroom.ratelimit.policies.x.preset=nope")
                    .hasMessageContaining("must be one of"));
  }

  @Test
  void theRedisTimeoutOfLimitersIsAProperty() {
    runner
        .withPropertyValues("headroom.ratelimit.redis-timeout=3s")
        .run(
            ctx ->
                assertThat(ctx.getBean(RateLimiterRegistry.class).defaults().redisTimeout())
                    .isEqualTo(Duration.ofSeconds(3)));
    runner
        .withPropertyValues("headroom.ratelimit.redis-timeout=2h")
        .run(
            ctx ->
                assertThat(ctx)
                    .getFailure()
                    .rootCause()
                    .hasMessageContaining("headroom.ratelimit.redis-timeout")
                    .hasMessageContaining("redisTimeout"));
  }

  @Test
  void policiesFromPropertiesAndPresets() {
    runner
        .withPropertyValues(
            "headroom.ratelimit.policies.tight.permits=3",
            "headroom.ratelimit.policies.tight.window=1m",
            "headroom.ratelimit.policies.signin.preset=login")
        .run(
            ctx -> {
              RateLimiterRegistry registry = ctx.getBean(RateLimiterRegistry.class);
              assertThat(registry.get("tight").config().limits())
                  .containsExactly(dev.headroom.ratelimit.Limit.of(3, Duration.ofMinutes(1)));
              assertThat(registry.get("signin").config().policy())
                  .isEqualTo(RateLimitPolicy.presets().get("login"));
              assertThat(ctx.getBean(HeadroomRateLimits.class).limiter("payment").name())
                  .isEqualTo("payment");
            });
  }

  @Test
  void servletFilterOnlyInAServletApplication() {
    new WebApplicationContextRunner()
        .withConfiguration(ALL)
        .withPropertyValues("headroom.redis.enabled=false")
        .run(
            ctx ->
                assertThat(ctx)
                    .hasSingleBean(HeadroomRateLimitFilter.class)
                    .hasSingleBean(RequestMetricsFilter.class));
    runner.run(
        ctx ->
            assertThat(ctx)
                .doesNotHaveBean(HeadroomRateLimitFilter.class)
                .doesNotHaveBean(RequestMetricsFilter.class));
  }

  @Test
  void webFiltersOnlyInAReactiveApplicationAndOnlyWithWebFlux() {
    ReactiveWebApplicationContextRunner reactive =
        new ReactiveWebApplicationContextRunner()
            .withConfiguration(ALL)
            .withPropertyValues("headroom.redis.enabled=false");
    reactive.run(
        ctx ->
            assertThat(ctx)
                .hasSingleBean(HeadroomRateLimitWebFilter.class)
                .hasSingleBean(ReactiveRequestMetricsFilter.class)
                .doesNotHaveBean(HeadroomRateLimitFilter.class)
                .doesNotHaveBean(RequestMetricsFilter.class));
    reactive
        .withPropertyValues(
            "headroom.ratelimit.enabled=false", "headroom.monitoring.request-metrics=false")
        .run(
            ctx ->
                assertThat(ctx)
                    .doesNotHaveBean(HeadroomRateLimitWebFilter.class)
                    .doesNotHaveBean(ReactiveRequestMetricsFilter.class));
    new WebApplicationContextRunner()
        .withConfiguration(ALL)
        .withPropertyValues("headroom.redis.enabled=false")
        .run(
            ctx ->
                assertThat(ctx)
                    .doesNotHaveBean(HeadroomRateLimitWebFilter.class)
                    .doesNotHaveBean(ReactiveRequestMetricsFilter.class));
    runner
        .withClassLoader(new FilteredClassLoader("org.springframework.web.server"))
        .run(
            ctx ->
                assertThat(ctx)
                    .hasNotFailed()
                    .doesNotHaveBean(HeadroomRateLimitWebFilter.class)
                    .doesNotHaveBean(ReactiveRequestMetricsFilter.class));
  }

  @Test
  void aBadRuleFailsTheWebFilterNamingTheProperty() {
    new ReactiveWebApplicationContextRunner()
        .withConfiguration(ALL)
        .withPropertyValues(
            "headroom.redis.enabled=false",
            "headroom.ratelimit.rules[0].policy=nope",
            "headroom.ratelimit.rules[0].paths=/api/**")
        .run(
            ctx ->
                assertThat(ctx)
                    .getFailure()
                    .rootCause()
                    .hasMessageContaining("headroom.ratelimit.rules[0].policy")
                    .hasMessageContaining("nope"));
  }

  static final JobType<String> GREET = JobType.of("greet", String.class);

  @Test
  void jobHandlerBeansRunOnTheirQueueAndStopWithTheContext() {
    List<String> handled = new CopyOnWriteArrayList<>();
    QueueJobHandler<String> handler =
        new QueueJobHandler<>() {
          @Override
          public JobType<String> jobType() {
            return GREET;
          }

          @Override
          public String queue() {
            return "mail";
          }

          @Override
          public void handle(Job<String> job) {
            handled.add(job.payload());
          }
        };
    runner
        .withPropertyValues(
            "headroom.queue.queues.mail.concurrency=2",
            "headroom.queue.queues.mail.shutdown-deadline=2s")
        .withBean("greeter", QueueJobHandler.class, () -> handler)
        .run(
            ctx -> {
              HeadroomQueueWorkers workers = ctx.getBean(HeadroomQueueWorkers.class);
              assertThat(workers.isRunning()).isTrue();
              assertThat(workers.pools().get("mail").concurrency()).isEqualTo(2);
              ctx.getBean(JobQueueRegistry.class).get("mail").enqueue(GREET, "ada");
              await().atMost(Duration.ofSeconds(10)).until(() -> handled.contains("ada"));
              ctx.close();
              assertThat(workers.isRunning()).isFalse();
            });
  }
}
