package dev.headroom.spring.boot;

import dev.headroom.core.redis.RedisConnector;
import dev.headroom.ratelimit.RateLimitPolicy;
import dev.headroom.ratelimit.RateLimiterConfig;
import dev.headroom.ratelimit.RateLimiterRegistry;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * A {@link RateLimiterRegistry} with the policies of {@code headroom.ratelimit.policies}; in a
 * servlet application, a filter applying {@code headroom.ratelimit.rules} and {@link RateLimited}
 * on controller methods; in a reactive one, a {@code WebFilter} applying the same rules.
 */
@AutoConfiguration(after = HeadroomRedisAutoConfiguration.class)
@ConditionalOnClass(RateLimiterRegistry.class)
@ConditionalOnBooleanProperty(name = "headroom.ratelimit.enabled", matchIfMissing = true)
@EnableConfigurationProperties(HeadroomRateLimitProperties.class)
public class HeadroomRateLimitAutoConfiguration {

  /** The registry: limiters on Redis (shared by every node) when it is present, else in memory. */
  @Bean
  @ConditionalOnMissingBean
  public RateLimiterRegistry headroomRateLimiterRegistry(
      @Nullable RedisConnector redis,
      HeadroomRateLimitProperties properties,
      Environment environment,
      ObjectProvider<MeterRegistry> meters) {
    RateLimiterConfig.Builder defaults =
        RateLimiterConfig.builder().keySpace(Props.keySpace(environment, "ratelimit"));
    Props.apply(
        "headroom.ratelimit.failure-mode", properties.getFailureMode(), defaults::failureMode);
    Props.apply(
        "headroom.ratelimit.redis-timeout",
        properties.getRedisTimeout(),
        t -> {
          // the range is checked when a config is built: build once here so a bad value is
          // reported under its property
          var unused = defaults.redisTimeout(t).build();
        });
    defaults.shadow(properties.isShadow());
    MeterRegistry registry = meters.getIfAvailable();
    if (registry != null) {
      defaults.meterRegistry(registry);
    }
    return RateLimiterRegistry.create(Optional.ofNullable(redis), defaults.build())
        .withPolicies(policies(properties));
  }

  /** Limiters by policy name and the client address rules, for the filter and the annotation. */
  @Bean
  @ConditionalOnMissingBean
  public HeadroomRateLimits headroomRateLimits(
      RateLimiterRegistry registry, HeadroomRateLimitProperties properties) {
    return new HeadroomRateLimits(
        registry,
        policies(properties),
        new ClientAddress(properties.getTrustedProxies()),
        properties.isLegacyHeaders());
  }

  static Map<String, RateLimitPolicy> policies(HeadroomRateLimitProperties properties) {
    Map<String, RateLimitPolicy> out = new LinkedHashMap<>();
    properties.getPolicies().forEach((name, spec) -> out.put(name, policy(name, spec)));
    return out;
  }

  static RateLimitPolicy policy(String name, HeadroomRateLimitProperties.Policy spec) {
    String p = "headroom.ratelimit.policies." + name + ".";
    RateLimitPolicy.Builder b;
    String preset = spec.getPreset();
    if (preset != null) {
      RateLimitPolicy base = RateLimitPolicy.presets().get(preset);
      if (base == null) {
        throw Props.invalid(
            p + "preset", preset, "must be one of " + RateLimitPolicy.presets().keySet());
      }
      b = base.toBuilder();
    } else {
      b = RateLimitPolicy.builder();
    }
    Props.apply(p + "algorithm", spec.getAlgorithm(), b::algorithm);
    Long permits = spec.getPermits();
    if (permits != null || spec.getWindow() != null) {
      if (permits == null || spec.getWindow() == null) {
        throw Props.invalid(
            p + (permits == null ? "permits" : "window"),
            null,
            "permits and window are given together");
      }
      var window = spec.getWindow();
      Props.apply(p + "permits", permits, n -> b.limit(n, window));
    }
    List<HeadroomRateLimitProperties.LimitSpec> limits = spec.getLimits();
    for (int i = 0; i < limits.size(); i++) {
      var l = limits.get(i);
      Props.apply(p + "limits[" + i + "].permits", l.getPermits(), n -> b.limit(n, l.getWindow()));
    }
    try {
      return b.build();
    } catch (IllegalArgumentException | IllegalStateException e) {
      throw Props.refused("headroom.ratelimit.policies." + name, e);
    }
  }

  /** The servlet filter and the {@link RateLimited} interceptor. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
  @ConditionalOnClass(
      name = {"jakarta.servlet.Filter", "org.springframework.web.servlet.HandlerInterceptor"})
  static class Servlet {

    /** Applies {@code headroom.ratelimit.rules}. */
    @Bean
    @ConditionalOnMissingBean
    public HeadroomRateLimitFilter headroomRateLimitFilter(
        HeadroomRateLimits limits, HeadroomRateLimitProperties properties) {
      return new HeadroomRateLimitFilter(
          limits, properties.getRules(), properties.getFilterOrder());
    }

    /** Registers the {@link RateLimited} interceptor. */
    @Bean
    public WebMvcConfigurer headroomRateLimitedConfigurer(HeadroomRateLimits limits) {
      RateLimitedInterceptor interceptor = new RateLimitedInterceptor(limits);
      return new WebMvcConfigurer() {
        @Override
        public void addInterceptors(InterceptorRegistry registry) {
          registry.addInterceptor(interceptor);
        }
      };
    }
  }

  /** The WebFlux filter, in a reactive application. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
  @ConditionalOnClass(name = "org.springframework.web.server.WebFilter")
  static class Reactive {

    /** Applies {@code headroom.ratelimit.rules}. */
    @Bean
    @ConditionalOnMissingBean
    public HeadroomRateLimitWebFilter headroomRateLimitWebFilter(
        HeadroomRateLimits limits, HeadroomRateLimitProperties properties) {
      return new HeadroomRateLimitWebFilter(
          limits, properties.getRules(), properties.getFilterOrder());
    }
  }
}
