package dev.headroom.cdn;

import java.net.URI;
import org.jspecify.annotations.Nullable;

/** The parts of a URL that a signer appends a token to, checked once for every signer. */
final class SignableUrl {

  /** {@code scheme://authority}, or empty for a local path. */
  final String origin;

  /** The canonical path. */
  final AssetPath path;

  /** The raw query, or null. */
  final @Nullable String query;

  /** The URL as given, for messages. */
  final String text;

  /** Whether {@link #text} is exactly origin, canonical path and {@code "?" + query} if any. */
  final boolean canonical;

  private SignableUrl(
      String origin, AssetPath path, @Nullable String query, String text, boolean canonical) {
    this.origin = origin;
    this.path = path;
    this.query = query;
    this.text = text;
    this.canonical = canonical;
  }

  /**
   * The parts of {@code text}, a URL the router built: the caller vouches that {@link #of} would
   * find exactly these parts in it and accept them, and that {@code text} is {@code origin}, the
   * path's encoded form and {@code "?" + query} if there is a query.
   */
  static SignableUrl ofParts(String origin, AssetPath path, @Nullable String query, String text) {
    return new SignableUrl(origin, path, query, text, true);
  }

  /**
   * Splits {@code url}, which must be an absolute URL with a host or a path, without a fragment.
   *
   * @throws IllegalArgumentException if it is neither, or has a fragment
   * @throws InvalidAssetPathException if its path is unsafe
   */
  static SignableUrl of(URI url) {
    if (url.isOpaque()
        || url.getRawPath() == null
        || url.getRawPath().isEmpty()
        || (url.getScheme() != null && url.getRawAuthority() == null)) {
      throw new IllegalArgumentException(
          "url='" + url + "' is rejected: expected a URL or path such as /a.mp3");
    }
    if (url.getRawFragment() != null) {
      throw new IllegalArgumentException(
          "url='" + url + "' is rejected: a fragment is never sent to the server");
    }
    String origin = url.getScheme() == null ? "" : url.getScheme() + "://" + url.getRawAuthority();
    return new SignableUrl(
        origin, AssetPath.of(url.getRawPath()), url.getRawQuery(), url.toString(), false);
  }

  /**
   * What {@link #withQueryOpen()} appends to {@code origin + path}: {@code "?"} without a query,
   * {@code "&"} after a non-empty one, nothing after an empty one.
   */
  String separator() {
    return query == null ? "?" : query.isEmpty() ? "" : "&";
  }

  /** Whether the query has a parameter called {@code name}. */
  boolean hasParameter(String name) {
    return query != null && ("&" + query).contains("&" + name + "=");
  }

  /**
   * {@code origin + path + "?"}, followed by the query and {@code "&"} if there is a non-empty
   * query.
   */
  StringBuilder withQueryOpen() {
    StringBuilder out =
        new StringBuilder(origin.length() + path.encoded().length() + 160)
            .append(origin)
            .append(path.encoded())
            .append('?');
    if (query != null && !query.isEmpty()) {
      out.append(query).append('&');
    }
    return out;
  }
}
