package dev.headroom.spring.boot;

import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;

/** The CDN router: where assets are served from and how their URLs are versioned. */
@ConfigurationProperties("headroom.cdn")
public class HeadroomCdnProperties {

  /** Whether to create the CDN router. */
  private boolean enabled = true;

  /** The CDN base URL; when unset, CDN_BASE_URL, else every asset is served locally. */
  private @Nullable URI baseUrl;

  /** Several CDN hosts, chosen per asset by rendezvous hashing (instead of base-url). */
  private List<URI> hosts = new ArrayList<>();

  /** The path prefix of locally served assets, such as /assets. */
  private @Nullable String localPrefix;

  /** An asset manifest (JSON, path to hashed path) that versions the URLs. */
  private @Nullable Path manifest;

  /** The query parameter carrying an asset's version. */
  private @Nullable String versionParameter;

  public boolean isEnabled() {
    return enabled;
  }

  public void setEnabled(boolean enabled) {
    this.enabled = enabled;
  }

  public @Nullable URI getBaseUrl() {
    return baseUrl;
  }

  public void setBaseUrl(@Nullable URI baseUrl) {
    this.baseUrl = baseUrl;
  }

  public List<URI> getHosts() {
    return hosts;
  }

  public void setHosts(List<URI> hosts) {
    this.hosts = hosts;
  }

  public @Nullable String getLocalPrefix() {
    return localPrefix;
  }

  public void setLocalPrefix(@Nullable String localPrefix) {
    this.localPrefix = localPrefix;
  }

  public @Nullable Path getManifest() {
    return manifest;
  }

  public void setManifest(@Nullable Path manifest) {
    this.manifest = manifest;
  }

  public @Nullable String getVersionParameter() {
    return versionParameter;
  }

  public void setVersionParameter(@Nullable String versionParameter) {
    this.versionParameter = versionParameter;
  }
}
