package dev.headroom.cdn;

import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Finds the version of an asset for cache busting. Implementations must be thread-safe and fast:
 * the router calls this on every URL it builds. An {@link AssetManifest} is one.
 */
@FunctionalInterface
public interface Versioning {

  /** The version of {@code path}, or empty if it has none (its URL is then left unversioned). */
  Optional<AssetVersion> versionOf(AssetPath path);

  /** No versioning: every URL is unversioned. */
  static Versioning none() {
    return path -> Optional.empty();
  }

  /**
   * The same token for every asset, such as a release number or build id.
   *
   * @throws IllegalArgumentException if {@code version} is not a valid {@linkplain
   *     AssetVersion#token token}
   */
  static Versioning fixed(String version) {
    Optional<AssetVersion> token = Optional.of(AssetVersion.token(version));
    return path -> token;
  }

  /**
   * Tokens from a function of the decoded path ({@link AssetPath#value()}, such as {@code
   * "img/a.png"}), for example a content-hash lookup; the function returns null for an asset
   * without a version. A returned token that is not valid fails the routing call.
   */
  static Versioning byFunction(Function<String, @Nullable String> tokenOf) {
    Objects.requireNonNull(tokenOf, "tokenOf");
    return path -> Optional.ofNullable(tokenOf.apply(path.value())).map(AssetVersion::token);
  }

  /** This versioning, and {@code fallback} for assets this one does not know. */
  default Versioning orElse(Versioning fallback) {
    Objects.requireNonNull(fallback, "fallback");
    return path -> {
      Optional<AssetVersion> version = versionOf(path);
      return version.isPresent() ? version : fallback.versionOf(path);
    };
  }
}
