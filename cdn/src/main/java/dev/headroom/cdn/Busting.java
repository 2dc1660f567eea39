package dev.headroom.cdn;

/** Where a version token goes in a URL. A manifest entry that renames the file needs neither. */
public enum Busting {
  /** As a query parameter: {@code /img/a.png?v=4889e940} (the parameter name is configurable). */
  QUERY,
  /**
   * As the first path segment after the base: {@code /4889e940/img/a.png}. The origin or CDN must
   * strip or ignore that segment.
   */
  PATH
}
