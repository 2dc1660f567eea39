package dev.headroom.spring.boot;

import dev.headroom.cache.TtlTier;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;

/** Caches declared by name, each served to Spring's {@code @Cacheable} by the cache manager. */
@ConfigurationProperties("headroom.cache")
public class HeadroomCacheProperties {

  /** Whether to create the cache registry and the Spring cache manager. */
  private boolean enabled = true;

  /** The caches, by name: {@code headroom.cache.caches.users.ttl=10m}. */
  private Map<String, Spec> caches = new LinkedHashMap<>();

  public boolean isEnabled() {
    return enabled;
  }

  public void setEnabled(boolean enabled) {
    this.enabled = enabled;
  }

  public Map<String, Spec> getCaches() {
    return caches;
  }

  public void setCaches(Map<String, Spec> caches) {
    this.caches = caches;
  }

  /** One cache. */
  public static class Spec {

    /**
     * The class of the values (JSON-encoded for Redis as exactly this type). Give this or
     * allowed-types.
     */
    private @Nullable Class<?> valueType;

    /**
     * Classes (or packages, ending with '.') whose instances may be stored when the values are of
     * several types; each value is stored with its class name, and only these are ever read back.
     */
    private List<String> allowedTypes = new ArrayList<>();

    /** The TTL tier (SHORT 60s, MEDIUM 5m, LONG 1h, VERY_LONG 24h). */
    private @Nullable TtlTier tier;

    /** The TTL; overrides the tier. */
    private @Nullable Duration ttl;

    /** The most entries kept in memory (L1). */
    private @Nullable Long maximumSize;

    /** How long L1 keeps an entry before asking Redis again; at most the TTL. */
    private @Nullable Duration l1Ttl;

    /** How long an absent value (a load that answered null) is remembered. */
    private @Nullable Duration negativeTtl;

    /** Past its TTL, a value is still served this long while it reloads in the background. */
    private @Nullable Duration staleWhileRevalidate;

    /** Past its TTL, a value is still served this long when reloading it fails. */
    private @Nullable Duration staleIfError;

    /** Cross-node stampede lease: one node loads a missing key, the others wait for it. */
    private @Nullable Duration stampedeLease;

    /** How long the other nodes wait for the node holding the stampede lease. */
    private Duration stampedeMaxWait = Duration.ofSeconds(5);

    /** How long a Redis call may take before the cache serves from L1 alone. */
    private @Nullable Duration l2Timeout;

    public @Nullable Class<?> getValueType() {
      return valueType;
    }

    public void setValueType(@Nullable Class<?> valueType) {
      this.valueType = valueType;
    }

    public List<String> getAllowedTypes() {
      return allowedTypes;
    }

    public void setAllowedTypes(List<String> allowedTypes) {
      this.allowedTypes = allowedTypes;
    }

    public @Nullable TtlTier getTier() {
      return tier;
    }

    public void setTier(@Nullable TtlTier tier) {
      this.tier = tier;
    }

    public @Nullable Duration getTtl() {
      return ttl;
    }

    public void setTtl(@Nullable Duration ttl) {
      this.ttl = ttl;
    }

    public @Nullable Long getMaximumSize() {
      return maximumSize;
    }

    public void setMaximumSize(@Nullable Long maximumSize) {
      this.maximumSize = maximumSize;
    }

    public @Nullable Duration getL1Ttl() {
      return l1Ttl;
    }

    public void setL1Ttl(@Nullable Duration l1Ttl) {
      this.l1Ttl = l1Ttl;
    }

    public @Nullable Duration getNegativeTtl() {
      return negativeTtl;
    }

    public void setNegativeTtl(@Nullable Duration negativeTtl) {
      this.negativeTtl = negativeTtl;
    }

    public @Nullable Duration getStaleWhileRevalidate() {
      return staleWhileRevalidate;
    }

    public void setStaleWhileRevalidate(@Nullable Duration staleWhileRevalidate) {
      this.staleWhileRevalidate = staleWhileRevalidate;
    }

    public @Nullable Duration getStaleIfError() {
      return staleIfError;
    }

    public void setStaleIfError(@Nullable Duration staleIfError) {
      this.staleIfError = staleIfError;
    }

    public @Nullable Duration getStampedeLease() {
      return stampedeLease;
    }

    public void setStampedeLease(@Nullable Duration stampedeLease) {
      this.stampedeLease = stampedeLease;
    }

    public Duration getStampedeMaxWait() {
      return stampedeMaxWait;
    }

    public void setStampedeMaxWait(Duration stampedeMaxWait) {
      this.stampedeMaxWait = stampedeMaxWait;
    }

    public @Nullable Duration getL2Timeout() {
      return l2Timeout;
    }

    public void setL2Timeout(@Nullable Duration l2Timeout) {
      this.l2Timeout = l2Timeout;
    }
  }
}
