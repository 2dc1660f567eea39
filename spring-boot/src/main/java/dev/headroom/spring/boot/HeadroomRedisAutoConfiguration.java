package dev.headroom.spring.boot;

import dev.headroom.core.redis.RedisConnector;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.core.env.Environment;

/**
 * One {@link RedisConnector} from {@code headroom.redis.url}, else {@code REDIS_URL}; none (and
 * every primitive in memory) when neither is set. Every Headroom bean that uses it depends on it,
 * so Spring closes it last.
 */
@AutoConfiguration
@ConditionalOnClass(name = "io.lettuce.core.RedisClient")
@ConditionalOnBooleanProperty(name = "headroom.redis.enabled", matchIfMissing = true)
@EnableConfigurationProperties(HeadroomRedisProperties.class)
public class HeadroomRedisAutoConfiguration {

  /** The shared connector; closed after every bean that uses it. */
  @Bean
  @ConditionalOnMissingBean
  @Conditional(RedisUrlCondition.class)
  public RedisConnector headroomRedisConnector(
      HeadroomRedisProperties properties, Environment environment) {
    String url = RedisUrlCondition.url(environment);
    if (url == null) {
      throw new IllegalStateException("no Redis URL: the condition should have held this back");
    }
    try {
      return RedisConnector.create(url);
    } catch (IllegalArgumentException e) {
      String property =
          properties.getUrl() != null && !properties.getUrl().isBlank()
              ? "headroom.redis.url"
              : "REDIS_URL";
      throw Props.invalid(property, "(masked)", e.getMessage());
    }
  }
}
