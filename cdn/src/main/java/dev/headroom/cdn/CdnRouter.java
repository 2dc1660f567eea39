package dev.headroom.cdn;

import dev.headroom.core.health.Health;
import dev.headroom.core.health.HealthCheck;
import java.net.URI;
import java.time.Duration;

/**
 * Routes asset paths to URLs: picks the asset's type, its version, and the host that serves it, and
 * falls back to the local path when no CDN host is configured or up for that type. Made by {@link
 * CdnRouters}.
 *
 * <pre>{@code
 * CdnConfig config = CdnConfig.builder(HeadroomConfig.fromEnvironment()).localPrefix("/assets").build();
 * CdnRouter router = CdnRouters.create("web", config);
 * router.route("covers/42.jpg").url();   // https://cdn.example.com/covers/42.jpg, or /assets/covers/42.jpg
 * }</pre>
 *
 * <p>Each type's hosts are chosen by rendezvous hashing of the path, so a path always maps to the
 * same host, adding a host moves about 1/n of the paths, and a host marked down ({@link
 * #markDown(URI)} or the configured {@link HostHealth}) loses only its own paths to the others.
 * Thread-safe; build one per service and share it. {@link #close()} removes its meters.
 */
public interface CdnRouter extends AutoCloseable, HealthCheck {

  /** The router's name, its {@code router} meter tag and its health check's name. */
  @Override
  String name();

  /**
   * The URL of {@code path}, typed by its extension.
   *
   * @throws InvalidAssetPathException if the path is unsafe (see {@link AssetPath#of(String)})
   * @throws IllegalArgumentException if the configured versioning returns an invalid token
   */
  AssetUrl route(String path);

  /**
   * The URL of {@code path} routed as {@code type}, whatever its extension.
   *
   * @throws InvalidAssetPathException if the path is unsafe
   */
  AssetUrl route(String path, AssetType type);

  /**
   * The URL of an image with a transform, in the configured {@link ImageDialect}. A local fallback
   * URL carries no transform (the original image is served).
   *
   * @throws InvalidAssetPathException if the path is unsafe
   */
  AssetUrl image(String path, ImageTransform transform);

  /**
   * An HTML {@code srcset} with width descriptors: the image at each of {@code widths} (the
   * transform's other settings kept, its height scaled in proportion), such as {@code
   * https://img.example.com/a.jpg?w=320 320w, https://img.example.com/a.jpg?w=640 640w}. Pair it
   * with a {@code sizes} attribute. When the router falls back to local paths (no transform is
   * applied) it is the one original URL.
   *
   * @throws IllegalArgumentException if {@code widths} is empty, not strictly ascending, or a width
   *     is outside 1 to {@link ImageTransform#MAX_DIMENSION}
   * @throws InvalidAssetPathException if the path is unsafe
   */
  default String srcset(String path, ImageTransform transform, int... widths) {
    return ImageTransform.srcset(this, path, transform, widths);
  }

  /**
   * An HTML {@code srcset} with pixel-density descriptors: the transform's width (and height) times
   * each of {@code densities}, such as {@code …?w=300 1x, …?w=600 2x}. When the router falls back
   * to local paths it is the one original URL.
   *
   * @throws IllegalArgumentException if the transform has no width, {@code densities} is empty or
   *     not strictly ascending, a density is not positive, or a scaled width exceeds {@link
   *     ImageTransform#MAX_DIMENSION}
   * @throws InvalidAssetPathException if the path is unsafe
   */
  default String srcsetDensities(String path, ImageTransform transform, double... densities) {
    return ImageTransform.srcsetDensities(this, path, transform, densities);
  }

  /**
   * A grant for {@code lifetime} from now on the configured {@linkplain CdnConfig#timeSource() time
   * source}, to sign a routed URL with: {@code router.route(p).signed(signer,
   * router.grantFor(Duration.ofMinutes(10)))}.
   *
   * @throws IllegalArgumentException if {@code lifetime} is under one second
   */
  Grant grantFor(Duration lifetime);

  /** Marks a host (a base URL as configured) down: its assets move to the type's other hosts. */
  void markDown(URI host);

  /** Marks a host up again: the assets it served before return to it. */
  void markUp(URI host);

  /** The configuration. */
  CdnConfig config();

  /**
   * UP when every configured host is up; DEGRADED when some are down (their assets are served by
   * other hosts or locally), with the down hosts and the types falling back to local paths as
   * details.
   */
  @Override
  Health health();

  /** Removes the router's meters. Routing still works after close. Idempotent. */
  @Override
  void close();
}
