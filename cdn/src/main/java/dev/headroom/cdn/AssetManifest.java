package dev.headroom.cdn;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Asset versions read from a build manifest: a map from a source path to its hashed file or its
 * hash. Immutable and thread-safe; load it once at start-up.
 *
 * <p>Two JSON shapes are read, and may be mixed in one file:
 *
 * <ul>
 *   <li>entries with a {@code "file"} member, as Vite writes {@code manifest.json}: {@code
 *       {"src/main.js": {"file": "assets/main.4889e940.js"}}} — the hashed file is served instead
 *       of the source path;
 *   <li>a flat map of strings, {@code {"img/logo.png": "4889e940"}}. A value containing {@code /}
 *       or {@code .} is a hashed file path (as webpack's manifest plugin writes); any other value
 *       is a version token added to the URL.
 * </ul>
 *
 * Keys and paths are compared decoded and without a leading slash, so {@code "/img/a b.png"} and
 * {@code "img/a%20b.png"} are the same key.
 */
public final class AssetManifest implements Versioning {

  /** Reads trees only: no types, no modules. Thread-safe once configured. */
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Map<AssetPath, AssetVersion> versions;

  private AssetManifest(Map<AssetPath, AssetVersion> versions) {
    this.versions = versions;
  }

  /**
   * Reads a manifest file.
   *
   * @throws UncheckedIOException if the file cannot be read
   * @throws IllegalArgumentException naming the file and the entry if the JSON is not a manifest or
   *     holds an unsafe path
   */
  public static AssetManifest load(Path file) {
    Objects.requireNonNull(file, "file");
    byte[] json;
    try {
      json = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "could not read the asset manifest " + file + ": " + e.getMessage(), e);
    }
    return parse(json, file.toString());
  }

  /**
   * Parses manifest JSON; {@code source} names it in error messages.
   *
   * @throws IllegalArgumentException if the JSON is not a manifest or holds an unsafe path
   */
  public static AssetManifest parse(byte[] json, String source) {
    Objects.requireNonNull(json, "json");
    JsonNode root;
    try {
      root = JSON.readTree(json);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(
          "asset manifest " + source + " is not valid JSON: " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new UncheckedIOException("could not read the asset manifest " + source, e);
    }
    if (root == null || !root.isObject()) {
      throw new IllegalArgumentException(
          "asset manifest "
              + source
              + " is rejected: expected a JSON object"
              + " mapping paths to hashed files or hashes");
    }
    Map<AssetPath, AssetVersion> versions = new HashMap<>();
    for (Map.Entry<String, JsonNode> entry : root.properties()) {
      try {
        versions.put(AssetPath.of(entry.getKey()), versionOf(entry.getValue()));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "asset manifest "
                + source
                + ", entry '"
                + entry.getKey()
                + "' is rejected: "
                + e.getMessage(),
            e);
      }
    }
    return new AssetManifest(Collections.unmodifiableMap(versions));
  }

  /**
   * A manifest from a map in the flat shape (path to hashed file or token).
   *
   * @throws IllegalArgumentException naming the entry if a path or token is not valid
   */
  public static AssetManifest of(Map<String, String> entries) {
    Map<AssetPath, AssetVersion> versions = new HashMap<>();
    entries.forEach(
        (path, value) -> {
          try {
            versions.put(AssetPath.of(path), flatValue(value));
          } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                "manifest entry '" + path + "' is rejected: " + e.getMessage(), e);
          }
        });
    return new AssetManifest(Collections.unmodifiableMap(versions));
  }

  private static AssetVersion versionOf(JsonNode value) {
    if (value.isTextual()) {
      return flatValue(value.asText());
    }
    JsonNode file = value.isObject() ? value.get("file") : null;
    if (file == null || !file.isTextual()) {
      throw new IllegalArgumentException(
          "expected a string (hash or hashed file) or an object with a"
              + " string \"file\" member, found "
              + value.getNodeType());
    }
    return AssetVersion.hashedPath(file.asText());
  }

  private static AssetVersion flatValue(String value) {
    return value.indexOf('/') >= 0 || value.indexOf('.') >= 0
        ? AssetVersion.hashedPath(value)
        : AssetVersion.token(value);
  }

  @Override
  public Optional<AssetVersion> versionOf(AssetPath path) {
    return Optional.ofNullable(versions.get(path));
  }

  /** How many entries the manifest holds. */
  public int size() {
    return versions.size();
  }

  @Override
  public String toString() {
    return "AssetManifest[" + versions.size() + " entries]";
  }
}
