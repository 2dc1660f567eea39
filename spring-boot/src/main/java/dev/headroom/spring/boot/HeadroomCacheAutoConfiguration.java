package dev.headroom.spring.boot;

import dev.headroom.cache.Cache;
import dev.headroom.cache.CacheConfig;
import dev.headroom.cache.CacheRegistry;
import dev.headroom.core.codec.Codec;
import dev.headroom.core.codec.JsonCodec;
import dev.headroom.core.key.KeySpace;
import dev.headroom.core.redis.RedisConnector;
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
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.cache.CacheManager;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

/**
 * A {@link CacheRegistry} holding the caches declared under {@code headroom.cache.caches}, and a
 * Spring {@link CacheManager} over them for {@code @Cacheable}, {@code @CachePut} and
 * {@code @CacheEvict}.
 */
@AutoConfiguration(
    after = HeadroomRedisAutoConfiguration.class,
    beforeName = "org.springframework.boot.cache.autoconfigure.CacheAutoConfiguration")
@ConditionalOnClass(CacheRegistry.class)
@ConditionalOnBooleanProperty(name = "headroom.cache.enabled", matchIfMissing = true)
@EnableConfigurationProperties(HeadroomCacheProperties.class)
public class HeadroomCacheAutoConfiguration {

  /** The registry: two-level caches when a {@link RedisConnector} is present, else in memory. */
  @Bean
  @ConditionalOnMissingBean
  public CacheRegistry headroomCacheRegistry(
      @Nullable RedisConnector redis,
      HeadroomCacheProperties properties,
      Environment environment,
      ObjectProvider<MeterRegistry> meters,
      ObjectProvider<HeadroomCacheCustomizer> customizers) {
    CacheRegistry registry = CacheRegistry.create(Optional.ofNullable(redis));
    try {
      declare(registry, properties, environment, meters, customizers);
    } catch (RuntimeException e) {
      registry.close();
      throw e;
    }
    return registry;
  }

  /** Spring's cache manager over the declared caches. */
  @Bean
  @ConditionalOnMissingBean(CacheManager.class)
  public HeadroomCacheManager headroomCacheManager(
      CacheRegistry registry,
      HeadroomCacheProperties properties,
      Environment environment,
      ObjectProvider<MeterRegistry> meters,
      ObjectProvider<HeadroomCacheCustomizer> customizers) {
    Map<String, Cache<Object>> caches =
        declare(registry, properties, environment, meters, customizers);
    Map<String, HeadroomSpringCache> adapted = new LinkedHashMap<>();
    properties
        .getCaches()
        .forEach(
            (name, spec) -> {
              Cache<Object> cache = caches.get(name);
              if (cache != null) {
                adapted.put(name, new HeadroomSpringCache(cache, spec.getValueType()));
              }
            });
    return new HeadroomCacheManager(adapted);
  }

  /** Spring cache keys made as {@link CacheKeys} makes them: {@code keyGenerator = "..."}. */
  @Bean
  @ConditionalOnMissingBean(name = "headroomKeyGenerator")
  public CacheKeys headroomKeyGenerator() {
    return new CacheKeys();
  }

  @SuppressWarnings("unchecked")
  static Map<String, Cache<Object>> declare(
      CacheRegistry registry,
      HeadroomCacheProperties properties,
      Environment environment,
      ObjectProvider<MeterRegistry> meters,
      ObjectProvider<HeadroomCacheCustomizer> customizers) {
    Map<String, Cache<Object>> caches = new LinkedHashMap<>();
    properties
        .getCaches()
        .forEach(
            (name, spec) -> {
              Cache<?> cache = registry.find(name).orElse(null);
              if (cache == null) {
                CacheConfig<Object> config =
                    config(
                        name,
                        spec,
                        Props.keySpace(environment, "cache"),
                        meters.getIfAvailable(),
                        customizers);
                try {
                  cache = registry.getOrCreate(name, config);
                } catch (IllegalArgumentException | IllegalStateException e) {
                  throw Props.refused("headroom.cache.caches." + name, e);
                }
              }
              caches.put(name, (Cache<Object>) cache);
            });
    return caches;
  }

  static CacheConfig<Object> config(
      String name,
      HeadroomCacheProperties.Spec spec,
      KeySpace keySpace,
      @Nullable MeterRegistry meters,
      ObjectProvider<HeadroomCacheCustomizer> customizers) {
    String p = "headroom.cache.caches." + name + ".";
    Class<?> valueType = spec.getValueType();
    List<String> allowed = spec.getAllowedTypes();
    if (valueType == null && allowed.isEmpty()) {
      throw Props.invalid(
          p + "value-type",
          null,
          "give value-type (or allowed-types): cached values are never read back as arbitrary"
              + " classes");
    }
    if (valueType != null && !allowed.isEmpty()) {
      throw Props.invalid(
          p + "allowed-types", allowed, "give value-type or allowed-types, not both");
    }
    Codec<Object> codec =
        valueType != null
            ? typed(valueType)
            : new AllowListJsonCodec(JsonCodec.defaultMapper(), allowed);
    CacheConfig.Builder<Object> b = CacheConfig.builder(codec).keySpace(keySpace);
    Props.apply(p + "tier", spec.getTier(), b::ttl);
    Props.apply(p + "ttl", spec.getTtl(), b::ttl);
    Props.apply(p + "maximum-size", spec.getMaximumSize(), b::maximumSize);
    Props.apply(p + "l1-ttl", spec.getL1Ttl(), b::l1Ttl);
    Props.apply(p + "negative-ttl", spec.getNegativeTtl(), b::negativeTtl);
    Props.apply(
        p + "stale-while-revalidate", spec.getStaleWhileRevalidate(), b::staleWhileRevalidate);
    Props.apply(p + "stale-if-error", spec.getStaleIfError(), b::staleIfError);
    Props.apply(p + "l2-timeout", spec.getL2Timeout(), b::l2Timeout);
    Props.apply(
        p + "stampede-lease",
        spec.getStampedeLease(),
        lease -> b.stampedeLease(lease, spec.getStampedeMaxWait()));
    if (meters != null) {
      b.meterRegistry(meters);
    }
    customizers.orderedStream().forEach(c -> c.customize(name, b));
    try {
      return b.build();
    } catch (IllegalArgumentException | IllegalStateException e) {
      throw Props.refused("headroom.cache.caches." + name, e);
    }
  }

  private static <T> Codec<Object> typed(Class<T> type) {
    JsonCodec<T> json = JsonCodec.of(JsonCodec.defaultMapper(), type);
    return new Codec<>() {
      @Override
      public byte[] encode(Object value) {
        return json.encode(type.cast(value));
      }

      @Override
      public Object decode(byte[] bytes) {
        return json.decode(bytes);
      }

      @Override
      public String toString() {
        return "json(" + type.getName() + ")";
      }
    };
  }
}
