package dev.headroom.benchmarks;

import dev.headroom.cdn.AssetManifest;
import dev.headroom.cdn.CdnConfig;
import dev.headroom.cdn.CdnRouter;
import dev.headroom.cdn.CdnRouters;
import dev.headroom.cdn.Grant;
import dev.headroom.cdn.HmacKey;
import dev.headroom.cdn.HmacSigner;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Route + version one asset path, route + sign one path (HMAC-SHA256 with expiry; as text in {@code
 * routeSigned}, as a {@link URI} in {@code routeSignedUri}), and route + version over 8 192
 * distinct paths in turn ({@code routeVersionedManyPaths}: more paths than the router's 1 024-entry
 * parse cache holds, so it shows the cost of parsing, not of a cache hit).
 *
 * <p>Peers: imgix-java, the library the issue names, cannot be had from this build's registry, so
 * the peer is {@code jdk}: the hand-written helper a service would otherwise carry (URLEncoder per
 * segment, a manifest map lookup, a {@link Mac} per thread, Base64url), which does none of
 * Headroom's path validation (traversal, control characters, smuggled queries), type routing or
 * host sharding. The ratio is the price of that safety. Both give the same text, byte for byte, for
 * every input measured (the set-up fails otherwise): the glue writes the same HMAC token ({@code
 * exp}, {@code kid}, {@code sig} over the token message of {@code HmacSigner}), and URLEncoder's
 * escaping differs from RFC 3986 only in {@code *} and {@code ~}, which no path here contains.
 *
 * <pre>java -jar benchmarks/target/benchmarks.jar quick CdnUrlBenchmark</pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class CdnUrlBenchmark {

  /** Which implementation runs. */
  @Param({"headroom", "jdk"})
  public String impl;

  private static final String PATH = "covers/album 42/Été-front.jpg";
  private static final String ORIGIN = "https://cdn.example.com";
  private static final String BASE_PATH = "/assets";
  private static final String BASE = ORIGIN + BASE_PATH;
  private static final String KEY_ID = "k1";
  private static final Instant EXPIRES = Instant.parse("2030-01-01T00:00:00Z");

  private static final int MANY = 8192;

  private CdnRouter router;
  private String[] manyPaths;
  private int next;
  private HmacSigner signer;
  private Grant grant;
  private Map<String, String> manifest;
  private Mac mac;

  /** Builds both implementations with the same base URL, manifest and key. */
  @Setup
  public void setUp() throws GeneralSecurityException {
    manifest = new HashMap<>();
    for (int i = 0; i < 1000; i++) {
      manifest.put("covers/album " + i + "/Été-front.jpg", "h" + Integer.toHexString(i * 7919));
    }
    byte[] secret = new byte[32];
    for (int i = 0; i < secret.length; i++) {
      secret[i] = (byte) (i * 31 + 7);
    }
    manyPaths = new String[MANY];
    for (int i = 0; i < MANY; i++) {
      manyPaths[i] = "covers/album " + (i % 1000) + "/track-" + i + "-Été.jpg";
    }
    router =
        CdnRouters.create(
            "bench",
            CdnConfig.builder()
                .baseUrl(URI.create(BASE))
                .versioning(AssetManifest.of(manifest))
                .build());
    signer = HmacSigner.of(HmacKey.of(KEY_ID, secret));
    grant = Grant.until(EXPIRES);
    mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(secret, "HmacSHA256"));
    checkSameOutput();
  }

  /** A versioned URL for one path. */
  @Benchmark
  public String routeVersioned() {
    if (impl.equals("headroom")) {
      return router.route(PATH).url();
    }
    return handWrittenUrl(PATH);
  }

  /** A versioned URL for each of 8 192 paths in turn. */
  @Benchmark
  public String routeVersionedManyPaths() {
    String path = manyPaths[next];
    next = (next + 1) & (MANY - 1);
    if (impl.equals("headroom")) {
      return router.route(path).url();
    }
    return handWrittenUrl(path);
  }

  /** A versioned URL for one path, signed with an expiry, as text. */
  @Benchmark
  public String routeSigned() {
    if (impl.equals("headroom")) {
      return router.route(PATH).signedUrl(signer, grant);
    }
    return handWrittenSigned();
  }

  /**
   * The same as a {@link URI}: Headroom's {@code signed()}, which parses the URL it built once
   * more; the hand-written glue parses its String with {@link URI#create}.
   */
  @Benchmark
  public URI routeSignedUri() {
    if (impl.equals("headroom")) {
      return router.route(PATH).signed(signer, grant);
    }
    return URI.create(handWrittenSigned());
  }

  /*
   * The same token HmacSigner writes (see HmacToken): exp, kid and sig appended to the versioned
   * URL, sig an HMAC-SHA256 of "HR-HMAC-SHA256-1\nkid\nexp\n\n\n\npath\nquery" (no start, IP
   * or path prefix), path the encoded path below the host, base64url without padding.
   */
  private String handWrittenSigned() {
    StringBuilder encodedPath = new StringBuilder(BASE_PATH);
    appendSegments(encodedPath, PATH);
    String path = encodedPath.toString();
    String version = manifest.get(PATH);
    String query = version == null ? "" : "v=" + version;
    long exp = EXPIRES.getEpochSecond();
    String message = "HR-HMAC-SHA256-1\n" + KEY_ID + "\n" + exp + "\n\n\n\n" + path + "\n" + query;
    byte[] sig = mac.doFinal(message.getBytes(StandardCharsets.UTF_8));
    return ORIGIN
        + path
        + (query.isEmpty() ? "?" : "?" + query + "&")
        + "exp="
        + exp
        + "&kid="
        + KEY_ID
        + "&sig="
        + Base64.getUrlEncoder().withoutPadding().encodeToString(sig);
  }

  private String handWrittenUrl(String path) {
    StringBuilder sb = new StringBuilder(BASE);
    appendSegments(sb, path);
    String version = manifest.get(path);
    if (version != null) {
      sb.append("?v=").append(version);
    }
    return sb.toString();
  }

  private static void appendSegments(StringBuilder sb, String path) {
    for (String segment : path.split("/", -1)) {
      sb.append('/').append(URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20"));
    }
  }

  /** Fails the run unless both implementations give the same text for every input measured. */
  private void checkSameOutput() {
    check(router.route(PATH).url(), handWrittenUrl(PATH));
    check(router.route(PATH).signedUrl(signer, grant), handWrittenSigned());
    for (String path : manyPaths) {
      check(router.route(path).url(), handWrittenUrl(path));
    }
  }

  private static void check(String headroom, String jdk) {
    if (!headroom.equals(jdk)) {
      throw new IllegalStateException("headroom gives " + headroom + " but the glue " + jdk);
    }
  }
}
