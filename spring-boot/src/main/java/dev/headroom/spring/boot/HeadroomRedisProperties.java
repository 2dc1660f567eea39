package dev.headroom.spring.boot;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;

/** The Redis that every Headroom primitive shares. */
@ConfigurationProperties("headroom.redis")
public class HeadroomRedisProperties {

  /** Whether to connect to Redis at all; false keeps every primitive in memory. */
  private boolean enabled = true;

  /**
   * Redis URL (redis://, rediss://, redis-sentinel://, a comma-separated cluster list). When unset,
   * REDIS_URL is read; when neither is set every primitive runs in memory.
   */
  private @Nullable String url;

  /**
   * The first part of every Redis key (headroom:cache:..., headroom:ratelimit:...): give each
   * application sharing one Redis its own.
   */
  private String namespace = "headroom";

  public String getNamespace() {
    return namespace;
  }

  public void setNamespace(String namespace) {
    this.namespace = namespace;
  }

  public boolean isEnabled() {
    return enabled;
  }

  public void setEnabled(boolean enabled) {
    this.enabled = enabled;
  }

  public @Nullable String getUrl() {
    return url;
  }

  public void setUrl(@Nullable String url) {
    this.url = url;
  }
}
