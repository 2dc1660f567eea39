package dev.headroom.cdn;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * The kind of an asset. Each type can be served from its own hosts with its own cache policy. The
 * type is decided by the file extension ({@link #byExtension(String)}, overridable per router with
 * {@link CdnConfig.Builder#extension(String, AssetType)}) or given explicitly.
 */
public enum AssetType {
  /** Pictures: cover art, photos, icons. Image transforms apply to this type. */
  IMAGE(
      Set.of(
          "png", "jpg", "jpeg", "gif", "webp", "avif", "svg", "ico", "bmp", "tif", "tiff", "heic")),
  /** Sound: tracks, previews, podcasts. */
  AUDIO(Set.of("mp3", "m4a", "aac", "ogg", "oga", "opus", "wav", "flac", "weba")),
  /** Moving pictures and streaming manifests. */
  VIDEO(Set.of("mp4", "m4v", "webm", "mov", "mkv", "ogv", "m3u8", "mpd")),
  /** Front-end build output: scripts, styles, fonts, source maps, WebAssembly. */
  STATIC(Set.of("js", "mjs", "css", "map", "woff", "woff2", "ttf", "otf", "eot", "wasm")),
  /** Everything else: downloads, documents, archives, and files without an extension. */
  DOWNLOAD(Set.of());

  private static final Map<String, AssetType> BY_EXTENSION = new HashMap<>();

  static {
    for (AssetType type : values()) {
      for (String extension : type.extensions) {
        BY_EXTENSION.put(extension, type);
      }
    }
  }

  @SuppressWarnings("ImmutableEnumChecker") // Set.copyOf: an unmodifiable set of immutable strings
  private final Set<String> extensions;

  AssetType(Set<String> extensions) {
    this.extensions = Set.copyOf(extensions);
  }

  /** The lower-case extensions (without dot) that map to this type by default. */
  public Set<String> defaultExtensions() {
    return extensions;
  }

  /**
   * The default type of a lower-case extension without the dot, such as {@code "png"}; {@link
   * #DOWNLOAD} for an unknown or empty extension.
   */
  public static AssetType byExtension(String extension) {
    return BY_EXTENSION.getOrDefault(extension, DOWNLOAD);
  }
}
