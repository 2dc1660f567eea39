package dev.headroom.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.headroom.core.redis.RedisConnector;
import dev.headroom.core.time.TimeSource;
import dev.headroom.testkit.ReadmeSnippets;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Every {@code java} snippet of README.md stands, line for line, in this compiled and running test. */
class ReadmeSnippetsTest {

  /** A request as a web framework would hand it over. */
  record Request(String remoteAddress) {}

  /** A response as a web framework would take it. */
  static final class Response {
    final Map<String, String> headers = new LinkedHashMap<>();
    int status = 200;

    void setHeader(String name, String value) {
      headers.put(name, value);
    }

    void sendError(int status) {
      this.status = status;
    }
  }

  @Test
  void everyJavaSnippetOfTheReadmeStandsInThisTest() {
    ReadmeSnippets.assertAllIn(Path.of("README.md"),
        Path.of("src/test/java/dev/headroom/ratelimit/ReadmeSnippetsTest.java"));
  }

  @Test
  void theShape() {
    Optional<RedisConnector> redis = Optional.empty();
    String clientIp = "ip:203.0.113.7";

    RateLimiterConfig config = RateLimiterConfig.builder().limit(100, Duration.ofMinutes(1)).build();
    RateLimiter limiter = RateLimiters.create(redis, "api", config);
    Decision decision = limiter.tryAcquire(clientIp);
    RateLimiterRegistry limiters = RateLimiterRegistry.create(redis, config).withPolicies(RateLimitPolicy.presets());

    assertThat(decision.allowed()).isTrue();
    assertThat(decision.remaining()).isEqualTo(99);
    assertThat(limiters.names()).containsExactly("api", "strict", "login", "ai", "payment");
    limiter.close();
    limiters.close();
  }

  @Test
  void use() {
    Request request = new Request("203.0.113.9");
    Response response = new Response();

    Optional<RedisConnector> redis = RedisConnector.fromEnvironment();
    RateLimiterRegistry limits = RateLimiterRegistry.create(redis, RateLimiterConfig.ofDefaults())
        .withPolicies(RateLimitPolicy.presets());
    limits.getOrCreate("search", RateLimitPolicy.builder()
        .limit(10, Duration.ofSeconds(1))          // 10/s and 1000/h, checked together
        .limit(1000, Duration.ofHours(1))
        .build());

    KeyResolver<Request> byIp = KeyResolver.ip(Request::remoteAddress);

    Decision d = limits.get("login").tryAcquire(byIp.resolve(request));
    d.headers().forEach(response::setHeader);      // RateLimit-Policy, RateLimit, and Retry-After when denied
    if (!d.allowed()) {
      response.sendError(429);
    }

    RateLimiter search = limits.get("search");
    RateLimitHeaders searchHeaders = RateLimitHeaders.of(search);   // once per limiter: lists both policies
    searchHeaders.render(search.tryAcquire(byIp.resolve(request))).forEach(response::setHeader);

    assertThat(d.headers()).containsEntry("RateLimit-Policy", "\"login\";q=5;w=900")
        .containsEntry("RateLimit", "\"login\";r=4;t=900");
    assertThat(response.headers)
        .containsEntry("RateLimit-Policy", "\"search-1s\";q=10;w=1, \"search-3600s\";q=1000;w=3600")
        .hasEntrySatisfying("RateLimit", v -> assertThat(v).startsWith("\"search-1s\";r=9;t="));
    assertThat(limits.get("search").config().limits()).hasSize(2);
    limits.close();
    redis.ifPresent(RedisConnector::close);
  }

  @Test
  void configuration() {
    SimpleMeterRegistry meterRegistry = new SimpleMeterRegistry();

    RateLimiterConfig search = RateLimiterConfig.builder()
        .algorithm(Algorithm.SLIDING_LOG)
        .limit(10, Duration.ofSeconds(1))
        .limit(1000, Duration.ofHours(1))
        .failureMode(FailureMode.LOCAL_FALLBACK).fallbackShare(0.25)
        .meterRegistry(meterRegistry)
        .timeSource(TimeSource.system())
        .build();

    assertThat(search.limits()).containsExactly(Limit.perSecond(10), Limit.perHour(1000));
    assertThat(search.meterRegistry()).containsSame(meterRegistry);
  }
}
