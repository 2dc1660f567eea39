package dev.headroom.core.redis;

import io.lettuce.core.RedisURI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Parses the Redis URL forms Headroom accepts into Lettuce {@link RedisURI}s.
 *
 * <ul>
 *   <li>Standalone: {@code redis://[[user:]password@]host[:port][/database][?timeout=5s]}, {@code
 *       rediss://…} for TLS, {@code redis-socket:///path/to/socket}.
 *   <li>Sentinel: {@code
 *       redis-sentinel://[[user:]password@]host1[:port1][,host2[:port2]…][/database]#masterId} (or
 *       {@code ?sentinelMasterId=masterId}); {@code rediss-sentinel://} for TLS.
 *   <li>Cluster: {@code redis-cluster://[[user:]password@]host1[:port1][,host2[:port2]…]} listing
 *       one or more seed nodes (the rest are discovered); {@code rediss-cluster://} for TLS.
 * </ul>
 */
public final class RedisUris {

  private RedisUris() {}

  /**
   * A parsed URL: its topology and the Lettuce URIs (one for standalone and Sentinel, one per seed
   * node for Cluster).
   *
   * @param topology the deployment kind
   * @param uris the Lettuce URIs, never empty
   */
  public record Parsed(RedisTopology topology, List<RedisURI> uris) {
    /** Copies {@code uris}. */
    public Parsed {
      uris = List.copyOf(uris);
    }
  }

  /**
   * Parses a Redis URL.
   *
   * @throws IllegalArgumentException with a message that says which forms are accepted
   */
  public static Parsed parse(String url) {
    Objects.requireNonNull(url, "url");
    int colon = url.indexOf("://");
    if (colon <= 0) {
      throw new IllegalArgumentException(
          "expected scheme://host[:port], with scheme one of " + SCHEMES);
    }
    String scheme = url.substring(0, colon).toLowerCase(Locale.ROOT);
    String rest = url.substring(colon + 3);
    return switch (scheme) {
      case "redis", "rediss", "redis-socket" ->
          new Parsed(RedisTopology.STANDALONE, List.of(lettuce(url)));
      case "redis-sentinel", "rediss-sentinel" -> {
        if (!rest.contains("#") && !rest.contains("sentinelMasterId=")) {
          throw new IllegalArgumentException(
              "a Sentinel URL needs the master's name, as #masterId or ?sentinelMasterId=masterId");
        }
        yield new Parsed(RedisTopology.SENTINEL, List.of(lettuce(url)));
      }
      case "redis-cluster", "rediss-cluster" ->
          new Parsed(
              RedisTopology.CLUSTER,
              clusterSeeds(scheme.startsWith("rediss") ? "rediss" : "redis", rest));
      default ->
          throw new IllegalArgumentException(
              "unsupported scheme '" + scheme + "': expected one of " + SCHEMES);
    };
  }

  private static final String SCHEMES =
      "redis://, rediss://, redis-socket://, redis-sentinel://, "
          + "rediss-sentinel://, redis-cluster:// or rediss-cluster://";

  private static List<RedisURI> clusterSeeds(String scheme, String rest) {
    String userInfo = "";
    int at = rest.lastIndexOf('@');
    if (at >= 0) {
      userInfo = rest.substring(0, at + 1);
      rest = rest.substring(at + 1);
    }
    String suffix = "";
    int end = indexOfAny(rest, "/?#");
    if (end >= 0) {
      suffix = rest.substring(end);
      rest = rest.substring(0, end);
    }
    if (suffix.startsWith("/")
        && suffix.length() > 1
        && !suffix.startsWith("/?")
        && !suffix.equals("/0")) {
      throw new IllegalArgumentException(
          "Redis Cluster has only database 0, the URL names '" + suffix + "'");
    }
    List<RedisURI> seeds = new ArrayList<>();
    for (String node : rest.split(",", -1)) {
      if (node.isBlank()) {
        throw new IllegalArgumentException(
            "a Cluster URL lists seed nodes as host1:port1,host2:port2 with none empty");
      }
      seeds.add(lettuce(scheme + "://" + userInfo + node.strip() + suffix));
    }
    return seeds;
  }

  private static RedisURI lettuce(String url) {
    RedisURI uri;
    try {
      uri = RedisURI.create(url);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(String.valueOf(e.getMessage()), e);
    }
    boolean socket = uri.getSocket() != null;
    boolean sentinel = !uri.getSentinels().isEmpty();
    if (!socket && !sentinel && (uri.getHost() == null || uri.getHost().isEmpty())) {
      throw new IllegalArgumentException("no host in the URL");
    }
    return uri;
  }

  private static int indexOfAny(String s, String chars) {
    for (int i = 0; i < s.length(); i++) {
      if (chars.indexOf(s.charAt(i)) >= 0) {
        return i;
      }
    }
    return -1;
  }

  /** The URL with any password replaced by {@code ****}, for logs and error messages. */
  public static String mask(String url) {
    int scheme = url.indexOf("://");
    int at = url.lastIndexOf('@');
    if (scheme < 0 || at < scheme) {
      return url;
    }
    String userInfo = url.substring(scheme + 3, at);
    int colon = userInfo.indexOf(':');
    String masked = colon >= 0 ? userInfo.substring(0, colon) + ":****" : "****";
    return url.substring(0, scheme + 3) + masked + url.substring(at);
  }
}
