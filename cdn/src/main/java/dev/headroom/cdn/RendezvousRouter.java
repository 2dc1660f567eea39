package dev.headroom.cdn;

import dev.headroom.core.health.Health;
import dev.headroom.core.health.HealthStatus;
import dev.headroom.core.metrics.HeadroomMeters;
import dev.headroom.core.metrics.InstanceMeters;
import io.micrometer.core.instrument.Counter;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * The {@link CdnRouter}: per type, the configured hosts ranked by rendezvous hashing of the path,
 * the first one up wins, and the local prefix when none is. URLs are built from pre-split host
 * parts and a small memo of parsed paths, so routing allocates little more than the URL.
 */
final class RendezvousRouter implements CdnRouter {

  private static final String IMAGE_PATH_PREFIX = "/cdn-cgi/image/";
  private static final int PARSED_SLOTS = 1024;
  private static final int MAX_PARSED_LENGTH = 512;

  /** {@link HeadroomMeters#TAG_RESULT} of a URL on a CDN host. */
  static final String RESULT_CDN = "cdn";

  /** {@link HeadroomMeters#TAG_RESULT} of a URL on the local prefix. */
  static final String RESULT_LOCAL = "local";

  private final String name;
  private final CdnConfig config;
  private final InstanceMeters meters;
  private final Map<AssetType, Host[]> hosts = new EnumMap<>(AssetType.class);
  private final Set<URI> markedDown = ConcurrentHashMap.newKeySet();

  /** Route counters by type ordinal, CDN then local; null without a meter registry. */
  private final Counter @Nullable [] routes;

  /** The local prefix parsed (null when empty), and whether it reads back as itself. */
  private final @Nullable AssetPath localPrefix;

  private final boolean localPrefixKnown;

  /**
   * Paths parsed lately, by hash slot: a bounded memo of AssetPath.of, a pure function of the text.
   * A slot is read and written without locks; an entry is immutable, so a reader sees either a
   * complete entry or another one, and uses it only if its text is the text asked for.
   */
  private final ParsedPath[] parsed = new ParsedPath[PARSED_SLOTS];

  RendezvousRouter(String name, CdnConfig config) {
    this.name = name;
    this.config = config;
    this.localPrefix = parsedPrefix(config.localPrefix());
    this.localPrefixKnown = config.localPrefix().isEmpty() || localPrefix != null;
    for (AssetType type : AssetType.values()) {
      hosts.put(type, config.hosts(type).stream().map(Host::new).toArray(Host[]::new));
    }
    this.meters =
        InstanceMeters.of(config.meterRegistry().orElse(null), HeadroomMeters.TAG_ROUTER, name);
    if (!meters.enabled()) {
      this.routes = null;
      return;
    }
    AssetType[] types = AssetType.values();
    Counter[] counters = new Counter[types.length * 2];
    for (AssetType type : types) {
      for (int local = 0; local < 2; local++) {
        String target = local == 0 ? RESULT_CDN : RESULT_LOCAL;
        counters[routeSlot(type, local == 1)] =
            meters.register(
                r ->
                    Counter.builder(HeadroomMeters.CDN_ROUTES)
                        .description(
                            "Asset URLs built, by asset type and whether a CDN host or the local path serves them")
                        .tags(
                            meters.tags(
                                HeadroomMeters.TAG_TYPE,
                                type.name().toLowerCase(Locale.ROOT),
                                HeadroomMeters.TAG_RESULT,
                                target))
                        .register(r));
      }
    }
    this.routes = counters;
    // Held strongly until close: a weakly held router would read NaN after the next GC.
    meters.gauge(
        HeadroomMeters.CDN_HOSTS_DOWN,
        this,
        RendezvousRouter::downHostCount,
        b ->
            b.description(
                "Configured CDN hosts that are marked down or reported down by the host health"));
  }

  @Override
  public AssetUrl route(String path) {
    return route(path, null, ImageTransform.none());
  }

  @Override
  public AssetUrl route(String path, AssetType type) {
    return route(path, Objects.requireNonNull(type, "type"), ImageTransform.none());
  }

