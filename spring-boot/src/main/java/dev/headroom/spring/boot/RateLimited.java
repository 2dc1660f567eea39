package dev.headroom.spring.boot;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Limits a controller method (or every method of a controller) by a policy named under {@code
 * headroom.ratelimit.policies} or a preset: {@code @RateLimited("login")}. A denied request answers
 * 429 with Retry-After, the RateLimit headers and an RFC 9457 problem body.
 */
@Target({ElementType.METHOD, ElementType.TYPE})
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface RateLimited {

  /** The policy name. */
  String value();

  /** Whose requests are counted together. */
  RateLimitKey key() default RateLimitKey.IP;

  /** The header whose value is the key, for {@link RateLimitKey#HEADER}. */
  String header() default "";
}
