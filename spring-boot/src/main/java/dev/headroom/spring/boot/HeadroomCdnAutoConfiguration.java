package dev.headroom.spring.boot;

import dev.headroom.cdn.AssetManifest;
import dev.headroom.cdn.CdnConfig;
import dev.headroom.cdn.CdnRouter;
import dev.headroom.cdn.CdnRouters;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

/** A {@link CdnRouter} from {@code headroom.cdn.*} (or {@code CDN_BASE_URL}). */
@AutoConfiguration
@ConditionalOnClass(CdnRouter.class)
@ConditionalOnBooleanProperty(name = "headroom.cdn.enabled", matchIfMissing = true)
@EnableConfigurationProperties(HeadroomCdnProperties.class)
public class HeadroomCdnAutoConfiguration {

  /** The shared router. */
  @Bean
  @ConditionalOnMissingBean
  public CdnRouter headroomCdnRouter(
      HeadroomCdnProperties properties,
      Environment environment,
      ObjectProvider<MeterRegistry> meters) {
    CdnConfig.Builder b = CdnConfig.builder();
    URI baseUrl = properties.getBaseUrl();
    if (baseUrl == null) {
      String env = environment.getProperty("CDN_BASE_URL");
      if (env != null && !env.isBlank()) {
        try {
          baseUrl = URI.create(env.trim());
        } catch (IllegalArgumentException e) {
          throw Props.invalid("CDN_BASE_URL", env, e.getMessage());
        }
      }
    }
    Props.apply("headroom.cdn.base-url", baseUrl, b::baseUrl);
    List<URI> hosts = properties.getHosts();
    if (!hosts.isEmpty()) {
      Props.apply("headroom.cdn.hosts", hosts, b::defaultHosts);
    }
    Props.apply("headroom.cdn.local-prefix", properties.getLocalPrefix(), b::localPrefix);
    Props.apply(
        "headroom.cdn.version-parameter", properties.getVersionParameter(), b::versionParameter);
    Path manifest = properties.getManifest();
    Props.apply("headroom.cdn.manifest", manifest, m -> b.versioning(AssetManifest.load(m)));
    MeterRegistry registry = meters.getIfAvailable();
    if (registry != null) {
      b.meterRegistry(registry);
    }
    CdnConfig config;
    try {
      config = b.build();
    } catch (IllegalArgumentException | IllegalStateException e) {
      throw Props.refused("headroom.cdn", e);
    }
    return CdnRouters.create("cdn", config);
  }
}
