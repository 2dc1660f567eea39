package dev.headroom.cdn;

import java.util.Objects;

/**
 * Makes {@link CdnRouter}s. A router needs no infrastructure (it builds URLs in the process), so
 * there is one factory method; the CDN itself comes from the config, where {@link
 * CdnConfig#builder(dev.headroom.core.config.HeadroomConfig)} reads {@code CDN_BASE_URL} and leaves
 * every asset on local paths when it is not set.
 */
public final class CdnRouters {

  private CdnRouters() {}

  /**
   * A router named {@code name} (its {@code router} meter tag and its health check's name) for
   * {@code config}; its meters go to the config's meter registry, if it has one.
   */
  public static CdnRouter create(String name, CdnConfig config) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(config, "config");
    return new RendezvousRouter(name, config);
  }
}
