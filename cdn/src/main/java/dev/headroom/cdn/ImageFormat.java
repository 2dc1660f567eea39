package dev.headroom.cdn;

/** The output format of an image transform. */
public enum ImageFormat {
  /** Let the image service pick the best format the browser accepts. */
  AUTO,
  /** WebP. */
  WEBP,
  /** AVIF. */
  AVIF,
  /** JPEG. */
  JPEG,
  /** PNG. */
  PNG
}