  @Override
  public AssetUrl image(String path, ImageTransform transform) {
    return route(path, AssetType.IMAGE, Objects.requireNonNull(transform, "transform"));
  }

  @Override
  public Grant grantFor(Duration lifetime) {
    return Grant.validFor(lifetime, config.timeSource());
  }

  @Override
  public void markDown(URI host) {
    markedDown.add(Objects.requireNonNull(host, "host"));
  }

  @Override
  public void markUp(URI host) {
    markedDown.remove(Objects.requireNonNull(host, "host"));
  }

  @Override
  public CdnConfig config() {
    return config;
  }

  @Override
  public void close() {
    meters.close();
  }

  private AssetUrl route(String path, @Nullable AssetType explicitType, ImageTransform transform) {
    AssetPath requested = parse(path);
    Optional<AssetVersion> version = config.versioning().versionOf(requested);
    AssetPath served = requested;
    String token = null;
    if (version.isPresent()) {
      if (version.get() instanceof AssetVersion.HashedPath hashed) {
        served = hashed.path();
      } else {
        token = ((AssetVersion.Token) version.get()).value();
      }
    }
    AssetType type = explicitType != null ? explicitType : config.typeOf(served);
    Host host = pick(type, requested);

    boolean transformed = host != null && !transform.isEmpty();
    AssetPath prefix = host == null ? localPrefix : host.basePathParsed;
    // The path is prefix/versionSegment/served unless a transform goes in it (see AssetUrl).
    boolean knownParts = host == null ? localPrefixKnown : host.basePathKnown;
    String versionSegment = token != null && config.busting() == Busting.PATH ? token : null;
    String url;
    int queryStart = -1;
    if (!transformed) {
      // the common case as one concatenation: the text is allocated once, at its exact size
      String head = host == null ? config.localPrefix() : host.originAndBasePath;
      if (token == null) {
        url = head + served.encoded();
      } else if (versionSegment != null) {
        url = head + "/" + token + served.encoded();
      } else {
        queryStart = head.length() + served.encoded().length() + 1;
        url = head + served.encoded() + "?" + config.versionParameter() + "=" + token;
      }
    } else {
      Host cdn = Objects.requireNonNull(host, "only a CDN host applies a transform");
      StringBuilder text = new StringBuilder(128).append(cdn.origin);
      if (config.imageDialect() == ImageDialect.PATH) {
        text.append(IMAGE_PATH_PREFIX).append(transform.render(ImageDialect.PATH));
        knownParts = false;
      }
      text.append(cdn.basePath);
      if (versionSegment != null) {
        text.append('/').append(versionSegment);
      }
      text.append(served.encoded());
      char separator = '?';
      if (config.imageDialect() == ImageDialect.QUERY) {
        text.append(separator);
        queryStart = text.length();
        text.append(transform.render(ImageDialect.QUERY));
        separator = '&';
      }
      if (token != null && config.busting() == Busting.QUERY) {
        text.append(separator);
        if (queryStart < 0) {
          queryStart = text.length();
        }
        text.append(config.versionParameter()).append('=').append(token);
      }
      url = text.toString();
    }
    CachePolicy policy = config.cachePolicy(type);
    if (version.isEmpty() && policy.isImmutable()) {
      policy = config.unversionedPolicy();
    }
    if (routes != null) {
      routes[routeSlot(type, host == null)].increment();
    }
    return new AssetUrl(
        url,
        type,
        host == null ? null : host.uri,
        version.isPresent(),
        policy,
        host == null ? "" : host.origin,
        prefix,
        versionSegment,
        knownParts ? served : null,
        queryStart);
  }

  /** The index in {@link #routes} of the counter for {@code type}, CDN or local. */
  @SuppressWarnings(
      "EnumOrdinal") // an array slot per type: routing is the hot path, the array is cheaper than a
  // map
  private static int routeSlot(AssetType type, boolean local) {
    return type.ordinal() * 2 + (local ? 1 : 0);
  }

  /** The hosts of {@code type}; the constructor puts every type in the map. */
  private Host[] hostsOf(AssetType type) {
    return Objects.requireNonNull(hosts.get(type), "every asset type has its hosts");
  }

