package dev.headroom.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.headroom.core.backoff.Backoff;
import dev.headroom.core.config.ConfigException;
import dev.headroom.core.config.Environment;
import dev.headroom.core.config.HeadroomConfig;
import dev.headroom.core.config.Require;
import dev.headroom.core.health.Health;
import dev.headroom.core.health.HealthCheck;
import dev.headroom.core.health.HealthStatus;
import dev.headroom.core.health.Outage;
import dev.headroom.core.key.KeySpace;
import dev.headroom.core.metrics.HeadroomMeters;
import dev.headroom.core.metrics.InstanceMeters;
import dev.headroom.core.redis.RedisConnector;
import dev.headroom.core.redis.RedisConnectorOptions;
import dev.headroom.core.registry.Registry;
import dev.headroom.core.time.ManualTimeSource;
import dev.headroom.core.time.TimeSource;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Core's parts that need neither Redis nor JSON nor JDBC pools work with Lettuce, Netty, Reactor,
 * Jackson and HikariCP absent, as they are for a module (such as headroom-cdn) that declares none
 * of them. Runs only in core's surefire execution {@code without-optional-dependencies}, whose
 * class path excludes those libraries.
 */
class CoreWithoutOptionalDependenciesTest {

  @ParameterizedTest
  @ValueSource(
      strings = {
        "io.lettuce.core.RedisURI",
        "io.netty.channel.Channel",
        "reactor.core.publisher.Flux",
        "com.fasterxml.jackson.databind.ObjectMapper",
        "com.zaxxer.hikari.HikariDataSource"
      })
  void theOptionalLibrariesAreAbsent(String className) {
    assertThatThrownBy(() -> Class.forName(className)).isInstanceOf(ClassNotFoundException.class);
  }

  @Test
  void configurationWithoutRedisUrlNeedsNoLettuce() {
    Environment env = Environment.of(Map.of("CDN_BASE_URL", "https://cdn.example.com/"));
    HeadroomConfig config = HeadroomConfig.from(env);
    assertThat(config.redisUrl()).isEmpty();
    assertThat(config.toString()).contains("absent");
    assertThat(RedisConnector.fromEnvironment(env, RedisConnectorOptions.defaults())).isEmpty();
    assertThat(RedisConnector.from(config, RedisConnectorOptions.defaults())).isEmpty();
    assertThatThrownBy(() -> HeadroomConfig.from(Environment.of(Map.of("DB_POOL_SIZE", "0"))))
        .isInstanceOf(ConfigException.class);
  }

  @Test
  void aRedisUrlIsKeptUncheckedAndAConnectorSaysLettuceIsMissing() {
    Environment env = Environment.of(Map.of("REDIS_URL", "redis://app:secret@redis.internal:6379"));
    HeadroomConfig config = HeadroomConfig.from(env);
    assertThat(config.redisUrl()).contains("redis://app:secret@redis.internal:6379");
    assertThat(config.toString()).doesNotContain("secret");
    assertThatThrownBy(() -> RedisConnector.from(config, RedisConnectorOptions.defaults()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage(
            "a Redis connector needs Lettuce (io.lettuce:lettuce-core), which is not on the class path:"
                + " add it, or leave REDIS_URL unset to use the in-memory backends");
  }

  @Test
  void timeSourcesScheduleTasks() {
    ManualTimeSource manual = ManualTimeSource.create();
    AtomicBoolean ran = new AtomicBoolean();
    manual.schedule(() -> ran.set(true), Duration.ofSeconds(1));
    manual.advance(Duration.ofSeconds(1));
    assertThat(ran).isTrue();

    AtomicBoolean systemRan = new AtomicBoolean();
    TimeSource.system().schedule(() -> systemRan.set(true), Duration.ofMillis(1));
    await().atMost(Duration.ofSeconds(10)).untilTrue(systemRan);
  }

  @Test
  void backoffKeySpaceAndRequire() {
    Backoff backoff = Backoff.exponential(Duration.ofMillis(10), Duration.ofSeconds(1)).build();
    assertThat(backoff.exponentialMillis(2)).isEqualTo(20);
    assertThat(KeySpace.of("app", "cache").key("user:1")).isEqualTo("app:cache:user:1");
    assertThatThrownBy(() -> Require.positive("size", 0))
        .hasMessage("size must be at least 1, was 0");
  }

  @Test
  void registryMetricsAndHealth() throws Exception {
    SimpleMeterRegistry meterRegistry = new SimpleMeterRegistry();
    record Thing(InstanceMeters meters) implements AutoCloseable, HealthCheck {
      @Override
      public String name() {
        return "thing";
      }

      @Override
      public Health health() {
        return Health.up();
      }

      @Override
      public void close() {
        meters.close();
      }
    }
    try (Registry<Thing> registry = Registry.of("thing")) {
      Thing thing =
          registry.getOrCreate(
              "a",
              name -> {
                InstanceMeters meters =
                    InstanceMeters.of(meterRegistry, HeadroomMeters.TAG_CACHE, name);
                meters.register(r -> Counter.builder("test.gets").tags(meters.tags()).register(r));
                return new Thing(meters);
              });
      assertThat(thing.health().status()).isEqualTo(HealthStatus.UP);
      assertThat(meterRegistry.getMeters()).hasSize(1);
    }
    assertThat(meterRegistry.getMeters()).isEmpty();

    Outage outage = new Outage("thing 'a'", ManualTimeSource.create());
    outage.unavailable(new IOException("down"));
    assertThat(outage.isUnavailable()).isTrue();
    assertThat(List.of(HealthStatus.values())).contains(HealthStatus.DOWN);
  }
}
