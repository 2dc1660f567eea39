package dev.headroom.spring.boot;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotatedTypeMetadata;

/** Holds when {@code headroom.redis.url} or {@code REDIS_URL} is set and not blank. */
final class RedisUrlCondition extends SpringBootCondition {

  static @Nullable String url(Environment environment) {
    String url = environment.getProperty("headroom.redis.url");
    if (url == null || url.isBlank()) {
      url = environment.getProperty("REDIS_URL");
    }
    return url == null || url.isBlank() ? null : url.trim();
  }

  @Override
  public ConditionOutcome getMatchOutcome(
      ConditionContext context, AnnotatedTypeMetadata metadata) {
    return url(context.getEnvironment()) != null
        ? ConditionOutcome.match("a Redis URL is set")
        : ConditionOutcome.noMatch("neither headroom.redis.url nor REDIS_URL is set");
  }
}
