package dev.headroom.cdn;

import java.net.URI;

/**
 * Tells the router whether a CDN host is serving, for example from a health checker's last result.
 * A host that is not up gets no assets; they move to the type's other hosts, or to the local path
 * if none is up. Implementations must be thread-safe, fast, non-blocking and must not throw: the
 * router asks on every URL it builds, so answer from a cached reading.
 */
@FunctionalInterface
public interface HostHealth {

  /** Whether {@code host} (a base URL as configured, without a trailing slash) is serving. */
  boolean isUp(URI host);

  /** Every host is up. */
  static HostHealth allUp() {
    return host -> true;
  }
}
