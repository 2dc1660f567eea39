package dev.headroom.cdn;

/** How an {@link ImageTransform} is written into a URL; image services differ. */
public enum ImageDialect {
  /**
   * Query parameters, as imgix and many image proxies read them: {@code
   * /img/a.png?w=300&h=200&fm=webp&q=80} ({@link ImageFormat#AUTO} is {@code auto=format}).
   */
  QUERY,
  /**
   * A path prefix, as Cloudflare Image Resizing reads it: {@code
   * /cdn-cgi/image/width=300,height=200,format=webp,quality=80/img/a.png}.
   */
  PATH
}