  /** {@link AssetPath#of(String)}, remembered for short paths that parse. */
  private AssetPath parse(String path) {
    Objects.requireNonNull(path, "path");
    if (path.length() > MAX_PARSED_LENGTH) {
      return AssetPath.of(path);
    }
    int hash = path.hashCode();
    int slot = (hash ^ (hash >>> 16)) & (PARSED_SLOTS - 1);
    ParsedPath hit = parsed[slot];
    // the hash first: a slot taken by another path is then told apart without reading its text
    if (hit != null && hit.hash == hash && hit.text.equals(path)) {
      return hit.path;
    }
    AssetPath fresh = AssetPath.of(path);
    parsed[slot] = new ParsedPath(hash, path, fresh);
    return fresh;
  }

  private record ParsedPath(int hash, String text, AssetPath path) {}

  /** The highest-ranked host up for {@code path}; the path is hashed only if there is a choice. */
  private @Nullable Host pick(AssetType type, AssetPath path) {
    Host[] candidates = hostsOf(type);
    if (candidates.length == 1) {
      return isUp(candidates[0].uri) ? candidates[0] : null;
    }
    long pathHash = RendezvousHash.hash(path.encoded());
    Host best = null;
    long bestScore = 0;
    for (Host host : candidates) {
      if (isUp(host.uri)) {
        long score = RendezvousHash.score(pathHash, host.seed);
        if (best == null || Long.compareUnsigned(score, bestScore) > 0) {
          best = host;
          bestScore = score;
        }
      }
    }
    return best;
  }

  private boolean isUp(URI host) {
    return !markedDown.contains(host) && config.hostHealth().isUp(host);
  }

  private double downHostCount() {
    Set<URI> all = new HashSet<>();
    hosts
        .values()
        .forEach(
            typeHosts -> {
              for (Host host : typeHosts) {
                all.add(host.uri);
              }
            });
    return all.stream().filter(host -> !isUp(host)).count();
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public Health health() {
    List<String> down = new ArrayList<>();
    List<String> local = new ArrayList<>();
    for (AssetType type : AssetType.values()) {
      Host[] typeHosts = hostsOf(type);
      boolean anyUp = false;
      for (Host host : typeHosts) {
        if (isUp(host.uri)) {
          anyUp = true;
        } else if (!down.contains(host.uri.toString())) {
          down.add(host.uri.toString());
        }
      }
      if (typeHosts.length > 0 && !anyUp) {
        local.add(type.name());
      }
    }
    if (down.isEmpty()) {
      return Health.up();
    }
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("downHosts", List.copyOf(down));
    details.put("localTypes", List.copyOf(local));
    return Health.of(HealthStatus.DEGRADED, details);
  }

  @Override
  public String toString() {
    return "CdnRouter[" + name + ", " + config + ", markedDown=" + markedDown + "]";
  }

  /**
   * {@code prefix} as a path if it is one in canonical form, so that a URL path starting with it
   * can be put together from parsed parts; null if it is empty or not canonical.
   */
  private static @Nullable AssetPath parsedPrefix(String prefix) {
    if (prefix.isEmpty()) {
      return null;
    }
    try {
      AssetPath path = AssetPath.of(prefix);
      return path.encoded().equals(prefix) ? path : null;
    } catch (InvalidAssetPathException e) {
      return null;
    }
  }

  /** A configured host, split for fast URL building. */
  private static final class Host {
    final URI uri;
    final String origin;
    final String basePath;
    final String originAndBasePath;
    final @Nullable AssetPath basePathParsed;
    final boolean basePathKnown;
    final long seed;

    Host(URI uri) {
      this.uri = uri;
      this.origin = uri.getScheme() + "://" + uri.getRawAuthority();
      this.basePath = uri.getRawPath() == null ? "" : uri.getRawPath();
      this.originAndBasePath = origin + basePath;
      this.basePathParsed = parsedPrefix(basePath);
      this.basePathKnown = basePath.isEmpty() || basePathParsed != null;
      this.seed = RendezvousHash.hash(uri.toString());
    }
  }
}
