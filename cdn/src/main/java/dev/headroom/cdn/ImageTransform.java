package dev.headroom.cdn;

import java.math.BigDecimal;
import java.util.Locale;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A resize or re-encode request for an image: width, height, format and quality, each optional.
 * Immutable: each method returns a new transform and checks its value at once. Thread-safe.
 *
 * <pre>{@code ImageTransform.none().width(300).format(ImageFormat.WEBP).quality(80)}</pre>
 */
public final class ImageTransform {

  /** The largest accepted width or height, in pixels. */
  public static final int MAX_DIMENSION = 10_000;

  private static final ImageTransform NONE = new ImageTransform(0, 0, null, 0);

  private final int width;
  private final int height;
  private final @Nullable ImageFormat format;
  private final int quality;

  private ImageTransform(int width, int height, @Nullable ImageFormat format, int quality) {
    this.width = width;
    this.height = height;
    this.format = format;
    this.quality = quality;
  }

  /** The empty transform: the image as stored. */
  public static ImageTransform none() {
    return NONE;
  }

  /**
   * The same transform with a target width.
   *
   * @throws IllegalArgumentException unless {@code 1 <= pixels <= MAX_DIMENSION}
   */
  public ImageTransform width(int pixels) {
    return new ImageTransform(checkDimension("width", pixels), height, format, quality);
  }

  /**
   * The same transform with a target height.
   *
   * @throws IllegalArgumentException unless {@code 1 <= pixels <= MAX_DIMENSION}
   */
  public ImageTransform height(int pixels) {
    return new ImageTransform(width, checkDimension("height", pixels), format, quality);
  }

  /** The same transform with an output format. */
  public ImageTransform format(ImageFormat format) {
    return new ImageTransform(width, height, Objects.requireNonNull(format, "format"), quality);
  }

  /**
   * The same transform with an encoder quality.
   *
   * @throws IllegalArgumentException unless {@code 1 <= quality <= 100}
   */
  public ImageTransform quality(int quality) {
    if (quality < 1 || quality > 100) {
      throw new IllegalArgumentException("quality=" + quality + " is rejected: expected 1 to 100");
    }
    return new ImageTransform(width, height, format, quality);
  }

  /** Whether nothing is asked for. */
  public boolean isEmpty() {
    return width == 0 && height == 0 && format == null && quality == 0;
  }

  /**
   * This transform in {@code dialect}: query parameters without the leading {@code ?} for {@link
   * ImageDialect#QUERY}, the comma-separated options for {@link ImageDialect#PATH}; empty if
   * {@linkplain #isEmpty() empty}.
   */
  public String render(ImageDialect dialect) {
    boolean query = dialect == ImageDialect.QUERY;
    String separator = query ? "&" : ",";
    StringBuilder out = new StringBuilder(48);
    if (width > 0) {
      append(out, separator, query ? "w=" : "width=", Integer.toString(width));
    }
    if (height > 0) {
      append(out, separator, query ? "h=" : "height=", Integer.toString(height));
    }
    if (format != null) {
      String name = format.name().toLowerCase(Locale.ROOT);
      if (query && format == ImageFormat.AUTO) {
        append(out, separator, "auto=", "format");
      } else {
        append(out, separator, query ? "fm=" : "format=", name);
      }
    }
    if (quality > 0) {
      append(out, separator, query ? "q=" : "quality=", Integer.toString(quality));
    }
    return out.toString();
  }

  static String srcset(CdnRouter router, String path, ImageTransform t, int... widths) {
    Objects.requireNonNull(widths, "widths");
    if (widths.length == 0) {
      throw new IllegalArgumentException("widths is empty: expected at least one width");
    }
    StringBuilder out = new StringBuilder(64 * widths.length);
    int previous = 0;
    for (int w : widths) {
      checkDimension("width", w);
      if (w <= previous) {
        throw new IllegalArgumentException(
            "widths are rejected: expected strictly ascending widths, got "
                + w
                + " after "
                + previous);
      }
      previous = w;
      int h = t.height == 0 || t.width == 0 ? t.height : scaled(t.height, (double) w / t.width);
      AssetUrl url = router.image(path, new ImageTransform(w, h, t.format, t.quality));
      if (url.isLocal()) {
        return url.url();
      }
      candidate(out, url.url(), w + "w");
    }
    return out.toString();
  }

  static String srcsetDensities(
      CdnRouter router, String path, ImageTransform t, double... densities) {
    Objects.requireNonNull(densities, "densities");
    if (t.width == 0) {
      throw new IllegalArgumentException(
          "transform " + t + " is rejected: density descriptors scale a width; set one");
    }
    if (densities.length == 0) {
      throw new IllegalArgumentException("densities is empty: expected at least one density");
    }
    StringBuilder out = new StringBuilder(64 * densities.length);
    double previous = 0;
    for (double d : densities) {
      if (!(d > previous) || Double.isInfinite(d)) {
        throw new IllegalArgumentException(
            "densities are rejected: expected positive, strictly ascending densities, got "
                + d
                + " after "
                + previous);
      }
      previous = d;
      int w = checkDimension("width", scaled(t.width, d));
      int h = t.height == 0 ? 0 : checkDimension("height", scaled(t.height, d));
      AssetUrl url = router.image(path, new ImageTransform(w, h, t.format, t.quality));
      if (url.isLocal()) {
        return url.url();
      }
      candidate(
          out,
          url.url(),
          new BigDecimal(Double.toString(d)).stripTrailingZeros().toPlainString() + "x");
    }
    return out.toString();
  }

  private static int scaled(int pixels, double factor) {
    return (int) Math.max(1, Math.min(Integer.MAX_VALUE, Math.round(pixels * factor)));
  }

  private static void candidate(StringBuilder out, String url, String descriptor) {
    if (out.length() > 0) {
      out.append(", ");
    }
    out.append(url).append(' ').append(descriptor);
  }

  private static void append(StringBuilder out, String separator, String key, String value) {
    if (out.length() > 0) {
      out.append(separator);
    }
    out.append(key).append(value);
  }

  private static int checkDimension(String field, int pixels) {
    if (pixels < 1 || pixels > MAX_DIMENSION) {
      throw new IllegalArgumentException(
          field + "=" + pixels + " is rejected: expected 1 to " + MAX_DIMENSION + " pixels");
    }
    return pixels;
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof ImageTransform other
        && width == other.width
        && height == other.height
        && format == other.format
        && quality == other.quality;
  }

  @Override
  public int hashCode() {
    return Objects.hash(width, height, format, quality);
  }

  @Override
  public String toString() {
    return "ImageTransform[" + (isEmpty() ? "none" : render(ImageDialect.PATH)) + "]";
  }
}
