package dev.headroom.cdn;

import java.util.Objects;

/**
 * The version of one asset: either a {@link Token} (a version or content hash added to the URL as
 * the router's {@link Busting} says) or a {@link HashedPath} (a file name that already carries its
 * hash, as a front-end build emits, used instead of the requested path). Immutable.
 */
public sealed interface AssetVersion permits AssetVersion.Token, AssetVersion.HashedPath {

  /**
   * A version token such as a release number or content hash.
   *
   * @throws IllegalArgumentException unless 1 to 128 characters of {@code [A-Za-z0-9._-]}, not
   *     {@code .} or {@code ..}
   */
  static AssetVersion token(String value) {
    return new Token(value);
  }

  /**
   * A hashed file path such as {@code assets/main.4889e940.js}, served in place of the requested
   * path.
   *
   * @throws InvalidAssetPathException if {@code path} is not a safe {@link AssetPath}
   */
  static AssetVersion hashedPath(String path) {
    return new HashedPath(AssetPath.of(path));
  }

  /**
   * A version token that is added to the URL.
   *
   * @param value 1 to 128 characters of {@code [A-Za-z0-9._-]}, not {@code .} or {@code ..}
   */
  record Token(String value) implements AssetVersion {
    /** Validates the token. */
    public Token {
      Objects.requireNonNull(value, "value");
      if (!value.matches("[A-Za-z0-9._-]{1,128}") || value.equals(".") || value.equals("..")) {
        throw new IllegalArgumentException(
            "version token '"
                + value
                + "' is rejected: expected 1 to 128"
                + " characters of [A-Za-z0-9._-], such as a release number or a hex content hash");
      }
    }
  }

  /**
   * A hashed file path that replaces the requested one.
   *
   * @param path the path to serve
   */
  record HashedPath(AssetPath path) implements AssetVersion {
    /** Checks the path is present. */
    public HashedPath {
      Objects.requireNonNull(path, "path");
    }
  }
}
