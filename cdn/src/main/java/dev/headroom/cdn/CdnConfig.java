package dev.headroom.cdn;

import dev.headroom.core.config.HeadroomConfig;
import dev.headroom.core.config.Require;
import dev.headroom.core.time.TimeSource;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Immutable configuration of a {@link CdnRouter}: which hosts serve each {@link AssetType}, each
 * type's cache policy, the local fallback prefix, versioning and how versions and image transforms
 * are written, and the meter registry and time source of the router. Built with {@link #builder()}
 * or {@link #builder(HeadroomConfig)}; every setter checks its value at once and fails with a
 * message that names the field, the rule and the value ({@code "localPrefix must be an absolute
 * path such as /assets, or empty, was 'assets'"}).
 *
 * <p>Hosts are resolved per type: the type's own hosts if set, else the default hosts ({@code
 * CDN_BASE_URL}), else none; a type with no hosts is served from the local prefix.
 */
public final class CdnConfig {

  /** Default cache policy of images, audio and video: {@code public, max-age=86400}. */
  public static final CachePolicy DEFAULT_MEDIA_POLICY =
      CachePolicy.publicFor(Duration.ofHours(24));

  /** Default cache policy of downloads: {@code public, max-age=3600}. */
  public static final CachePolicy DEFAULT_DOWNLOAD_POLICY =
      CachePolicy.publicFor(Duration.ofHours(1));

  /**
   * Default policy of an asset whose type's policy is immutable but that has no version: {@code
   * public, max-age=300}, since its content may change under the same URL.
   */
  public static final CachePolicy DEFAULT_UNVERSIONED_POLICY =
      CachePolicy.publicFor(Duration.ofMinutes(5));

  /** Default name of the version query parameter. */
  public static final String DEFAULT_VERSION_PARAMETER = "v";

  private static final Set<String> IMAGE_PARAMETERS = Set.of("w", "h", "fm", "q", "auto");

  private final List<URI> defaultHosts;
  private final Map<AssetType, List<URI>> typeHosts;
  private final Map<AssetType, CachePolicy> policies;
  private final CachePolicy unversionedPolicy;
  private final String localPrefix;
  private final Versioning versioning;
  private final Busting busting;
  private final String versionParameter;
  private final ImageDialect imageDialect;
  private final Map<String, AssetType> extensions;
  private final HostHealth hostHealth;
  private final @Nullable MeterRegistry meterRegistry;
  private final TimeSource timeSource;

  private CdnConfig(Builder b) {
    this.defaultHosts = List.copyOf(b.defaultHosts);
    Map<AssetType, List<URI>> hosts = new EnumMap<>(AssetType.class);
    b.typeHosts.forEach((type, list) -> hosts.put(type, List.copyOf(list)));
    this.typeHosts = Collections.unmodifiableMap(hosts);
    this.policies = Collections.unmodifiableMap(new EnumMap<>(b.policies));
    this.unversionedPolicy = b.unversionedPolicy;
    this.localPrefix = b.localPrefix;
    this.versioning = b.versioning;
    this.busting = b.busting;
    this.versionParameter = b.versionParameter;
    this.imageDialect = b.imageDialect;
    this.extensions = Map.copyOf(b.extensions);
    this.hostHealth = b.hostHealth;
    this.meterRegistry = b.meterRegistry;
    this.timeSource = b.timeSource;
  }

  /**
   * No CDN (every asset served from the root path), the default policies, no meters, the system
   * clock.
   */
  public static CdnConfig ofDefaults() {
    return builder().build();
  }

  /** A builder with no CDN (every asset served locally) and the default policies. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder whose default hosts are {@code CDN_BASE_URL} if it is set, else none. */
  public static Builder builder(HeadroomConfig config) {
    Builder builder = new Builder();
    config.cdnBaseUrl().ifPresent(builder::baseUrl);
    return builder;
  }

  /** A builder starting from this configuration. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.defaultHosts.addAll(defaultHosts);
    b.typeHosts.putAll(typeHosts);
    b.policies.putAll(policies);
    b.extensions.putAll(extensions);
    return b.unversionedPolicy(unversionedPolicy)
        .localPrefix(localPrefix)
        .versioning(versioning)
        .busting(busting)
        .versionParameter(versionParameter)
        .imageDialect(imageDialect)
        .hostHealth(hostHealth)
        .timeSource(timeSource)
        .meterRegistryOrNone(meterRegistry);
  }

  /** The hosts that serve {@code type}, in configured order; empty if it is served locally. */
  public List<URI> hosts(AssetType type) {
    return typeHosts.getOrDefault(type, defaultHosts);
  }

  /** The cache policy of versioned assets of {@code type}. */
  public CachePolicy cachePolicy(AssetType type) {
    return Objects.requireNonNull(policies.get(type), "every asset type has a policy");
  }

  /** The policy of an unversioned asset whose type's policy is immutable. */
  public CachePolicy unversionedPolicy() {
    return unversionedPolicy;
  }

  /**
   * The local path prefix used when an asset is not served from a CDN, such as {@code /assets}; may
   * be empty.
   */
  public String localPrefix() {
    return localPrefix;
  }

  /** Where versions come from. */
  public Versioning versioning() {
    return versioning;
  }

  /** Where a version token goes in the URL. */
  public Busting busting() {
    return busting;
  }

  /** The query parameter that carries a version token with {@link Busting#QUERY}. */
  public String versionParameter() {
    return versionParameter;
  }

  /** How image transforms are written. */
  public ImageDialect imageDialect() {
    return imageDialect;
  }

  /** Which hosts are up. */
  public HostHealth hostHealth() {
    return hostHealth;
  }

  /** Where the router's meters go; empty for none. */
  public Optional<MeterRegistry> meterRegistry() {
    return Optional.ofNullable(meterRegistry);
  }

  /** The clock of {@link CdnRouter#grantFor(Duration)}. */
  public TimeSource timeSource() {
    return timeSource;
  }

  /** The type of {@code path} by its extension, with this configuration's overrides. */
  public AssetType typeOf(AssetPath path) {
    String extension = path.extension();
    AssetType override = extensions.get(extension);
    return override != null ? override : AssetType.byExtension(extension);
  }

  @Override
  public String toString() {
    Map<AssetType, Object> hosts = new EnumMap<>(AssetType.class);
    for (AssetType type : AssetType.values()) {
      hosts.put(type, hosts(type).isEmpty() ? "local" : hosts(type));
    }
    return "CdnConfig[hosts="
        + hosts
        + ", policies="
        + policies
        + ", localPrefix='"
        + localPrefix
        + "', busting="
        + busting
        + ", versionParameter="
        + versionParameter
        + ", imageDialect="
        + imageDialect
        + ", extensions="
        + extensions
        + "]";
  }

  /** Builds a {@link CdnConfig}. Not thread-safe. */
  public static final class Builder {
    private final List<URI> defaultHosts = new ArrayList<>();
    private final Map<AssetType, List<URI>> typeHosts = new EnumMap<>(AssetType.class);
    private final Map<AssetType, CachePolicy> policies = new EnumMap<>(AssetType.class);
    private final Map<String, AssetType> extensions = new HashMap<>();
    private CachePolicy unversionedPolicy = DEFAULT_UNVERSIONED_POLICY;
    private String localPrefix = "";
    private Versioning versioning = Versioning.none();
    private Busting busting = Busting.QUERY;
    private String versionParameter = DEFAULT_VERSION_PARAMETER;
    private ImageDialect imageDialect = ImageDialect.QUERY;
    private HostHealth hostHealth = HostHealth.allUp();
    private @Nullable MeterRegistry meterRegistry;
    private TimeSource timeSource = TimeSource.system();

    private Builder() {
      policies.put(AssetType.IMAGE, DEFAULT_MEDIA_POLICY);
      policies.put(AssetType.AUDIO, DEFAULT_MEDIA_POLICY);
      policies.put(AssetType.VIDEO, DEFAULT_MEDIA_POLICY);
      policies.put(AssetType.STATIC, CachePolicy.immutable());
      policies.put(AssetType.DOWNLOAD, DEFAULT_DOWNLOAD_POLICY);
    }

    /**
     * Sets one default host for every type that has none of its own.
     *
     * @throws IllegalArgumentException if it is not an absolute http(s) URL with a host and no
     *     query, fragment or user info, or its path is not a safe asset path
     */
    public Builder baseUrl(URI baseUrl) {
      return defaultHosts(List.of(baseUrl));
    }

    /**
     * Sets the default hosts (sharded by consistent hashing) for every type that has none of its
     * own.
     *
     * @throws IllegalArgumentException as for {@link #baseUrl(URI)}, or if a host is listed twice
     */
    public Builder defaultHosts(List<URI> hosts) {
      List<URI> checked = checkHosts("defaultHosts", hosts);
      defaultHosts.clear();
      defaultHosts.addAll(checked);
      return this;
    }

    /**
     * Sets the hosts of one type, sharded by consistent hashing; an empty list serves the type
     * locally even when default hosts are set.
     *
     * @throws IllegalArgumentException as for {@link #defaultHosts(List)}
     */
    public Builder hosts(AssetType type, List<URI> hosts) {
      Require.nonNull("type", type);
      typeHosts.put(type, checkHosts("hosts[" + type + "]", hosts));
      return this;
    }

    /** Serves {@code type} from the local prefix, whatever the default hosts are. */
    public Builder local(AssetType type) {
      return hosts(type, List.of());
    }

    /** Sets the cache policy of versioned assets of {@code type}. */
    public Builder cachePolicy(AssetType type, CachePolicy policy) {
      policies.put(Require.nonNull("type", type), Require.nonNull("cachePolicy", policy));
      return this;
    }

    /**
     * Sets the policy of an unversioned asset whose type's policy is immutable.
     *
     * @throws IllegalArgumentException if {@code policy} is itself immutable
     */
    public Builder unversionedPolicy(CachePolicy policy) {
      Require.nonNull("unversionedPolicy", policy);
      Require.that(
          !policy.isImmutable(),
          "unversionedPolicy",
          "'" + policy.headerValue() + "'",
          "not be immutable (an unversioned asset may change under the same URL)");
      this.unversionedPolicy = policy;
      return this;
    }

    /**
     * Sets the local path prefix for assets not served from a CDN, such as {@code /assets}; empty
     * (the default) serves them from the root. A trailing slash is dropped.
     *
     * @throws IllegalArgumentException if the prefix does not start with {@code /} or is not a safe
     *     path
     */
    public Builder localPrefix(String prefix) {
      Require.nonNull("localPrefix", prefix);
      String trimmed = prefix.endsWith("/") ? prefix.substring(0, prefix.length() - 1) : prefix;
      if (trimmed.isEmpty()) {
        this.localPrefix = "";
        return this;
      }
      Require.that(
          trimmed.startsWith("/"),
          "localPrefix",
          "'" + prefix + "'",
          "be an absolute path such as /assets, or empty");
      try {
        this.localPrefix = AssetPath.of(trimmed).encoded();
      } catch (InvalidAssetPathException e) {
        IllegalArgumentException failure =
            Require.fail("localPrefix", "'" + prefix + "'", "be a safe path (" + e.rule() + ")");
        failure.initCause(e);
        throw failure;
      }
      return this;
    }

    /** Sets where versions come from, such as an {@link AssetManifest}; default none. */
    public Builder versioning(Versioning versioning) {
      this.versioning = Require.nonNull("versioning", versioning);
      return this;
    }

    /** Sets where a version token goes; default {@link Busting#QUERY}. */
    public Builder busting(Busting busting) {
      this.busting = Require.nonNull("busting", busting);
      return this;
    }

    /**
     * Sets the version query parameter; default {@value #DEFAULT_VERSION_PARAMETER}.
     *
     * @throws IllegalArgumentException unless 1 to 32 characters of {@code [A-Za-z0-9_-]} that are
     *     not an image transform parameter ({@code w, h, fm, q, auto})
     */
    public Builder versionParameter(String name) {
      Require.nonNull("versionParameter", name);
      Require.that(
          name.matches("[A-Za-z0-9_-]{1,32}") && !IMAGE_PARAMETERS.contains(name),
          "versionParameter",
          "'" + name + "'",
          "be 1 to 32 characters of [A-Za-z0-9_-], not one of the image parameters "
              + IMAGE_PARAMETERS);
      this.versionParameter = name;
      return this;
    }

    /** Sets how image transforms are written; default {@link ImageDialect#QUERY}. */
    public Builder imageDialect(ImageDialect dialect) {
      this.imageDialect = Require.nonNull("imageDialect", dialect);
      return this;
    }

    /**
     * Maps a file extension (without the dot; case-insensitive) to a type, overriding {@link
     * AssetType#byExtension(String)}.
     *
     * @throws IllegalArgumentException unless 1 to 16 letters or digits
     */
    public Builder extension(String extension, AssetType type) {
      Require.nonNull("extension", extension);
      Require.that(
          extension.matches("[A-Za-z0-9]{1,16}"),
          "extension",
          "'" + extension + "'",
          "be 1 to 16 letters or digits, without the dot");
      extensions.put(extension.toLowerCase(Locale.ROOT), Require.nonNull("type", type));
      return this;
    }

    /** Sets which hosts are up; default all. Hosts can also be marked down on the router. */
    public Builder hostHealth(HostHealth health) {
      this.hostHealth = Require.nonNull("hostHealth", health);
      return this;
    }

    /**
     * Counts routes ({@code headroom.cdn.routes}) and gauges down hosts ({@code
     * headroom.cdn.hosts.down}) in {@code registry}, tagged {@code router=<name>}; default none.
     */
    public Builder meterRegistry(MeterRegistry registry) {
      this.meterRegistry = Require.nonNull("meterRegistry", registry);
      return this;
    }

    private Builder meterRegistryOrNone(@Nullable MeterRegistry registry) {
      this.meterRegistry = registry;
      return this;
    }

    /**
     * Sets the clock of {@link CdnRouter#grantFor(Duration)}; default {@link TimeSource#system()}.
     */
    public Builder timeSource(TimeSource timeSource) {
      this.timeSource = Require.nonNull("timeSource", timeSource);
      return this;
    }

    /** Builds the configuration. Every value was checked when it was set. */
    public CdnConfig build() {
      return new CdnConfig(this);
    }

    private static List<URI> checkHosts(String field, List<URI> hosts) {
      Require.nonNull(field, hosts);
      List<URI> checked = new ArrayList<>(hosts.size());
      for (int i = 0; i < hosts.size(); i++) {
        String element = field + "[" + i + "]";
        URI host = checkHost(element, Require.nonNull(element, hosts.get(i)));
        Require.that(!checked.contains(host), element, "'" + host + "'", "not be listed twice");
        checked.add(host);
      }
      return checked;
    }

    private static URI checkHost(String field, URI uri) {
      String rule =
          "be an absolute http:// or https:// URL with a host and no query, fragment or user info,"
              + " such as https://cdn.example.com/assets";
      String value = "'" + uri + "'";
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      if (!(scheme.equals("http") || scheme.equals("https"))
          || uri.getHost() == null
          || uri.getRawQuery() != null
          || uri.getRawFragment() != null
          || uri.getRawUserInfo() != null) {
        throw Require.fail(field, value, rule);
      }
      String path = Optional.ofNullable(uri.getRawPath()).orElse("");
      while (path.endsWith("/")) {
        path = path.substring(0, path.length() - 1);
      }
      if (!path.isEmpty()) {
        try {
          path = AssetPath.of(path).encoded();
        } catch (InvalidAssetPathException e) {
          IllegalArgumentException failure =
              Require.fail(field, value, "have a safe path (" + e.rule() + ")");
          failure.initCause(e);
          throw failure;
        }
      }
      try {
        return new URI(scheme + "://" + uri.getRawAuthority() + path);
      } catch (URISyntaxException e) {
        IllegalArgumentException failure = Require.fail(field, value, rule);
        failure.initCause(e);
        throw failure;
      }
    }
  }
}
